package discordtest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch/bot/discordtest"
)

func send(t *testing.T, f *discordtest.Fake, typ int) string {
	t.Helper()
	data := discordtest.Command("stats")
	if typ == 3 {
		data = discordtest.Component("page:x:2")
	}
	id, err := f.Send(discordtest.Interaction{Type: discordgo.InteractionType(typ), GuildID: "1", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func do(t *testing.T, f *discordtest.Fake, method, path, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, f.URL+"/api/v9"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestInteractionCallbacksFollowTheDocs(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	cb := func(id string) string { return "/interactions/" + id + "/itoken-" + id + "/callback" }
	choices := make([]string, 26)
	for i := range choices {
		choices[i] = fmt.Sprintf(`{"name":"c%d","value":"%d"}`, i, i)
	}
	tests := []struct {
		name string
		typ  int // interaction type
		body string
		want int
	}{
		{"autocomplete with no choices field", 4, `{"type":8,"data":{}}`, 400},
		{"autocomplete with null choices", 4, `{"type":8,"data":{"choices":null}}`, 400},
		{"autocomplete with empty choices", 4, `{"type":8,"data":{"choices":[]}}`, 204},
		{"autocomplete with 26 choices", 4, `{"type":8,"data":{"choices":[` + strings.Join(choices, ",") + `]}}`, 400},
		{"autocomplete with 25 choices", 4, `{"type":8,"data":{"choices":[` + strings.Join(choices[:25], ",") + `]}}`, 204},
		{"autocomplete answered with a message", 4, `{"type":4,"data":{"content":"x"}}`, 400},
		{"command answered with choices", 2, `{"type":8,"data":{"choices":[]}}`, 400},
		{"command answered with an update", 2, `{"type":7,"data":{"content":"x"}}`, 400},
		{"component update", 3, `{"type":7,"data":{"content":"x"}}`, 204},
		{"ephemeral message", 2, `{"type":4,"data":{"content":"x","flags":64}}`, 204},
		{"unknown flag", 2, `{"type":4,"data":{"content":"x","flags":8}}`, 400},
		{"content over 2000", 2, `{"type":4,"data":{"content":"` + strings.Repeat("x", 2001) + `"}}`, 400},
		{"11 embeds", 2, `{"type":4,"data":{"embeds":[` + strings.Repeat(`{"title":"t"},`, 10) + `{"title":"t"}]}}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := send(t, f, tt.typ)
			if got := do(t, f, http.MethodPost, cb(id), tt.body); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
	t.Run("second initial response", func(t *testing.T) {
		id := send(t, f, 2)
		if got := do(t, f, http.MethodPost, cb(id), `{"type":5}`); got != 204 {
			t.Fatalf("deferral: %d", got)
		}
		if got := do(t, f, http.MethodPost, cb(id), `{"type":4,"data":{"content":"x"}}`); got != 400 {
			t.Errorf("second callback: %d, want 400 already acknowledged", got)
		}
	})
}

func TestFirstFollowupAfterDeferralEditsOriginal(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	for _, tt := range []struct {
		name          string
		defer_        string
		wantEphemeral bool
	}{
		{"public deferral", `{"type":5}`, false},
		{"ephemeral deferral", `{"type":5,"data":{"flags":64}}`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := send(t, f, 2)
			hook := "/webhooks/" + f.AppID + "/itoken-" + id
			if got := do(t, f, http.MethodPost, "/interactions/"+id+"/itoken-"+id+"/callback", tt.defer_); got != 204 {
				t.Fatalf("deferral: %d", got)
			}
			if got := do(t, f, http.MethodPost, hook, `{"content":"first","flags":64}`); got != 200 {
				t.Fatalf("follow-up: %d", got)
			}
			r, done := f.Answer(id)
			if !done || r.Content != "first" || r.Ephemeral != tt.wantEphemeral {
				t.Errorf("answer %q done %v ephemeral %v, want the deferral edited, ephemeral %v", r.Content, done, r.Ephemeral, tt.wantEphemeral)
			}
			if got := do(t, f, http.MethodPost, hook, `{"content":"second","flags":64}`); got != 200 {
				t.Fatalf("second follow-up: %d", got)
			}
			if r, _ := f.Answer(id); r.Content != "second" || !r.Ephemeral {
				t.Errorf("second follow-up %q ephemeral %v, want a new ephemeral message", r.Content, r.Ephemeral)
			}
			if got := do(t, f, http.MethodDelete, hook+"/messages/@original", ""); got != 204 {
				t.Errorf("delete original: %d", got)
			}
			if got := do(t, f, http.MethodPatch, hook+"/messages/@original", `{"content":"x"}`); got != 404 {
				t.Errorf("edit after delete: %d, want 404", got)
			}
		})
	}
}

func TestCommandRegistrationValidated(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	put := func(body string) int {
		req, _ := http.NewRequest(http.MethodPut, f.URL+"/api/v9/applications/"+f.AppID+"/guilds/1/commands", strings.NewReader(body))
		req.Header.Set("Authorization", "Bot tok")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	opt := func(extra string) string {
		return `[{"name":"search","description":"d","options":[{"type":3,"name":"query","description":"d"` + extra + `}]}]`
	}
	for _, tt := range []struct {
		name, body string
		want       int
	}{
		{"valid", opt(`,"max_length":300`), 200},
		{"localized", `[{"name":"search","name_localizations":{"ru":"поиск","uk":"пошук"},"description":"d","description_localizations":{"ru":"п"}}]`, 200},
		{"upper case name", `[{"name":"Search","description":"d"}]`, 400},
		{"space in name", `[{"name":"my search","description":"d"}]`, 400},
		{"33 characters", `[{"name":"` + strings.Repeat("a", 33) + `","description":"d"}]`, 400},
		{"upper case localized name", `[{"name":"search","name_localizations":{"ru":"Поиск"},"description":"d"}]`, 400},
		{"unknown locale", `[{"name":"search","name_localizations":{"ua":"пошук"},"description":"d"}]`, 400},
		{"unknown description locale", `[{"name":"search","description":"d","description_localizations":{"en":"d"}}]`, 400},
		{"no description", `[{"name":"search","description":""}]`, 400},
		{"max_length 0", opt(`,"max_length":0`), 400},
		{"max_length 6001", opt(`,"max_length":6001`), 400},
		{"max_length 6000", opt(`,"max_length":6000`), 200},
		{"required after optional", `[{"name":"s","description":"d","options":[{"type":3,"name":"a","description":"d"},{"type":3,"name":"b","description":"d","required":true}]}]`, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := put(tt.body); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
	// A value over the registered max_length is not sent unless forged.
	if put(opt(`,"max_length":5`)) != 200 {
		t.Fatal("register")
	}
	long := discordtest.Command("search", discordtest.Str("query", "abcdef"))
	if _, err := f.Send(discordtest.Interaction{GuildID: "1", Data: long}); err == nil {
		t.Error("a value over max_length was sent")
	}
	if _, err := f.Send(discordtest.Interaction{GuildID: "1", Data: long, Forged: true}); err != nil {
		t.Errorf("forged: %v", err)
	}
}
