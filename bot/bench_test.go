package bot_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
)

// BenchmarkDeliveryRateLimited sends 1,000 alerts (200 channels × 5 items)
// through a fake Discord that allows 50 message posts per second and answers
// 429 beyond that. Run it with -benchtime=1x; it reports msgs/s and the 429s.
func BenchmarkDeliveryRateLimited(b *testing.B) {
	const channels, perChannel, limit = 200, 5, 50
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b, func(e *env) {
			e.cfg.MessagesPerSecond = limit
			e.cfg.DeliveryInterval = 250 * time.Millisecond
		})
		e.watch(guildA, "Kyiv", newswatch.KindCity)
		f := e.feed(guildA, "http://feeds.test/bench")
		for c := 0; c < channels; c++ {
			e.route(guildA, fmt.Sprintf("7%017d", c), "")
		}
		e.fake.SetRateLimit(limit, time.Second)
		var ts []string
		for k := 0; k < perChannel; k++ {
			ts = append(ts, fmt.Sprintf("Kyiv bench %d", k))
		}
		if res := e.items(f.ID, guildA, ts...); res.Alerts != channels*perChannel {
			b.Fatalf("%d alerts stored, want %d", res.Alerts, channels*perChannel)
		}
		b.StartTimer()
		start := time.Now()
		e.start()
		if !e.waitNoPending(5 * time.Minute) {
			b.Fatal("alerts still pending")
		}
		elapsed := time.Since(start)
		b.StopTimer()
		if n := e.fake.MessageCount(); n != channels*perChannel {
			b.Fatalf("%d messages posted, want %d (each alert exactly once)", n, channels*perChannel)
		}
		b.ReportMetric(float64(channels*perChannel)/elapsed.Seconds(), "msgs/s")
		b.ReportMetric(float64(e.fake.RateLimited()), "429s")
		e.stop()
	}
}

// BenchmarkAlertLatency measures the time from an item being stored (with
// its outbox row) to its alert arriving at the fake Discord, with nothing
// rate-limited: with the default 250ms poll ("poll") and with Bot.Notify
// after the save ("notify"). It reports p50 and p95 in ms.
func BenchmarkAlertLatency(b *testing.B) {
	for _, notify := range []bool{false, true} {
		name := "poll"
		if notify {
			name = "notify"
		}
		b.Run(name, func(b *testing.B) {
			e := newEnv(b, func(e *env) { e.cfg.DeliveryInterval = 250 * time.Millisecond })
			e.watch(guildA, "Kyiv", newswatch.KindCity)
			f := e.feed(guildA, "http://feeds.test/latency")
			e.route(guildA, chanA, "")
			arrived := make(chan time.Time, 1)
			e.fake.SetMessageHook(func(discordtest.Message) { arrived <- time.Now() })
			e.start()
			bot := e.bot
			if !notify {
				e.bot = nil // e.items calls Notify only when e.bot is set
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				e.items(f.ID, guildA, fmt.Sprintf("Kyiv latency %d", i))
				select {
				case at := <-arrived:
					lat = append(lat, at.Sub(start))
				case <-time.After(10 * time.Second):
					b.Fatal("alert not delivered within 10s")
				}
			}
			b.StopTimer()
			e.bot = bot
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			pct := func(p float64) float64 {
				return float64(lat[min(int(p*float64(len(lat))), len(lat)-1)].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
		})
	}
}
