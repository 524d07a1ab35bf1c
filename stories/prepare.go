package stories

import (
	"slices"

	"github.com/newswatch/newswatch"
)

// prepared is what deciding an item's story needs of its text and link and
// can be computed without the index: the canonical URL, the body cut into
// sentences, the title's words and the shingle set as it is when none of
// the body's sentences is its feed's boilerplate. Computing it is most of
// the cost of a decision, and it needs no lock, so a save computes it while
// it writes the items (Assigner.PrepareStory), leaving only the index
// look-up and insert for the locked decision.
type prepared struct {
	canon string
	sents []sentence
	title []uint64
	set   []uint32 // sorted, distinct; valid when no sentence is left out
}

// prepareText computes the prepared form of a title, a body and a link.
func prepareText(title, text, link string) *prepared {
	p := &prepared{canon: newswatch.CanonicalURL(link)}
	words := make([]uint64, 0, len(text)/6+len(title)/6+8)
	// About one sentence in 64 bytes: grown once or not at all, where
	// appending to nil would grow it four or five times.
	words, p.sents = splitSentences(text, words, make([]sentence, 0, len(text)/64+4))
	start := len(words)
	words, _ = splitSentences(title, words, nil)
	p.title = words[start:len(words):len(words)]
	var sh shingler
	sh.set = make([]uint32, 0, len(words))
	shingleBody(&sh, p.sents, nil)
	sh.add(p.title)
	sortSet(sh.set)
	p.set = slices.Compact(sh.set)
	return p
}

// shingleBody adds the shingles of a body's sentences, leaving out the
// edge sentences that h (if not nil) knows as boilerplate and reading at
// most maxBodyWords words; it reports whether it left any sentence out.
func shingleBody(sh *shingler, body []sentence, h *feedHist) (skipped bool) {
	budget := maxBodyWords
	for i, s := range body {
		if h != nil && isEdge(i, len(body)) && h.boilerplate(s.hash) {
			skipped = true
			continue
		}
		w := s.words
		if len(w) > budget {
			w = w[:budget]
		}
		budget -= len(w)
		sh.add(w)
		if budget <= 0 {
			break
		}
	}
	return skipped
}

// hasBoilerplate reports whether h knows an edge sentence of body as
// boilerplate.
func hasBoilerplate(body []sentence, h *feedHist) bool {
	if h == nil || h.nboil == 0 {
		return false
	}
	for i, s := range body {
		if isEdge(i, len(body)) && h.boilerplate(s.hash) {
			return true
		}
	}
	return false
}

// PrepareStory computes what deciding c's story needs of its text into
// c.Prepared (store.StoryPreparer). It uses no state of the Assigner, so
// saves call it without its lock and in parallel with their writes.
func (a *Assigner) PrepareStory(c *newswatch.StoryCandidate) {
	c.Prepared = prepareText(c.Title, c.Text, c.Link)
}
