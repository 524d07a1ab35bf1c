package newswatch

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Snippet returns the sentence of text around the first of the mentions ms
// (by Start), or, when that sentence is longer than maxRunes runes, a window
// of maxRunes runes centred on the mention. Runs of whitespace and control
// characters become one space, each mention wholly inside the snippet is
// bracketed by HighlightStart and HighlightEnd, and "…"
// marks where the text was cut (inside a sentence). Cuts fall on rune
// boundaries. maxRunes <= 0 means no limit. Mentions whose offsets do not
// fit text are ignored; with none left, the snippet is the start of text.
func Snippet(text string, ms []Mention, maxRunes int) string {
	var valid []Mention
	for _, m := range ms {
		if m.Start >= 0 && m.Start < m.End && m.End <= len(text) &&
			utf8.RuneStart(text[m.Start]) && (m.End == len(text) || utf8.RuneStart(text[m.End])) {
			valid = append(valid, m)
		}
	}
	if len(valid) == 0 {
		return render(text, 0, clampEnd(text, 0, maxRunes), nil)
	}
	first := valid[0]
	for _, m := range valid[1:] {
		if m.Start < first.Start {
			first = m
		}
	}
	from, to := sentenceStart(text, first.Start), sentenceEnd(text, first.End)
	if maxRunes > 0 && utf8.RuneCountInString(text[from:to]) > maxRunes {
		from, to = window(text, from, to, first, maxRunes)
	}
	return render(text, from, to, valid)
}

// render collapses text[from:to] and marks the mentions inside it, merging
// overlapping ones so that the markers never nest.
func render(text string, from, to int, ms []Mention) string {
	var spans [][2]int
	for _, m := range ms {
		if m.Start >= from && m.End <= to {
			spans = append(spans, [2]int{m.Start, m.End})
		}
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
	merged := spans[:0]
	for _, s := range spans {
		if n := len(merged); n > 0 && s[0] < merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], s[1])
			continue
		}
		merged = append(merged, s)
	}
	var b strings.Builder
	if from > 0 && !sentenceBreakBefore(text, from) {
		b.WriteString("…")
	}
	space, open := false, false
	for i := from; i < to; {
		if !open && len(merged) > 0 && i >= merged[0][0] {
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteString(HighlightStart)
			open = true
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError && size == 1 {
			space = b.Len() > 0
		} else {
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteString(text[i : i+size])
		}
		i += size
		if open && i >= merged[0][1] {
			b.WriteString(HighlightEnd)
			open = false
			merged = merged[1:]
		}
	}
	if open {
		b.WriteString(HighlightEnd)
	}
	if to < len(text) && !sentenceBreakBefore(text, to) {
		b.WriteString("…")
	}
	return b.String()
}

// sentenceBreakBefore reports whether a sentence ends before i: text[:i]
// ends in whitespace holding a blank line (a paragraph break), or in
// whitespace after ".", "!", "?" or "…" and any closing quotes.
func sentenceBreakBefore(text string, i int) bool {
	j, lines := i, 0
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if !unicode.IsSpace(r) {
			break
		}
		if r == '\n' {
			lines++
		}
		j -= size
	}
	if j == i {
		return false
	}
	if lines >= 2 {
		return true
	}
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if strings.ContainsRune(".!?…", r) {
			return true
		}
		if !strings.ContainsRune("\"'”’»)", r) {
			return false
		}
		j -= size
	}
	return false
}

// sentenceStart returns the start of the sentence that holds text[i].
func sentenceStart(text string, i int) int {
	for i > 0 && !(startsWord(text, i) && sentenceBreakBefore(text, i)) {
		_, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
	}
	return i
}

// sentenceEnd returns the end of the sentence whose text reaches i: the
// start of the next one.
func sentenceEnd(text string, i int) int {
	for i < len(text) && !(startsWord(text, i) && sentenceBreakBefore(text, i)) {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}

// startsWord reports whether text[i] is not whitespace, so that a run of
// whitespace is looked back over once.
func startsWord(text string, i int) bool {
	r, _ := utf8.DecodeRuneInString(text[i:])
	return !unicode.IsSpace(r)
}

// window returns about n runes of text[from:to] centred on m.
func window(text string, from, to int, m Mention, n int) (int, int) {
	inside := utf8.RuneCountInString(text[m.Start:m.End])
	if inside >= n {
		return m.Start, clampEnd(text, m.Start, n)
	}
	before := (n - inside) / 2
	start := m.Start
	for k := 0; k < before && start > from; k++ {
		_, size := utf8.DecodeLastRuneInString(text[:start])
		start -= size
	}
	end := clampEnd(text[:to], start, n)
	// Use what is left before the mention when the sentence ends early.
	for k := utf8.RuneCountInString(text[start:end]); k < n && start > from; k++ {
		_, size := utf8.DecodeLastRuneInString(text[:start])
		start -= size
	}
	return start, end
}

// clampEnd returns the offset n runes after from, or len(text).
func clampEnd(text string, from, n int) int {
	if n <= 0 {
		return len(text)
	}
	i := from
	for k := 0; k < n && i < len(text); k++ {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}

// AlertSnippet is the snippet of an item for an alert: from the body when a
// mention is there (the title is shown beside it already), else from the
// title and the start of the body. ms index it.MatchText().
func AlertSnippet(it Item, ms []Mention, maxRunes int) string {
	if it.Title == "" || it.Text == "" {
		return Snippet(it.MatchText(), ms, maxRunes)
	}
	off := len(it.Title) + 2
	var body []Mention
	for _, m := range ms {
		if m.Start >= off {
			m.Start, m.End = m.Start-off, m.End-off
			body = append(body, m)
		}
	}
	if len(body) == 0 {
		return Snippet(it.MatchText(), ms, maxRunes)
	}
	return Snippet(it.Text, body, maxRunes)
}
