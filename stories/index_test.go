package stories

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)

const wireEN = `KYIV (Reuters) - Russia launched a wave of drones and missiles at Kyiv overnight, damaging two apartment blocks in the Solomianskyi district and wounding four people, the city's military administration said on Monday.
Air defence units shot down 31 of the 35 drones and all six cruise missiles aimed at the capital, the air force said on the Telegram messaging app.
Firefighters put out a blaze on the upper floors of a nine-storey building, and emergency crews were searching the rubble of a collapsed stairwell, mayor Vitali Klitschko said.
There was no immediate comment from Moscow, which denies targeting civilians.`

// Same wire copy: new headline, dateline cut, the last paragraph dropped,
// a sentence of the outlet's own added.
const copyEN = `Russia launched a wave of drones and missiles at Kyiv overnight, damaging two apartment blocks in the Solomianskyi district and wounding four people, the city's military administration said on Monday.
Air defence units shot down 31 of the 35 drones and all six cruise missiles aimed at the capital, the air force said on the Telegram messaging app.
Firefighters put out a blaze on the upper floors of a nine-storey building, and emergency crews were searching the rubble of a collapsed stairwell, mayor Vitali Klitschko said.
Read our live coverage of the war for the latest updates.`

// The same event written independently, quoting the same mayor.
const ownEN = `Four people were hurt when Russian drones and missiles struck Kyiv during the night, officials said. In the Solomianskyi district two residential buildings were hit.
"Firefighters put out a blaze on the upper floors of a nine-storey building," mayor Vitali Klitschko wrote, adding that rescuers were still at work.
Ukraine's air force reported that most of the drones and every cruise missile were destroyed before reaching the city.`

const wireUK = `Російські війська в ніч на понеділок атакували Київ дронами та ракетами, пошкоджено дві багатоповерхівки у Солом'янському районі, четверо людей поранені, повідомила Київська міська військова адміністрація.
Сили протиповітряної оборони збили 31 із 35 дронів та всі шість крилатих ракет, які летіли на столицю, повідомили Повітряні сили в телеграм-каналі.
На верхніх поверхах дев'ятиповерхового будинку рятувальники загасили пожежу, під завалами під'їзду тривають пошукові роботи, повідомив мер Віталій Кличко.`

// The Ukrainian wire text republished: new headline, ё-less apostrophes
// changed (ʼ for '), the last sentence cut.
const copyUK = `Російські війська в ніч на понеділок атакували Київ дронами та ракетами, пошкоджено дві багатоповерхівки у Солом’янському районі, четверо людей поранені, повідомила Київська міська військова адміністрація.
Сили протиповітряної оборони збили 31 із 35 дронів та всі шість крилатих ракет, які летіли на столицю, повідомили Повітряні сили в телеграм-каналі.`

// An independent Ukrainian report of the same event.
const ownUK = `Уночі Київ зазнав комбінованого удару: у Солом'янському районі пошкоджені два житлові будинки, є четверо поранених.
Мер Віталій Кличко написав, що рятувальники працюють на місці та розбирають завали.
За даними Повітряних сил, більшість дронів і всі ракети вдалося знищити на підльоті до столиці.`

// The Russian translation of wireUK.
const wireRU = `Российские войска в ночь на понедельник атаковали Киев дронами и ракетами, повреждены две многоэтажки в Соломенском районе, четыре человека ранены, сообщила Киевская городская военная администрация.
Силы противовоздушной обороны сбили 31 из 35 дронов и все шесть крылатых ракет, летевших на столицу, сообщили Воздушные силы в телеграм-канале.
На верхних этажах девятиэтажного дома спасатели потушили пожар, под завалами подъезда продолжаются поисковые работы, сообщил мэр Виталий Кличко.`

func TestLine(t *testing.T) {
	tests := []struct {
		name       string
		a, b       Doc
		sameStory  bool
		wantReason string
	}{
		{"wire copy with a new headline", Doc{Title: "Russia strikes Kyiv overnight", Text: wireEN, Link: "https://wire.example/a"},
			Doc{Title: "Four hurt as drones and missiles hit Kyiv flats", Text: copyEN, Link: "https://outlet.example/b"}, true, "text"},
		{"independent report of the same event", Doc{Title: "Russia strikes Kyiv overnight", Text: wireEN, Link: "https://wire.example/a"},
			Doc{Title: "Night attack on Kyiv wounds four", Text: ownEN, Link: "https://other.example/c"}, false, "new"},
		{"Ukrainian wire copy, new headline", Doc{Title: "Удар по Києву", Text: wireUK, Link: "https://ukr.example/1"},
			Doc{Title: "Кличко: у Києві четверо поранених", Text: copyUK, Link: "https://news.example/2"}, true, "text"},
		{"independent Ukrainian report", Doc{Title: "Удар по Києву", Text: wireUK, Link: "https://ukr.example/1"},
			Doc{Title: "Комбінований удар по столиці", Text: ownUK, Link: "https://news.example/3"}, false, "new"},
		{"translation", Doc{Title: "Удар по Києву", Text: wireUK, Link: "https://ukr.example/1"},
			Doc{Title: "Удар по Киеву", Text: wireRU, Link: "https://ukr.example/ru/1"}, false, "new"},
		{"same article, tracking and AMP variants of its link", Doc{Title: "A", Text: "short one", Link: "https://www.site.example/news/1/?utm_source=rss"},
			Doc{Title: "B", Text: "another short text", Link: "https://m.site.example/news/1/amp"}, true, "url"},
		{"same headline alone, no text", Doc{Title: "Live updates: the war in Ukraine", Link: "https://a.example/live/1"},
			Doc{Title: "Live updates: the war in Ukraine", Link: "https://b.example/live/2"}, false, "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := NewIndex(DefaultWindow, DefaultLine)
			a, b := tt.a, tt.b
			a.ItemID, a.FeedID, a.Time = 1, 1, t0
			b.ItemID, b.FeedID, b.Time = 2, 2, t0.Add(3*time.Hour)
			da := x.assign(a, nil)
			db := x.assign(b, nil)
			if got := da.story == db.story; got != tt.sameStory {
				t.Errorf("same story = %v (C %.2f), want %v", got, db.score, tt.sameStory)
			}
			if db.how != tt.wantReason {
				t.Errorf("how = %q, want %q", db.how, tt.wantReason)
			}
		})
	}
}

func TestWindow(t *testing.T) {
	x := NewIndex(72*time.Hour, DefaultLine)
	a := Doc{ItemID: 1, FeedID: 1, Title: "Russia strikes Kyiv overnight", Text: wireEN, Time: t0}
	b := Doc{ItemID: 2, FeedID: 2, Title: "Four hurt in Kyiv", Text: copyEN, Time: t0.Add(71 * time.Hour)}
	c := Doc{ItemID: 3, FeedID: 3, Title: "Four hurt in Kyiv", Text: copyEN, Time: t0.Add(75 * time.Hour)}
	da, db := x.assign(a, nil), x.assign(b, nil)
	if da.story != db.story {
		t.Errorf("copies 71 h apart are not one story")
	}
	// c is 75 h after a but 4 h after b: it joins through b.
	x.Prune(c.Time.Add(-72 * time.Hour))
	if x.Len() != 1 {
		t.Errorf("after pruning, %d items in the window, want 1", x.Len())
	}
	if dc := x.assign(c, nil); dc.story != db.story {
		t.Errorf("a copy 4 h after another is not its story")
	}
	x2 := NewIndex(72*time.Hour, DefaultLine)
	x2.assign(a, nil)
	d := c
	d.ItemID = 4
	if dd := x2.assign(d, nil); dd.how != "new" {
		t.Errorf("a copy 75 h after the only other joined it (%s)", dd.how)
	}
}

// TestBoilerplate: a feed whose items end with the same long paragraph.
// Without boilerplate removal the paragraph alone would make its items one
// story; with it, each stays its own, and a real copy elsewhere still joins.
func TestBoilerplate(t *testing.T) {
	footer := "\nSubscribe to our Telegram channel to get the most important news of the day first. Support independent journalism with a monthly donation to our newsroom today."
	bodies := []string{
		"The regional council approved the new budget on Tuesday after a long debate about school repairs.",
		"A bridge over the river will be closed for two weeks while engineers replace its bearings.",
		"The city zoo welcomed three lion cubs born last month, keepers said in a statement on Friday.",
		"Farmers in the south expect a record wheat harvest thanks to a wet spring and a warm summer.",
	}
	x := NewIndex(DefaultWindow, DefaultLine)
	var docs []Doc
	for i, b := range bodies {
		docs = append(docs, Doc{ItemID: int64(i + 1), FeedID: 7, Title: "News " + string(rune('A'+i)),
			Text: b + footer, Time: t0.Add(time.Duration(i) * time.Minute)})
	}
	// A batch: every item is noted before any is decided.
	for _, d := range docs {
		x.note(d)
	}
	seen := map[*storyRef]bool{}
	for _, d := range docs {
		dec := x.assign(d, nil)
		if seen[dec.story] {
			t.Errorf("item %d joined another item of its feed through the boilerplate (C %.2f)", d.ItemID, dec.score)
		}
		seen[dec.story] = true
	}
	// The same boilerplate without the removal does join: the test can fail.
	y := NewIndex(DefaultWindow, DefaultLine)
	a, b := docs[0], docs[1]
	b.FeedID = 8
	if y.assign(a, nil).story != y.assign(b, nil).story {
		t.Errorf("the footer alone does not join two items; the test shows nothing")
	}
}

func TestTokens(t *testing.T) {
	words := func(s string) int {
		w, _ := splitSentences(s, nil, nil)
		return len(w)
	}
	a, _ := splitSentences("Слов'янськ СЛОВʼЯНСЬК слов’янськ Ёлка елка", nil, nil)
	if len(a) != 5 || a[0] != a[1] || a[1] != a[2] || a[3] != a[4] {
		t.Errorf("apostrophe, case and ё folding: %v", a)
	}
	if n := words("It's 5.30 a.m. in Kyiv — 2 hurt."); n != 9 {
		t.Errorf("words = %d, want 9", n)
	}
	_, s := splitSentences("One two. Three four! Five\nSix 3.5 seven", nil, nil)
	if len(s) != 4 {
		t.Errorf("sentences = %d, want 4", len(s))
	}
}

// TestFastPaths: the ASCII and Cyrillic fast paths hash a word as the
// general path does.
func TestFastPaths(t *testing.T) {
	for _, w := range []string{"Kyiv", "KYIV", "Київ", "КИЇВ", "Ёлка", "Ѓорѓе", "Ґанок", "Слов'янськ"} {
		var slow uint64 = fnvOffset
		for _, r := range w {
			if isApostrophe(r) {
				continue
			}
			r = foldRune(r)
			for r > 0 {
				slow ^= uint64(r & 0xff)
				slow *= fnvPrime
				r >>= 8
			}
		}
		got, _ := splitSentences(w, nil, nil)
		if len(got) != 1 || got[0] != slow {
			t.Errorf("%s: %v, want [%d]", w, got, slow)
		}
	}
}

// TestPostingsFollowTheWindow: postings shared by many copies are handed
// on as the window moves, and nothing is left once every item is gone.
func TestPostingsFollowTheWindow(t *testing.T) {
	x := NewIndex(time.Hour, DefaultLine)
	var first decision
	for i := 0; i < 10; i++ {
		d := x.assign(Doc{ItemID: int64(i + 1), FeedID: int64(i + 1), Title: "Copy", Text: wireEN,
			Time: t0.Add(time.Duration(i) * 10 * time.Minute)}, nil)
		if i == 0 {
			first = d
		} else if d.story != first.story {
			t.Fatalf("copy %d is not the story of the first", i)
		}
	}
	// Only the last copy is left: a new one finds it through the postings
	// the pruned copies handed on.
	x.Prune(t0.Add(90 * time.Minute))
	if x.Len() != 1 {
		t.Fatalf("%d items in the window, want 1", x.Len())
	}
	if d := x.assign(Doc{ItemID: 20, FeedID: 20, Title: "Copy", Text: wireEN, Time: t0.Add(100 * time.Minute)}, nil); d.story != first.story || d.how != "text" {
		t.Errorf("a copy after pruning: story same %v, how %s", d.story == first.story, d.how)
	}
	x.Prune(t0.Add(24 * time.Hour))
	if x.Len() != 0 || x.posts.len() != 0 || len(x.more) != 0 {
		t.Errorf("after pruning all: %d items, %d postings, %d lists", x.Len(), x.posts.len(), len(x.more))
	}
}

// TestCyrillicDecode: the two-byte decoding of U+0400-U+047F hashes every
// such letter as the general path does, and broken UTF-8 around it still
// separates words.
func TestCyrillicDecode(t *testing.T) {
	for r := rune(0x400); r < 0x480; r++ {
		w := "ка" + string(r) + "x"
		var slow uint64 = fnvOffset
		for _, c := range w {
			for c = foldRune(c); c > 0; c >>= 8 {
				slow = (slow ^ uint64(c&0xff)) * fnvPrime
			}
		}
		if got, _ := splitSentences(w, nil, nil); len(got) != 1 || got[0] != slow {
			t.Errorf("%U: %v, want [%d]", r, got, slow)
		}
	}
	for s, want := range map[string]int{"ка\xd0": 1, "ка\xd0x": 2, "\xd1ка": 1, "ка\xd1\xd0ка": 2} {
		if got, _ := splitSentences(s, nil, nil); len(got) != want {
			t.Errorf("%q: %d words, want %d", s, len(got), want)
		}
	}
}

// TestSortSet: the sort of shingle sets sorts as slices.Sort does, at
// every size around its thresholds, with repeated keys, and with hashes
// that crowd a few buckets (the radix sort then).
func TestSortSet(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, 63, 64, 65, 127, 128, 200, 1000, 5000, 1 << 14, 20000} {
		for _, mask := range []uint32{0xffffffff, 0xff, 0xff00ff00, 0x7, 0xfff00000, 0x0fffffff} {
			a := make([]uint32, n)
			for i := range a {
				a[i] = rnd.Uint32() & mask
			}
			want := slices.Clone(a)
			slices.Sort(want)
			sortSet(a)
			if !slices.Equal(a, want) {
				t.Errorf("n=%d mask=%#x: not sorted as slices.Sort", n, mask)
			}
		}
	}
}

// TestShinglerAdd: the shingles of a word stream are shingleHash of each
// run of five words, or of the whole when it is shorter.
func TestShinglerAdd(t *testing.T) {
	rnd := rand.New(rand.NewSource(3))
	for n := 0; n < 20; n++ {
		ws := make([]uint64, n)
		for i := range ws {
			ws[i] = rnd.Uint64()
		}
		var want []uint32
		switch {
		case n == 0:
		case n < shingleWords:
			want = append(want, shingleHash(ws))
		default:
			for i := 0; i+shingleWords <= n; i++ {
				want = append(want, shingleHash(ws[i:i+shingleWords]))
			}
		}
		var sh shingler
		sh.add(ws)
		if !slices.Equal(sh.set, want) {
			t.Fatalf("%d words: %v, want %v", n, sh.set, want)
		}
	}
}

// TestEntriesReuseArray: a full window that keeps pruning its oldest items
// keeps its entries in one array (moving the live ones back to its start),
// in order, and the array holds no pointer outside the window.
func TestEntriesReuseArray(t *testing.T) {
	x := NewIndex(time.Hour, DefaultLine)
	var arrays []**entry
	for i := 0; i < 5000; i++ {
		at := t0.Add(time.Duration(i) * 10 * time.Second) // 360 items in the window
		x.Prune(at.Add(-time.Hour))
		x.assign(Doc{ItemID: int64(i + 1), FeedID: 1, Title: fmt.Sprint("item ", i), Time: at}, nil)
		if i >= 2000 && (len(arrays) == 0 || arrays[len(arrays)-1] != &x.earr[0]) {
			arrays = append(arrays, &x.earr[0])
		}
		for j, e := range x.entries {
			if e.seq != x.base+uint64(j) {
				t.Fatalf("item %d: entry %d has seq %d, want %d", i, j, e.seq, x.base+uint64(j))
			}
		}
		off := cap(x.earr) - cap(x.entries) // where entries starts in the array
		for j, e := range x.earr {
			if e != nil && (j < off || j >= off+len(x.entries)) {
				t.Fatalf("item %d: slot %d of the array, outside the window's %d..%d, is not cleared", i, j, off, off+len(x.entries))
			}
		}
	}
	if len(arrays) != 1 {
		t.Errorf("a full window moved its entries to %d arrays, want 1", len(arrays))
	}
}
