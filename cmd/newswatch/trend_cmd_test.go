package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch/chart"
)

func TestTrend(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t, "../../seeds", "")
	if out, stderr, code := runCLI(t, ctx, "ingest", "--config", e.config); code != 0 {
		t.Fatalf("ingest exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	// the seed article is of 2014-04-13
	out, stderr, code := runCLI(t, ctx, "trend", "--json", "--config", e.config, "--until", "2014-04-20", "--period", "14d",
		"Sloviansk", "kramatorsk", "Geneva")
	if code != 0 {
		t.Fatalf("trend --json exit %d: %s", code, stderr)
	}
	var series []chart.Series
	if err := json.Unmarshal([]byte(out), &series); err != nil {
		t.Fatalf("trend --json: %v\n%s", err, out)
	}
	if len(series) != 3 || series[0].Name != "Sloviansk" || series[1].Name != "kramatorsk" {
		t.Fatalf("series %+v", series)
	}
	for _, s := range series {
		if len(s.Points) != 14 || !s.Points[0].Start.Equal(time.Date(2014, 4, 7, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("%s: %d points from %v, want 14 days from 2014-04-07", s.Name, len(s.Points), s.Points[0].Start)
		}
		total := 0
		for i, p := range s.Points {
			total += p.Count
			if p.Count > 0 && !p.Start.Equal(time.Date(2014, 4, 13, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("%s: %d on point %d (%v), want mentions on 2014-04-13 only", s.Name, p.Count, i, p.Start)
			}
		}
		if total != 1 {
			t.Errorf("%s: %d items, want the one seed item", s.Name, total)
		}
	}
	if !strings.Contains(out, `"start": "2014-04-13T00:00:00Z"`) {
		t.Errorf("JSON times are not RFC 3339 UTC:\n%.300s", out)
	}

	file := filepath.Join(e.dir, "trend.png")
	if _, stderr, code := runCLI(t, ctx, "trend", "--png", file, "--config", e.config, "--until", "2014-04-20", "Sloviansk"); code != 0 {
		t.Fatalf("trend --png exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != chart.DefaultWidth || img.Bounds().Dy() != chart.DefaultHeight {
		t.Fatalf("trend.png: %v, %v", err, img.Bounds())
	}

	// an empty period says so
	_, stderr, code = runCLI(t, ctx, "trend", "--png", file+".2", "--config", e.config, "--until", "2020-01-01", "Sloviansk")
	if code != 1 || !strings.Contains(stderr, "No mentions of Sloviansk in this period.") {
		t.Errorf("empty period: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(file + ".2"); err == nil {
		t.Errorf("an empty period wrote a chart")
	}
	for _, args := range [][]string{
		{"Nowhere"}, {"--period", "x", "Sloviansk"}, {"--bucket", "week", "Sloviansk"}, {"--json", "--png", file, "Sloviansk"},
		{"--until", "yesterday", "Sloviansk"}, {"--period", "900d", "--bucket", "hour", "Sloviansk"},
	} {
		_, stderr, code := runCLI(t, ctx, append([]string{"trend", "--config", e.config}, args...)...)
		if code != 1 || strings.Contains(stderr, "newswatch error") {
			t.Errorf("trend %q: exit %d, stderr %q: want a plain error", args, code, stderr)
		}
	}
}

func TestTrendRange(t *testing.T) {
	now := time.Date(2026, 3, 10, 13, 25, 0, 0, time.UTC)
	from, to, w, err := trendRange("48h", "", "", now)
	if err != nil || w != time.Hour || !to.Equal(time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)) || to.Sub(from) != 48*time.Hour {
		t.Errorf("48h: %v %v %v %v", from, to, w, err)
	}
	from, to, w, err = trendRange("7d", "", "", now)
	if err != nil || w != 24*time.Hour || !to.Equal(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)) || !from.Equal(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("7d: %v %v %v %v", from, to, w, err)
	}
}
