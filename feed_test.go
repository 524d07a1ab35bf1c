package newswatch

import "testing"

func TestValidateFeedURLPort(t *testing.T) {
	tests := []struct {
		raw, want string // want "" means refused
	}{
		{"https://news.example:8443/rss", "https://news.example:8443/rss"},
		{"http://news.example:65535/rss", "http://news.example:65535/rss"},
		{"http://news.example:1/", "http://news.example:1/"},
		{"http://news.example:99999/rss", ""},
		{"http://news.example:65536/rss", ""},
		{"http://news.example:0/rss", ""},
		{"http://[2001:db8::1]:70000/rss", ""},
		{"http://news.example:/rss", "http://news.example:/rss"}, // empty port: the scheme's default
	}
	for _, tt := range tests {
		got, err := ValidateFeedURL(tt.raw)
		if tt.want == "" {
			if ErrorCode(err) != EINVALID {
				t.Errorf("%s: got %q, %v; want EINVALID", tt.raw, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.raw, got, err, tt.want)
		}
	}
	_, err := ValidateFeedURL("http://news.example:99999/rss")
	if want := `The feed URL "http://news.example:99999/rss" has port 99999; a port is a number from 1 to 65535.`; ErrorMessage(err) != want {
		t.Errorf("message %q, want %q", ErrorMessage(err), want)
	}
}
