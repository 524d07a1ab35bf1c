package bot_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch/bot/discordtest"
)

// BenchmarkDuplicatesUnderFaults repeats the measurement of issue 8: alerts
// to three channels arrive in waves of six per channel (each wave goes out
// as summaries) while the bot is killed 15 times just after a summary
// reached Discord, with two more alerts per channel arriving before each
// restart, and the answers to 8 posts are lost. Discord's nonce window is
// its real few minutes. Run it with -benchtime=1x; it reports the alerts,
// the messages, the extra copies of alerts (dups) and the alerts never
// announced (lost).
func BenchmarkDuplicatesUnderFaults(b *testing.B) {
	const waves, perWave, kills, drops = 20, 6, 15, 8
	chans := []string{chanA, chanA2, chanB}
	for i := 0; i < b.N; i++ {
		e := newEnv(b)
		f := setupAlerts(e, "")
		e.route(guildA, chanA2, "")
		e.route(guildA, chanB, "")
		e.start()
		isSummary := func(m discordtest.Message) bool {
			return len(m.Embeds) > 0 && strings.Contains(m.Embeds[0].Title, "new alerts")
		}
		var all []string
		save := func(titles ...string) {
			all = append(all, titles...)
			e.items(f.ID, guildA, titles...)
		}
		start := time.Now()
		for w := 0; w < waves; w++ {
			if w < drops {
				e.fake.Inject(discordtest.Fault{Method: http.MethodPost, PathPrefix: "/channels/", Drop: true})
			}
			var crashed <-chan struct{}
			if w < kills {
				crashed = crashOn(e, isSummary)
			}
			save(kyivTitles(fmt.Sprintf("wave %d", w), perWave)...)
			if crashed == nil {
				continue
			}
			select {
			case <-crashed:
			case <-time.After(wait):
				b.Fatal("no crash")
			}
			e.fake.SetMessageHook(nil)
			e.cancel, e.bot = nil, nil
			save(kyivTitles(fmt.Sprintf("during restart %d", w), 2)...)
			e.start()
		}
		if !e.waitNoPending(2 * time.Minute) {
			b.Fatalf("%d alerts still pending", len(e.pending()))
		}
		elapsed := time.Since(start)
		dups, lost := 0, 0
		for _, ch := range chans {
			got := delivered(e.fake.Messages(ch))
			for _, t := range all {
				switch n := got[t]; {
				case n == 0:
					lost++
				case n > 1:
					dups += n - 1
				}
			}
		}
		b.ReportMetric(float64(len(all)*len(chans)), "alerts")
		b.ReportMetric(float64(e.fake.MessageCount()), "messages")
		b.ReportMetric(float64(dups), "dups")
		b.ReportMetric(float64(lost), "lost")
		b.ReportMetric(elapsed.Seconds(), "s")
		e.stop()
	}
}

// BenchmarkOutageRecovery stores 30 alerts for each of three channels while
// every REST request answers 503 for a while, then lets Discord answer
// again; it reports how long after that the first alert arrived
// (recovery-s) and the last (backlog-s). Run it with -benchtime=1x.
func BenchmarkOutageRecovery(b *testing.B) {
	for _, outage := range []time.Duration{15 * time.Second, 60 * time.Second} {
		b.Run(outage.String(), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				e := newEnv(b)
				f := setupAlerts(e, "")
				e.route(guildA, chanA2, "")
				e.route(guildA, chanB, "")
				e.start()
				e.fake.SetDown(true)
				for k := 0; k < 10; k++ {
					e.items(f.ID, guildA, kyivTitles(fmt.Sprintf("outage %d", k), 3)...)
				}
				time.Sleep(outage) // the outage itself: what is measured comes after it
				back := time.Now()
				e.fake.SetDown(false)
				if ms := e.fake.WaitMessages(chanA, 1, 15*time.Minute); len(ms) == 0 {
					b.Fatal("nothing delivered after the outage")
				}
				first := time.Since(back)
				if !e.waitNoPending(15 * time.Minute) {
					b.Fatalf("%d alerts still pending", len(e.pending()))
				}
				b.ReportMetric(first.Seconds(), "recovery-s")
				b.ReportMetric(time.Since(back).Seconds(), "backlog-s")
				e.stop()
			}
		})
	}
}
