package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWatchShowAddedAliases: a watch imported with auto_aliases keeps the
// key in the store, and watch show lists what the matcher adds and from
// where, less its drop_aliases.
func TestWatchShowAddedAliases(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t, "../../seeds", "")
	list := filepath.Join(t.TempDir(), "list.toml")
	if err := os.WriteFile(list, []byte("[[watch]]\nname = \"Horlivka\"\nkind = \"city\"\nauto_aliases = true\ndrop_aliases = [\"Gorlowka\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, ctx, "watch", "import", "--config", e.config, list); code != 0 {
		t.Fatalf("watch import exit %d: %s", code, stderr)
	}
	out, stderr, code := runCLI(t, ctx, "watch", "show", "--config", e.config, "Horlivka")
	if code != 0 {
		t.Fatalf("watch show exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Горлівка\tgeonames", "Горловка\tgeonames", "Gorlovka\tgeonames"} {
		if !strings.Contains(out, want) {
			t.Errorf("watch show lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Gorlowka") {
		t.Errorf("watch show lists the dropped alias Gorlowka:\n%s", out)
	}
}
