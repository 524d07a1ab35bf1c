package signals

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

func TestPoissonUpper(t *testing.T) {
	// reference values: the regularised lower incomplete gamma P(k, λ), to 30 digits
	tests := []struct {
		k      int
		lambda float64
		want   float64
	}{
		{6, 1, 0.000594184817581692998827091061365},
		{5, 1, 0.00365984682734371234545645581271},
		{1, 2, 0.864664716763387308106000505028},
		{100, 10, 5.39858972813958148879615176674e-63},
		{40, 10, 7.34163631456047142223361892503e-13},
		{3, 5, 0.875347980516918858712233104172},
		{1000, 900, 0.000549902265711782923013037026749},
		{12, 0.05, 4.86700156373042060430692775202e-25},
		{0, 3, 1},
		{1, 0, 0},
	}
	for _, tt := range tests {
		got := PoissonUpper(tt.k, tt.lambda)
		if tt.want == 0 && got != 0 || math.Abs(got-tt.want) > 1e-12*tt.want {
			t.Errorf("PoissonUpper(%d, %g) = %.15g, want %.15g", tt.k, tt.lambda, got, tt.want)
		}
	}
}

// poisson draws from Poisson(lambda) (Knuth; lambda stays small here).
func poisson(r *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// series draws days×24 hourly counts with mean lambda(hour index).
func series(seed uint64, days int, lambda func(h int) float64) []int {
	r := rand.New(rand.NewPCG(seed, 13))
	out := make([]int, days*24)
	for h := range out {
		out[h] = poisson(r, lambda(h))
	}
	return out
}

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// run checks each hour after the first week, as a ticker would at the end
// of each hour, and returns the hours that started an episode.
func run(d *Detector, counts []int) []int {
	var out []int
	for h := BaselineHours; h < len(counts); h++ {
		if _, ok := d.Check(1, t0.Add(time.Duration(h)*time.Hour), counts[h], counts[:h]); ok {
			out = append(out, h)
		}
	}
	return out
}

func daily(h int) float64 { // quiet nights, busy days: 1 to 20 an hour
	hod := float64(h % 24)
	if hod < 6 || hod > 20 {
		return 1
	}
	return 1 + 19*math.Sin(math.Pi*(hod-6)/14)
}

// TestNoSpike: where the counts are high enough for the 4× rule to bite,
// a steady, slowly growing or daily periodic series never fires (20 series
// of 5 weeks each).
func TestNoSpike(t *testing.T) {
	tests := []struct {
		name   string
		lambda func(h int) float64
	}{
		{"steady 10/h", func(int) float64 { return 10 }},
		{"steady 5/h", func(int) float64 { return 5 }},
		{"growing 5% a day", func(h int) float64 { return 5 * math.Pow(1.05, float64(h)/24) }},
		{"daily rhythm", daily},
		{"daily rhythm growing 5% a day", func(h int) float64 { return daily(h) * math.Pow(1.05, float64(h)/24) }},
	}
	for _, tt := range tests {
		for seed := uint64(1); seed <= 20; seed++ {
			counts := series(seed, 35, tt.lambda)
			if got := run(NewDetector(Rule{}), counts); len(got) > 0 {
				h := got[0]
				v := Rule{}.Judge(counts[h], counts[:h])
				t.Errorf("%s, seed %d: spikes at hours %v; first: %+v", tt.name, seed, got, v)
			}
		}
	}
}

// TestLowCountNoise: at one or two items an hour the 4× rule allows 5 to 9
// items, and only the Poisson test guards: by design a watch then fires by
// chance on fewer than 1 hour in 1,000 (p < 0.001). Measured over 20 series
// of 4 weeks (13,440 hours) each, the rate of episodes must stay under it,
// and a watch of 0.3 an hour must (almost) never fire.
func TestLowCountNoise(t *testing.T) {
	tests := []struct {
		lambda  float64
		maxRate float64
	}{
		{0.3, 0.0002},
		{1, DefaultPValue},
		{2, DefaultPValue},
	}
	for _, tt := range tests {
		episodes, hours := 0, 0
		for seed := uint64(1); seed <= 20; seed++ {
			counts := series(seed, 35, func(int) float64 { return tt.lambda })
			episodes += len(run(NewDetector(Rule{}), counts))
			hours += len(counts) - BaselineHours
		}
		rate := float64(episodes) / float64(hours)
		t.Logf("%.1f/h: %d episodes in %d hours (%.5f per hour)", tt.lambda, episodes, hours, rate)
		if rate >= tt.maxRate {
			t.Errorf("%.1f/h: %d episodes in %d hours, rate %.5f, want under %.4f", tt.lambda, episodes, hours, rate, tt.maxRate)
		}
	}
}

func TestSurge(t *testing.T) {
	const surge = 10 * 24 // hour index of the surge
	steady := series(1, 14, func(h int) float64 {
		if h >= surge && h < surge+5 {
			return 100
		}
		return 10
	})
	d := NewDetector(Rule{})
	if got := run(d, steady); len(got) != 1 || got[0] != surge {
		t.Errorf("10× surge at hour %d for 5 hours: episodes start at %v, want [%d]", surge, got, surge)
	}

	// within the hour: a ticker checking every 5 minutes sees the count so far
	d = NewDetector(Rule{})
	hour := t0.Add(surge * time.Hour)
	found := -1
	for minute := 5; minute <= 60; minute += 5 {
		sofar := 100 * minute / 60
		if s, ok := d.Check(7, hour, sofar, steady[:surge]); ok {
			found = minute
			if s.Hour != hour || s.Count != sofar || s.Baseline < 8 || s.Baseline > 12 || s.P >= 0.001 {
				t.Errorf("spike %+v", s)
			}
			break
		}
	}
	if found < 0 || found > 30 {
		t.Errorf("a surge to 100/h over 10/h found after %d minutes, want within 30", found)
	}

	// a quiet watch: 0.5 an hour, then 10 in an hour
	quiet := series(2, 9, func(h int) float64 { return 0.5 })
	quiet[8*24+3] = 10
	if got := run(NewDetector(Rule{}), quiet); len(got) != 1 || got[0] != 8*24+3 {
		t.Errorf("a quiet watch's 10 in an hour: episodes at %v, want [%d]", got, 8*24+3)
	}
}

func TestEpisodes(t *testing.T) {
	tests := []struct {
		name  string
		hours []int // hours over the threshold, after a steady week
		want  []int
	}{
		{"one hour", []int{0}, []int{0}},
		{"five hours in a row", []int{0, 1, 2, 3, 4}, []int{0}},
		{"two quiet hours in between", []int{0, 3}, []int{0}},
		{"three quiet hours in between", []int{0, 4}, []int{0, 4}},
		{"a long episode with gaps", []int{0, 2, 4, 6, 8, 12}, []int{0, 12}},
	}
	for _, tt := range tests {
		d := NewDetector(Rule{})
		history := make([]int, BaselineHours)
		for i := range history {
			history[i] = 10
		}
		var got []int
		for h := 0; h < 20; h++ {
			count := 10
			for _, s := range tt.hours {
				if s == h {
					count = 100
				}
			}
			// the same hour checked twice, as a ticker does
			for range 2 {
				if _, ok := d.Check(1, t0.Add(time.Duration(h)*time.Hour+time.Duration(h)*time.Minute), count, history); ok {
					got = append(got, h)
				}
			}
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: episodes at %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: episodes at %v, want %v", tt.name, got, tt.want)
			}
		}
	}
}

func TestBaselineHourOfDay(t *testing.T) {
	// a week of 1 an hour at night and 20 at noon
	history := make([]int, BaselineHours)
	for i := range history {
		history[i] = 1
		if i%24 == 12 {
			history[i] = 20
		}
	}
	noon := Rule{}.Baseline(history[:BaselineHours-12]) // the hour after history is 12:00
	night := Rule{}.Baseline(history)                   // the hour after is 00:00
	mean := (23.0 + 20) / 24
	if noon < 10 || math.Abs(night-mean) > 0.01 {
		t.Errorf("baseline at noon %.2f, at midnight %.2f: want noon over 10 and midnight the mean %.2f", noon, night, mean)
	}
	if b := (Rule{}).Baseline(make([]int, BaselineHours)); b != DefaultMinBaseline {
		t.Errorf("baseline of a silent week %.3f, want %.3f", b, DefaultMinBaseline)
	}
	if v := (Rule{}).Judge(4, make([]int, BaselineHours)); v.Spike {
		t.Errorf("4 items can never be a spike (minimum 5): %+v", v)
	}
}

func TestSpikeString(t *testing.T) {
	s := Spike{WatchID: 1, Hour: time.Date(2026, 3, 8, 14, 0, 0, 0, time.UTC), Verdict: Verdict{Count: 57, Baseline: 4.25, P: 1.2e-20}}
	if got, want := s.String(), "57 items in the hour from 2026-03-08 14:00 UTC, against a usual 4.2 (p = 1.2e-20)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestScan(t *testing.T) {
	now := time.Date(2026, 3, 8, 14, 20, 0, 0, time.UTC)
	since, until := Window(now)
	if !since.Equal(time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)) || !until.Equal(time.Date(2026, 3, 8, 15, 0, 0, 0, time.UTC)) {
		t.Fatalf("Window = %v, %v", since, until)
	}
	var counts []newswatch.BucketCount
	for h := since; h.Before(until); h = h.Add(time.Hour) {
		counts = append(counts,
			newswatch.BucketCount{WatchID: 1, Entity: "Kramatorsk", Start: h, Count: 5},
			newswatch.BucketCount{WatchID: 2, Entity: "Sloviansk", Start: h, Count: 5})
	}
	counts[len(counts)-2].Count = 50 // Kramatorsk's current hour, so far
	counts = append(counts, newswatch.BucketCount{WatchID: 3, Entity: "Old", Start: since.Add(-time.Hour), Count: 99})
	d := NewDetector(Rule{})
	got := d.Scan(counts, now)
	if len(got) != 1 || got[0].WatchID != 1 || got[0].Entity != "Kramatorsk" || got[0].Count != 50 ||
		!got[0].Hour.Equal(time.Date(2026, 3, 8, 14, 0, 0, 0, time.UTC)) || got[0].Baseline != 5 {
		t.Fatalf("Scan = %+v, want Kramatorsk's 50 against 5", got)
	}
	counts[len(counts)-3].Count = 60 // later in the hour: the same episode
	if got := d.Scan(counts, now.Add(20*time.Minute)); len(got) != 0 {
		t.Errorf("second scan of the hour = %+v, want nothing new", got)
	}
}
