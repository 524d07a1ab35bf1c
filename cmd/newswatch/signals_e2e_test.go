package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
	"github.com/newswatch/newswatch/store"
)

// TestRunPostsSpikeAndDigest runs the daemon against the fake Discord with
// a route that takes spikes and a digest at 00:00 UTC: six seed items of
// this hour mentioning Sloviansk (a watch never mentioned before) are a
// spike, posted once; yesterday's three are the digest, posted with its
// chart attached.
func TestRunPostsSpikeAndDigest(t *testing.T) {
	now := time.Now().UTC()
	// Items of this hour make the spike even when the hour ends before the
	// daemon's first tick (a tick also judges the hour before). The digest
	// is yesterday's: its items must stay yesterday's while the test runs.
	if time.Until(now.Truncate(24*time.Hour).Add(24*time.Hour)) < 2*time.Minute {
		t.Skip("within two minutes of midnight UTC: the daemon's yesterday may not be the items' yesterday")
	}
	fake := discordtest.New(testToken)
	defer fake.Close()
	e, seedDir := discordEnv(t, fake)
	if err := os.MkdirAll(filepath.Dir(e.db), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.Open(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetRoute(ctx, newswatch.Route{GuildID: testGuild, ChannelID: testChan, Spikes: true, Digest: true, DigestHour: 0}, 0); err != nil {
		t.Fatal(err)
	}
	db.Close()
	write := func(name, title string, at time.Time) {
		doc := fmt.Sprintf("Title: %s\nPublished: %s\n\n%s: shelling reported near Слов'янськ overnight.\n", title, at.Format(time.RFC3339), title)
		if err := os.WriteFile(filepath.Join(seedDir, name), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 6 {
		write(fmt.Sprintf("now-%d.txt", i), fmt.Sprintf("Report %d", i), now.Add(-time.Duration(i)*time.Second))
	}
	yesterday := now.Truncate(24 * time.Hour).Add(-12 * time.Hour)
	for i := range 3 {
		write(fmt.Sprintf("yesterday-%d.txt", i), fmt.Sprintf("Older report %d", i), yesterday)
	}

	c, _, errOut := tokenCLI(testToken)
	done := make(chan int, 1)
	go func() { done <- c.main(ctx, []string{"run", "--config", e.config}) }()
	var spike, dig *discordtest.Message
	eventually(30*time.Second, func() bool {
		for _, m := range fake.Messages(testChan) {
			if len(m.Embeds) == 0 {
				continue
			}
			switch title := m.Embeds[0].Title; {
			case strings.Contains(title, "Spike: Sloviansk"):
				spike = &m
			case strings.HasPrefix(title, "Daily digest, "+yesterday.Format("Monday 2 January 2006")):
				dig = &m
			}
		}
		return spike != nil && dig != nil
	})
	if spike == nil || dig == nil {
		t.Fatalf("spike %v, digest %v posted; stderr:\n%s", spike != nil, dig != nil, errOut.String())
	}
	if !strings.Contains(spike.Embeds[0].Description, "**6** stories mentioned **Sloviansk**") {
		t.Errorf("spike alert: %s", spike.Embeds[0].Description)
	}
	if !strings.Contains(dig.Embeds[0].Description, "**Sloviansk** 3") || len(dig.Attachments) != 1 {
		t.Fatalf("digest: %q with %d attachments", dig.Embeds[0].Description, len(dig.Attachments))
	}
	if _, err := png.Decode(bytes.NewReader(dig.Attachments[0].Data)); err != nil {
		t.Errorf("digest chart: %v", err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run exit %d: %s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop")
	}
	n := 0
	for _, m := range fake.Messages(testChan) {
		if len(m.Embeds) > 0 && (strings.Contains(m.Embeds[0].Title, "Spike:") || strings.HasPrefix(m.Embeds[0].Title, "Daily digest")) {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d spike and digest messages, want one of each", n)
	}
}
