package newswatch_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/watch"
)

// mark writes a snippet with [ ] for the highlight markers.
func mark(s string) string {
	return strings.NewReplacer(newswatch.HighlightStart, "[", newswatch.HighlightEnd, "]").Replace(s)
}

func TestSnippet(t *testing.T) {
	m := compileSnippetWatches(t)
	long := "Officials said on Monday, after a long night of talks that went nowhere at all, that Sergei Lavrov would fly to Geneva on Thursday with a plan that nobody has seen yet."
	tests := []struct {
		name     string
		text     string
		maxRunes int
		want     string
	}{
		{"sentence", "Fighting went on. Troops entered Kiev on Monday. Talks failed.", 200, "Troops entered [Kiev] on Monday."},
		{"first sentence", "Kiev said so. Nothing else.", 200, "[Kiev] said so."},
		{"paragraph break ends a sentence", "Headline about Kiev\n\nBody text here.", 200, "Headline about [Kiev]"},
		{"paragraph break before", "Headline\r\n\r\nKiev said. More.", 200, "[Kiev] said."},
		{"single line break does not", "Troops entered\nKiev on Monday", 200, "Troops entered [Kiev] on Monday"},
		{"closing quote", "He said “no.” Kiev agreed.", 200, "[Kiev] agreed."},
		{"whitespace collapsed", "Troops  entered\n\t Kiev\u00a0and\r\nKramatorsk today!  Then", 200, "Troops entered [Kiev] and [Kramatorsk] today!"},
		{"multi-word mention across a line break", "He met Sergei\nLavrov.", 200, "He met [Sergei Lavrov]."},
		{"window centred", long, 40, "…at all, that [Sergei Lavrov] would fly to…"},
		{"window at sentence start", "Kiev " + strings.Repeat("and more ", 20), 20, "[Kiev] and more and mo…"},
		{"window at sentence end", strings.Repeat("more and ", 20) + "Kiev.", 20, "…e and more and [Kiev]."},
		{"cut on rune boundaries", "Сегодня в городе Славянске прошли переговоры представителей сторон.", 20, "…роде [Славянске] прошл…"},
		{"no limit", long, 0, "Officials said on Monday, after a long night of talks that went nowhere at all, that [Sergei Lavrov] would fly to Geneva on Thursday with a plan that nobody has seen yet."},
		{"overlapping mentions merged", "Rebels of the Donetsk People's Republic said.", 200, "Rebels of the [Donetsk People's Republic] said."},
		{"markers in the text dropped", "Kiev \x02said\x03 so.", 200, "[Kiev] said so."},
		{"no mentions", "Nothing here at all. More.", 10, "Nothing he…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mark(newswatch.Snippet(tt.text, m.Match(tt.text), tt.maxRunes))
			if got != tt.want {
				t.Errorf("Snippet(%q, %d)\n got %q\nwant %q", tt.text, tt.maxRunes, got, tt.want)
			}
		})
	}
}

func TestSnippetBadMentions(t *testing.T) {
	text := "Тут Київ."
	for _, ms := range [][]newswatch.Mention{
		{{Start: -1, End: 3}},
		{{Start: 5, End: 400}},
		{{Start: 8, End: 4}},
		{{Start: 8, End: 9}}, // inside a rune
	} {
		got := newswatch.Snippet(text, ms, 5)
		if !utf8.ValidString(got) || strings.Contains(got, newswatch.HighlightStart) {
			t.Errorf("Snippet(%q, %+v) = %q, want valid text without markers", text, ms, got)
		}
	}
}

func TestSnippetLongWhitespace(t *testing.T) {
	text := "Kiev" + strings.Repeat(" ", 1<<20) + "Lavrov" + strings.Repeat("\n", 1<<20)
	m := compileSnippetWatches(t)
	ms := m.Match(text)
	if got, want := mark(newswatch.Snippet(text, ms[1:], 30)), "… [Lavrov]"; got != want {
		t.Errorf("Snippet = %q, want %q", got, want)
	}
}

func compileSnippetWatches(t *testing.T) *watch.Matcher {
	t.Helper()
	city, actor := newswatch.KindCity, newswatch.KindActor
	m, err := watch.Compile([]newswatch.Watch{
		{ID: 1, Name: "Sloviansk", Kind: city, Aliases: []string{"Slavyansk", "Славянск"}},
		{ID: 2, Name: "Kramatorsk", Kind: city},
		{ID: 3, Name: "Donetsk", Kind: city},
		{ID: 4, Name: "Kyiv", Kind: city, Aliases: []string{"Kiev", "Київ"}},
		{ID: 5, Name: "Sergei Lavrov", Kind: actor, Aliases: []string{"Lavrov"}},
		{ID: 6, Name: "Donetsk People's Republic", Kind: actor},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAlertSnippetPrefersTheBody(t *testing.T) {
	m := compileSnippetWatches(t)
	tests := []struct {
		name string
		it   newswatch.Item
		want string
	}{
		{"mention in title and body", newswatch.Item{Title: "Kiev talks", Text: "Officials met. Lavrov came to Kiev."}, "[Lavrov] came to [Kiev]."},
		{"mention only in title", newswatch.Item{Title: "Kiev talks", Text: "Officials met. Nothing agreed."}, "[Kiev] talks"},
		{"no body", newswatch.Item{Title: "Kramatorsk talks end"}, "[Kramatorsk] talks end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mark(newswatch.AlertSnippet(tt.it, m.Match(tt.it.MatchText()), 200))
			if got != tt.want {
				t.Errorf("AlertSnippet = %q, want %q", got, tt.want)
			}
		})
	}
}
