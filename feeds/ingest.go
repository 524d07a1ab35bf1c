package feeds

import (
	"context"
	"fmt"

	"github.com/newswatch/newswatch"
)

// Saver is the part of the store that Ingest needs (*store.DB satisfies it).
type Saver interface {
	KnownKeys(ctx context.Context, feedID int64, keys []string) (map[string]newswatch.Known, error)
	SaveItems(ctx context.Context, feedID int64, items []newswatch.IngestItem) (newswatch.SaveResult, error)
}

// Ingest is the one path by which items enter the store, for feeds and
// seeds alike: it matches the items of feed feedID whose content is not
// already stored (nor pruned) and saves them in one call to SaveItems.
// alert reports whether an item's new mentions may raise alerts. The
// returned Unchanged also counts the items skipped here.
func Ingest(ctx context.Context, st Saver, m Matcher, feedID int64, items []newswatch.Item, alert func(newswatch.Item) bool) (newswatch.SaveResult, error) {
	if len(items) == 0 {
		return newswatch.SaveResult{}, nil
	}
	keys := make([]string, len(items))
	for i := range items {
		keys[i] = items[i].Key
	}
	known, err := st.KnownKeys(ctx, feedID, keys)
	if err != nil {
		return newswatch.SaveResult{}, fmt.Errorf("feeds: known keys of feed %d: %w", feedID, err)
	}
	var batch []newswatch.IngestItem
	skipped := 0
	for i := range items {
		it := items[i]
		it.FeedID = feedID
		if k, ok := known[it.Key]; ok && k.Covers(it) {
			skipped++
			continue
		}
		batch = append(batch, newswatch.IngestItem{
			Item:     it,
			Mentions: m.Match(it.MatchText()),
			Alert:    alert(it),
		})
	}
	var res newswatch.SaveResult
	if len(batch) > 0 {
		if res, err = st.SaveItems(ctx, feedID, batch); err != nil {
			return res, fmt.Errorf("feeds: save items of feed %d: %w", feedID, err)
		}
	}
	res.Unchanged += skipped
	return res, nil
}
