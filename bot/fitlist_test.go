package bot

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestFitListCountsWhatIsLeftOut: a list longer than the limit is cut at a
// name and ends with "+N more", N the names left out.
func TestFitListCountsWhatIsLeftOut(t *testing.T) {
	v := &invocation{lang: langEN}
	var a, b []string
	for i := range 60 {
		a = append(a, fmt.Sprintf("Name%02d", i))
		b = append(b, fmt.Sprintf("Other%02d", i))
	}
	lines := []string{"**geonames**: " + strings.Join(a, ", "), "**press**: " + strings.Join(b, ", ")}
	got := fitList(v, lines, 300)
	if utf8.RuneCountInString(got) > 300 {
		t.Fatalf("%d runes, limit 300: %q", utf8.RuneCountInString(got), got)
	}
	shown := strings.Count(got, "Name") + strings.Count(got, "Other")
	if want := fmt.Sprintf(" +%d more", 120-shown); !strings.HasSuffix(got, want) || shown == 0 {
		t.Errorf("got %q, want %d names shown and suffix %q", got, shown, want)
	}
	short := []string{"**geonames**: Kiev, Kyiv"}
	if got := fitList(v, short, 300); got != short[0] {
		t.Errorf("short list changed: %q", got)
	}
}
