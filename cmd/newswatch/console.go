package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
)

// consoleDeliverer prints the console route's alerts to standard output: the
// alert sink when no Discord token is configured.
type consoleDeliverer struct {
	db   alertOutbox
	out  io.Writer
	now  func() time.Time
	wake chan struct{} // buffered, 1; nil when nothing wakes it
}

// Wake makes Run look at the outbox now, e.g. after alerts were stored. It
// never blocks.
func (d *consoleDeliverer) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// alertOutbox is what console delivery needs from the store.
type alertOutbox interface {
	PendingAlerts(ctx context.Context, console bool, now time.Time, limit int) ([]newswatch.Alert, error)
	MarkAlertSent(ctx context.Context, id int64, messageID string, at time.Time) error
}

// storyAlsoOutbox is what the console's "also:" lines need from the store
// (*store.DB has it); a store without it prints none.
type storyAlsoOutbox interface {
	DueStoryAlso(ctx context.Context, console bool, now time.Time, limit int) ([]newswatch.StoryAlso, error)
	StoryAlsoShown(ctx context.Context, sa newswatch.StoryAlso, edit []byte, next time.Time) (newswatch.AlertMessage, error)
}

// deliver prints every pending console alert once, marking each sent after
// it is written, then the "also:" lines of stories whose alert it printed,
// and returns how many alerts it printed.
func (d *consoleDeliverer) deliver(ctx context.Context) (int, error) {
	n := 0
	for {
		alerts, err := d.db.PendingAlerts(ctx, true, d.now(), 100)
		if err == nil && len(alerts) == 0 {
			err = d.deliverAlso(ctx)
		}
		if err != nil || len(alerts) == 0 {
			return n, err
		}
		for _, al := range alerts {
			if _, err := io.WriteString(d.out, formatConsoleAlert(al)); err != nil {
				return n, fmt.Errorf("console: write alert %d: %w", al.ID, err)
			}
			// An alert printed is marked even when shutdown has begun
			// meanwhile: otherwise the next run prints it again.
			mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			err := d.db.MarkAlertSent(mctx, al.ID, "", d.now())
			cancel()
			if err != nil {
				return n, err
			}
			if ctx.Err() != nil {
				return n, nil
			}
			n++
		}
	}
}

// deliverAlso prints the later items of the stories whose alert was
// printed, as "also:" lines under a line naming the story, instead of
// alerting for each of them, and marks them shown.
func (d *consoleDeliverer) deliverAlso(ctx context.Context) error {
	st, ok := d.db.(storyAlsoOutbox)
	if !ok {
		return nil
	}
	for {
		now := d.now()
		due, err := st.DueStoryAlso(ctx, true, now, 100)
		if err != nil || len(due) == 0 {
			return err
		}
		for _, sa := range due {
			if _, err := io.WriteString(d.out, formatConsoleAlso(now, sa)); err != nil {
				return fmt.Errorf("console: write story %d: %w", sa.StoryID, err)
			}
			mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			_, err := st.StoryAlsoShown(mctx, sa, nil, now)
			cancel()
			if err != nil || ctx.Err() != nil {
				return err
			}
		}
	}
}

// formatConsoleAlso renders the items a story gained: a line naming the
// story, then "also: SOURCE TITLE LINK" per item.
func formatConsoleAlso(now time.Time, sa newswatch.StoryAlso) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s STORY %s\n", now.UTC().Format(time.RFC3339), oneLine(sa.Title))
	for _, it := range sa.Pending {
		fmt.Fprintf(&b, "  also: %s  %s", storySource(it), oneLine(it.Title))
		if it.Link != "" {
			fmt.Fprintf(&b, "  %s", it.Link)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	return b.String()
}

// storySource names an item of a story: its feed's title, else its link's
// host.
func storySource(it newswatch.StoryItem) string {
	if t := oneLine(it.FeedTitle); t != "" {
		return t
	}
	if u, err := url.Parse(it.Link); err == nil && u.Hostname() != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return fmt.Sprintf("feed %d", it.FeedID)
}

// Run delivers until ctx ends, checking the outbox every interval and on
// Wake.
func (d *consoleDeliverer) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-d.wake: // the Reset below also drops a pending tick (Go 1.23 timers)
		}
		if _, err := d.deliver(ctx); err != nil && ctx.Err() == nil {
			return err
		}
		t.Reset(interval)
	}
}

// formatConsoleAlert renders one alert as a few lines of plain text: time,
// entities, title, link and a snippet with the matches in **bold**.
func formatConsoleAlert(al newswatch.Alert) string {
	var b strings.Builder
	if al.Kind == newswatch.AlertFeedFailing {
		fmt.Fprintf(&b, "%s FEED FAILING %s\n  last error: %s (%d failures in a row)\n\n",
			al.CreatedAt.UTC().Format(time.RFC3339), al.Feed.URL, oneLine(al.Feed.LastError), al.Feed.ConsecutiveFailures)
		return b.String()
	}
	if al.Held != nil {
		return formatConsoleHeld(al)
	}
	it := al.Item
	fmt.Fprintf(&b, "%s ALERT %s\n", it.Time().UTC().Format(time.RFC3339), entityList(al.Mentions))
	fmt.Fprintf(&b, "  %s\n", oneLine(it.Title))
	if src := sourceOf(it); src != "" {
		fmt.Fprintf(&b, "  source: %s\n", src)
	}
	if it.Link != "" {
		fmt.Fprintf(&b, "  %s\n", it.Link)
	}
	if sn := newswatch.AlertSnippet(it, al.Mentions, 240); sn != "" {
		fmt.Fprintf(&b, "  %s\n", markBold(sn))
	}
	b.WriteString("\n")
	return b.String()
}

// entityList names each entity once with its kind, in order of appearance.
func entityList(ms []newswatch.Mention) string {
	seen := map[string]bool{}
	var parts []string
	sorted := append([]newswatch.Mention(nil), ms...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
	for _, m := range sorted {
		if seen[m.Entity] {
			continue
		}
		seen[m.Entity] = true
		parts = append(parts, fmt.Sprintf("%s (%s)", m.Entity, m.Kind))
	}
	return strings.Join(parts, ", ")
}

func sourceOf(it newswatch.Item) string {
	switch {
	case it.FeedTitle != "" && it.Author != "":
		return it.FeedTitle + " / " + it.Author
	case it.Author != "":
		return it.Author
	}
	return it.FeedTitle
}

// markBold turns the highlight markers of a snippet into **bold**.
func markBold(s string) string {
	return strings.NewReplacer(newswatch.HighlightStart, "**", newswatch.HighlightEnd, "**").Replace(s)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// formatConsoleHeld renders a cap summary: what the route's cap held back
// for one watch in one hour.
func formatConsoleHeld(al newswatch.Alert) string {
	var b strings.Builder
	h := al.Held
	fmt.Fprintf(&b, "%s SUMMARY %s: %d more alerts over the cap of %d per hour\n",
		h.Hour.UTC().Format(time.RFC3339), h.Watch, h.Count, al.Route.CapPerHour)
	for _, it := range h.Items {
		fmt.Fprintf(&b, "  %s  %s\n", oneLine(it.Title), it.Link)
	}
	if more := h.Count - len(h.Items); more > 0 {
		fmt.Fprintf(&b, "  … and %d more\n", more)
	}
	b.WriteString("\n")
	return b.String()
}
