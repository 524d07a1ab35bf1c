package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/newswatch/newswatch"
)

// TestWatchKeys stores the keys of issue 11 (auto_aliases, country,
// surname_only, drop_aliases, fuzzy), reads them back, and sees a change of
// any of them as a change of the config watch.
func TestWatchKeys(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	no := false
	w := newswatch.Watch{Name: "Sergei Lavrov", Kind: newswatch.KindActor, Aliases: []string{"Сергей Лавров"},
		AutoAliases: true, Country: "ru", SurnameOnly: &no, DropAliases: []string{"Serhij Lavrov"}, Fuzzy: true}
	if _, err := db.SyncConfigWatches(ctx, []newswatch.Watch{w}); err != nil {
		t.Fatal(err)
	}
	got, err := db.WatchByName(ctx, newswatch.GlobalScope, "Sergei Lavrov")
	if err != nil {
		t.Fatal(err)
	}
	want := w
	want.Country = "RU"
	ignore := cmpopts.IgnoreFields(newswatch.Watch{}, "ID", "CreatedAt", "UpdatedAt")
	if diff := cmp.Diff(want, got, ignore, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("stored watch mismatch (-want +got):\n%s", diff)
	}

	// The default: surname_only unset reads back as nil.
	plain := newswatch.Watch{Name: "Kyiv", Kind: newswatch.KindCity}
	if _, _, err := db.PutWatch(ctx, plain, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.WatchByName(ctx, newswatch.GlobalScope, "Kyiv"); got.SurnameOnly != nil || got.AutoAliases || got.Fuzzy || got.Country != "" || len(got.DropAliases) != 0 {
		t.Errorf("plain watch read back as %+v", got)
	}

	for _, change := range []func(*newswatch.Watch){
		func(w *newswatch.Watch) { w.AutoAliases = false },
		func(w *newswatch.Watch) { w.Country = "UA" },
		func(w *newswatch.Watch) { w.SurnameOnly = nil },
		func(w *newswatch.Watch) { w.DropAliases = nil },
		func(w *newswatch.Watch) { w.Fuzzy = false },
	} {
		c := w
		change(&c)
		changed, err := db.SyncConfigWatches(ctx, []newswatch.Watch{c})
		if err != nil {
			t.Fatal(err)
		}
		if len(changed) != 1 {
			t.Errorf("SyncConfigWatches(%+v) changed %d watches, want 1", c, len(changed))
		}
		if _, err := db.SyncConfigWatches(ctx, []newswatch.Watch{w}); err != nil {
			t.Fatal(err)
		}
	}
}
