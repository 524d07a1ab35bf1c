package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestHelpFits: in every language /help lists every command and subcommand
// without being cut to Discord's limits.
func TestHelpFits(t *testing.T) {
	b := &Bot{}
	for _, l := range []lang{langEN, langRU, langUK} {
		v := &invocation{lang: l}
		r, err := b.help(t.Context(), v)
		if err != nil {
			t.Fatal(err)
		}
		if !r.ephemeral || len(r.embeds) != 1 {
			t.Fatalf("lang %d: ephemeral %v, %d embeds", l, r.ephemeral, len(r.embeds))
		}
		e := r.embeds[0]
		var text strings.Builder
		text.WriteString(e.Description)
		for _, f := range e.Fields {
			if strings.HasSuffix(f.Value, "…") || utf8.RuneCountInString(f.Value) > maxFieldValue {
				t.Errorf("lang %d: field %q was cut", l, f.Name)
			}
			text.WriteString("\n" + f.Value)
		}
		for _, c := range commands() {
			if !strings.Contains(text.String(), "/"+v.cmdName(c.Name)) {
				t.Errorf("lang %d: /%s missing", l, c.Name)
			}
			for _, o := range c.Options {
				if len(o.Options) > 0 || o.Type == 1 {
					if !strings.Contains(text.String(), "/"+v.cmdName(c.Name)+" "+v.cmdName(o.Name)) {
						t.Errorf("lang %d: /%s %s missing", l, c.Name, o.Name)
					}
				}
			}
		}
		t.Logf("lang %d: %d characters", l, embedSize(e))
	}
}
