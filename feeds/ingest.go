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

// StoryPreparer is implemented by a Saver that can compute ahead, outside
// its write transaction, what deciding the story of an item needs of its
// text (*store.DB does once stories are on: it fills in IngestItem.Story).
// Ingest calls it for the new items it has matched, so that a save finds
// their signatures ready as it finds their mentions.
type StoryPreparer interface {
	PrepareStories(items []newswatch.IngestItem)
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
	sp, _ := st.(StoryPreparer)
	for i := range items {
		it := items[i]
		it.FeedID = feedID
		k, ok := known[it.Key]
		if ok && k.Covers(it) {
			skipped++
			continue
		}
		batch = append(batch, newswatch.IngestItem{
			Item:     it,
			Mentions: m.Match(it.MatchText()),
			Alert:    alert(it),
		})
		if !ok && sp != nil {
			// New: its story is decided on save. (An update keeps its
			// story and needs no signature.)
			sp.PrepareStories(batch[len(batch)-1:])
		}
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
