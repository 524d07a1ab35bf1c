package stories

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"hash"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

var updateDecisions = flag.Bool("update-decisions", false, "rewrite testdata/decisions.sha256 (only when the line itself is meant to change)")

// corpus is a deterministic synthetic stream of items for TestDecisions:
// Zipf words over Latin and Cyrillic syllables; feeds with their own
// boilerplate sentences at the head and foot of their items; exact copies
// with new headlines, truncated copies, lead-only copies, copies with a
// paragraph of their own, URL variants of earlier links, stock phrases
// shared by hundreds of items (past maxPosting) and headline-only items.
type corpus struct {
	rnd    *rand.Rand
	zipf   *rand.Zipf
	vocab  []string
	heads  [][]string // per feed: boilerplate sentences at the head
	feet   [][]string // per feed: boilerplate sentences at the foot
	stock  []string   // phrases many feeds repeat mid-text
	bodies []string   // original bodies, for copies
	links  []string
}

const corpusFeeds = 300

func newCorpus(seed int64) *corpus {
	rnd := rand.New(rand.NewSource(seed))
	syl := strings.Fields("ka ro mi te lun var sen dor pel ti na bo shen gra vil ки ев ра до мо ні ста ло ї ґе ё Ша")
	c := &corpus{rnd: rnd}
	for len(c.vocab) < 8000 {
		var b strings.Builder
		for n := 1 + rnd.Intn(3); n > 0; n-- {
			b.WriteString(syl[rnd.Intn(len(syl))])
		}
		if rnd.Intn(20) == 0 {
			b.WriteString("'s")
		}
		c.vocab = append(c.vocab, b.String())
	}
	c.zipf = rand.NewZipf(rnd, 1.1, 2, uint64(len(c.vocab)-1))
	for f := 0; f < corpusFeeds; f++ {
		var h, ft []string
		for n := rnd.Intn(3); n > 0; n-- {
			h = append(h, c.sentence(4+rnd.Intn(10)))
		}
		for n := rnd.Intn(3); n > 0; n-- {
			ft = append(ft, c.sentence(6+rnd.Intn(14)))
		}
		c.heads, c.feet = append(c.heads, h), append(c.feet, ft)
	}
	for n := 0; n < 5; n++ {
		c.stock = append(c.stock, c.sentence(12))
	}
	return c
}

func (c *corpus) sentence(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		w := c.vocab[c.zipf.Uint64()]
		if i == 0 && c.rnd.Intn(2) == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	switch c.rnd.Intn(6) {
	case 0:
		b.WriteString("!")
	case 1:
		b.WriteString("…")
	default:
		b.WriteString(".")
	}
	return b.String()
}

func (c *corpus) body() string {
	var b strings.Builder
	n := 3 + c.rnd.Intn(12)
	for i := 0; i < n; i++ {
		if i > 0 {
			if c.rnd.Intn(3) == 0 {
				b.WriteString("\n")
			} else {
				b.WriteString(" ")
			}
		}
		if c.rnd.Intn(15) == 0 {
			b.WriteString(c.stock[c.rnd.Intn(len(c.stock))])
			continue
		}
		b.WriteString(c.sentence(5 + c.rnd.Intn(20)))
	}
	return b.String()
}

// item returns the i-th item's feed, title, text and link.
func (c *corpus) item(i int) (feed int64, title, text, link string) {
	f := c.rnd.Intn(corpusFeeds)
	title = c.sentence(3 + c.rnd.Intn(8))
	link = fmt.Sprintf("https://site%d.example/news/%d", f, i)
	var body string
	k := c.rnd.Intn(100)
	switch {
	case len(c.bodies) < 20 || k < 55:
		body = c.body()
		c.bodies = append(c.bodies, body)
	case k < 67: // a copy with a new headline
		body = c.bodies[len(c.bodies)-1-c.rnd.Intn(min(len(c.bodies), 2000))]
	case k < 75: // its last sentence cut
		body = c.bodies[len(c.bodies)-1-c.rnd.Intn(min(len(c.bodies), 2000))]
		if j := strings.LastIndexAny(strings.TrimSpace(body), ".!\n"); j > 0 {
			body = body[:j+1]
		}
	case k < 80: // the lead only
		body = c.bodies[len(c.bodies)-1-c.rnd.Intn(min(len(c.bodies), 500))]
		body = body[:len(body)/3]
	case k < 85: // a paragraph of its own inserted
		body = c.bodies[len(c.bodies)-1-c.rnd.Intn(min(len(c.bodies), 500))]
		j := len(body) / 2
		for j < len(body) && body[j] != ' ' {
			j++
		}
		body = body[:j] + "\n" + c.body() + "\n" + body[j:]
	case k < 90: // a variant of an earlier link
		link = c.links[len(c.links)-1-c.rnd.Intn(min(len(c.links), 5000))]
		switch c.rnd.Intn(3) {
		case 0:
			link += "?utm_source=rss&utm_medium=feed"
		case 1:
			link += "/amp"
		default:
			link += "/#comments"
		}
		body = c.body()
	case k < 94: // a headline alone
	case k < 97: // no link
		link = ""
		body = c.body()
	default: // the old copy of a title
		body = c.body()
		title = c.sentence(10)
	}
	c.links = append(c.links, link)
	if body != "" {
		var b strings.Builder
		for _, s := range c.heads[f] {
			b.WriteString(s + "\n")
		}
		b.WriteString(body)
		for _, s := range c.feet[f] {
			b.WriteString("\n" + s)
		}
		text = b.String()
	}
	return int64(f + 1), title, text, link
}

// corpusItems returns n candidates of the corpus in time order, 0 to 30
// seconds apart.
func corpusItems(n int) []newswatch.StoryCandidate {
	c := newCorpus(12)
	t := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	out := make([]newswatch.StoryCandidate, n)
	for i := range out {
		f, title, text, link := c.item(i)
		t = t.Add(time.Duration(c.rnd.Intn(30)) * time.Second)
		out[i] = newswatch.StoryCandidate{ItemID: int64(i + 1), FeedID: f, Key: fmt.Sprint(i), Title: title, Text: text, Link: link, Time: t}
	}
	return out
}

// TestDecisions runs a large synthetic stream through the Assigner's
// decisions (in batches, half prepared ahead, with stories out of the
// window found by URL) and through the Index alone (with each match's C),
// and compares a hash of every decision with the golden one: the index's
// internals may change for speed, its decisions may not.
func TestDecisions(t *testing.T) {
	items := corpusItems(20000)
	h := sha256.New()
	stats := decideCorpus(t, items, h)
	stats2 := assignCorpus(items, h)
	got := hex.EncodeToString(h.Sum(nil))
	t.Logf("decide: %v; assign: %v", stats, stats2)
	// The stream must exercise every way to a story.
	for _, m := range []map[string]int{stats, stats2} {
		for _, how := range []string{newswatch.StoryNew, newswatch.StoryURL, newswatch.StoryText} {
			if m[how] < 150 {
				t.Errorf("only %d decisions %q: the corpus does not exercise them", m[how], how)
			}
		}
	}
	if stats["byURL"] < 100 {
		t.Errorf("only %d stories found out of the window by URL", stats["byURL"])
	}
	path := filepath.Join("testdata", "decisions.sha256")
	if *updateDecisions {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != strings.TrimSpace(string(want)) {
		t.Errorf("decisions hash %s, want %s: a decision changed", got, strings.TrimSpace(string(want)))
	}
}

func putInt(h hash.Hash, v int64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(v))
	h.Write(b[:])
}

// decideCorpus decides items through Assigner.decide as DecideStories and
// a backfill do, writing every assignment into h.
func decideCorpus(t *testing.T, items []newswatch.StoryCandidate, h hash.Hash) map[string]int {
	const window = 6 * time.Hour
	a := &Assigner{window: window, line: DefaultLine}
	x := NewIndex(window, DefaultLine)
	stored := map[string]int64{} // canonical URL -> story, as the store has it
	var nextID int64
	stats := map[string]int{}
	rnd := rand.New(rand.NewSource(3))
	for i := 0; i < len(items); {
		n := min(1+rnd.Intn(60), len(items)-i)
		batch := make([]newswatch.StoryCandidate, n)
		copy(batch, items[i:i+n])
		i += n
		prep := rnd.Intn(2) == 0
		stream := rnd.Intn(5) == 0
		for j := range batch {
			if prep {
				batch[j].Prepared = prepareText(batch[j].Title, batch[j].Text, batch[j].Link)
			}
		}
		if !stream {
			x.Prune(batch[0].Time.Add(-window))
		}
		as, refs, err := a.decide(x, batch, stream, func(u []string) (map[string]int64, error) {
			m := map[string]int64{}
			for _, s := range u {
				if id, ok := stored[s]; ok {
					m[s] = id
					stats["byURL"]++
				}
			}
			return m, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(as))
		for j := range as {
			if as[j].StoryID != 0 {
				ids[j] = as[j].StoryID
			} else if as[j].Join >= 0 {
				ids[j] = ids[as[j].Join]
			} else {
				nextID++
				ids[j] = nextID
			}
		}
		apply(refs, ids)
		for j, s := range as {
			if s.CanonURL != "" {
				if _, ok := stored[s.CanonURL]; !ok {
					stored[s.CanonURL] = ids[j]
				}
			}
			stats[s.How]++
			putInt(h, s.ItemID)
			putInt(h, ids[j])
			putInt(h, s.StoryID)
			putInt(h, int64(s.Join))
			h.Write([]byte(s.How + "\x00" + s.CanonURL + "\x00"))
		}
	}
	return stats
}

// assignCorpus decides items through Index.assign alone, in batches noted
// ahead, writing each decision's story (as the item that started it), how
// and C into h.
func assignCorpus(items []newswatch.StoryCandidate, h hash.Hash) map[string]int {
	const window = 3 * time.Hour
	x := NewIndex(window, DefaultLine)
	first := map[*storyRef]int64{}
	stats := map[string]int{}
	for i := 0; i < len(items); {
		n := min(1+int(items[i].ItemID%37), len(items)-i)
		batch := items[i : i+n]
		i += n
		x.Prune(batch[0].Time.Add(-window))
		for _, c := range batch {
			x.note(doc(c))
		}
		for _, c := range batch {
			d := x.assign(doc(c), nil)
			if _, ok := first[d.story]; !ok {
				first[d.story] = c.ItemID
			}
			stats[d.how]++
			putInt(h, c.ItemID)
			putInt(h, first[d.story])
			putInt(h, int64(math.Float64bits(d.score)))
			h.Write([]byte(d.how + "\x00" + d.canon + "\x00"))
		}
	}
	return stats
}
