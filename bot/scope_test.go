package bot_test

import (
	"strings"
	"testing"

	"github.com/newswatch/newswatch/bot/discordtest"
)

// TestOtherGuildsFeedsAreNotRevealed: naming another server's feed (by URL
// or id) must answer exactly as naming a feed nobody follows, so a server
// cannot probe what others follow.
func TestOtherGuildsFeedsAreNotRevealed(t *testing.T) {
	e := newEnv(t)
	secret := e.feed(guildB, "http://feeds.test/secret")
	e.start()
	const unknownURL, unknownID = "http://feeds.test/nobody", "999999"
	for _, cmd := range []string{"latest", "feed remove", "feed retry"} {
		t.Run(cmd, func(t *testing.T) {
			opt := "feed"
			for _, tt := range []struct{ secret, unknown string }{
				{"http://feeds.test/secret", unknownURL},
				{itoa(secret.ID), unknownID},
			} {
				got := e.do(guildA, admin, discordtest.Command(cmd, discordtest.Str(opt, tt.secret)))
				want := e.do(guildA, admin, discordtest.Command(cmd, discordtest.Str(opt, tt.unknown)))
				g := strings.ReplaceAll(got.Text(), tt.secret, "X")
				w := strings.ReplaceAll(want.Text(), tt.unknown, "X")
				if g != w || got.Ephemeral != want.Ephemeral {
					t.Errorf("%s %s: %q (ephemeral %v), want as for a feed nobody follows: %q (ephemeral %v)",
						cmd, tt.secret, g, got.Ephemeral, w, want.Ephemeral)
				}
			}
		})
	}
}
