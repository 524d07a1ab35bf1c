package discordtest_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch/bot/discordtest"
)

// form builds a multipart/form-data body from parts: name, filename ("" for
// a plain field) and content.
func form(t *testing.T, parts ...[3]string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p[1] == "" {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, p[0]))
			h.Set("Content-Type", "application/json")
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, p[0], p[1]))
			h.Set("Content-Type", "image/png")
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write([]byte(p[2]))
	}
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func postForm(t *testing.T, f *discordtest.Fake, path, ctype string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.URL+"/api/v9"+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot tok")
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestMultipartMessage(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	s, err := discordgo.New("Bot tok")
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: toFake{f.URL}}
	m, err := s.ChannelMessageSendComplex("9", &discordgo.MessageSend{Content: "chart",
		Files: []*discordgo.File{{Name: "trend.png", ContentType: "image/png", Reader: strings.NewReader("\x89PNG fake")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "trend.png" || m.Attachments[0].Size != 9 {
		t.Errorf("answer's attachments %+v, want trend.png of 9 bytes", m.Attachments)
	}
	got := f.Messages("9")
	if len(got) != 1 || got[0].Content != "chart" || len(got[0].Attachments) != 1 ||
		string(got[0].Attachments[0].Data) != "\x89PNG fake" || got[0].Attachments[0].ContentType != "image/png" {
		t.Fatalf("stored %+v", got)
	}
}

func TestMultipartRejected(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	payload := [3]string{"payload_json", "", `{"content":"x"}`}
	file := [3]string{"files[0]", "a.png", "data"}
	ct, good := form(t, payload, file)
	tests := []struct {
		name  string
		ctype string
		body  []byte
		want  int
	}{
		{"well formed", ct, good, 200},
		{"no boundary", "multipart/form-data", good, 400},
		{"wrong boundary", "multipart/form-data; boundary=nope", good, 400},
		{"truncated", ct, good[:len(good)-10], 400},
	}
	bad := func(name string, parts ...[3]string) {
		c, b := form(t, parts...)
		tests = append(tests, struct {
			name  string
			ctype string
			body  []byte
			want  int
		}{name, c, b, 400})
	}
	bad("payload_json not JSON", [3]string{"payload_json", "", "{"}, file)
	bad("payload_json twice", payload, payload, file)
	bad("file without filename", payload, [3]string{"files[0]", "", "data"})
	bad("same index twice", payload, file, file)
	bad("unknown part", payload, [3]string{"image", "a.png", "data"})
	bad("attachment without its file", [3]string{"payload_json", "", `{"content":"x","attachments":[{"id":1}]}`}, file)
	var eleven [][3]string
	for i := range 11 {
		eleven = append(eleven, [3]string{fmt.Sprintf("files[%d]", i), "a.png", "d"})
	}
	bad("eleven files", append([][3]string{payload}, eleven...)...)
	for _, tt := range tests {
		if got := postForm(t, f, "/channels/9/messages", tt.ctype, tt.body); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	if n := len(f.Messages("9")); n != 1 {
		t.Errorf("%d messages stored, want only the well-formed one", n)
	}
}

func TestMultipartInteractionResponse(t *testing.T) {
	f := discordtest.New("tok")
	defer f.Close()
	id := send(t, f, 2)
	ct, body := form(t, [3]string{"payload_json", "", `{"type":4,"data":{"content":"here","attachments":[{"id":0,"description":"chart"}]}}`},
		[3]string{"files[0]", "trend.png", "png bytes"})
	if got := postForm(t, f, "/interactions/"+id+"/itoken-"+id+"/callback", ct, body); got != 204 {
		t.Fatalf("callback: %d", got)
	}
	r, done := f.Answer(id)
	if !done || r.Content != "here" || len(r.Attachments) != 1 || r.Attachments[0].Filename != "trend.png" ||
		r.Attachments[0].Description != "chart" || string(r.Attachments[0].Data) != "png bytes" {
		t.Errorf("reply %+v, done %v", r, done)
	}

	// a deferral, then the edit of the original response carries the file
	id = send(t, f, 2)
	if got := do(t, f, http.MethodPost, "/interactions/"+id+"/itoken-"+id+"/callback", `{"type":5}`); got != 204 {
		t.Fatalf("deferral: %d", got)
	}
	ct, body = form(t, [3]string{"payload_json", "", `{"content":"later"}`}, [3]string{"files[0]", "t.png", "more bytes"})
	req, _ := http.NewRequest(http.MethodPatch, f.URL+"/api/v9/webhooks/"+f.AppID+"/itoken-"+id+"/messages/@original", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r, done = f.Answer(id)
	if resp.StatusCode != 200 || !done || r.Content != "later" || len(r.Attachments) != 1 || string(r.Attachments[0].Data) != "more bytes" {
		t.Errorf("edit %d: reply %+v", resp.StatusCode, r)
	}
}

// toFake sends discordgo's requests to the fake instead of Discord.
type toFake struct{ base string }

func (tf toFake) RoundTrip(r *http.Request) (*http.Response, error) {
	u, err := url.Parse(tf.base)
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = u.Scheme, u.Host, u.Host
	return http.DefaultTransport.RoundTrip(r)
}
