package newswatch

import "testing"

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"not a url", ""},
		{"ftp://example.com/a", ""},
		{"mailto:news@example.com", ""},
		{"/relative/path", ""},
		{"https://example.com/news/a", "https://example.com/news/a"},
		{"HTTP://Example.COM/News/A", "https://example.com/News/A"},
		{"http://example.com:80/a", "https://example.com/a"},
		{"https://example.com:443/a", "https://example.com/a"},
		{"https://example.com:8443/a", "https://example.com:8443/a"},
		{"https://example.com./a", "https://example.com/a"},
		{"https://user:pw@example.com/a", "https://example.com/a"},
		{"https://example.com/a/#comments", "https://example.com/a"},
		{"https://example.com/a/", "https://example.com/a"},
		{"https://example.com/", "https://example.com"},
		{"https://example.com//a//b/", "https://example.com/a/b"},
		{"https://www.example.com/a", "https://example.com/a"},
		{"https://m.example.com/a", "https://example.com/a"},
		{"https://mobile.example.com/a", "https://example.com/a"},
		{"https://amp.theguardian.com/world/2024/a", "https://theguardian.com/world/2024/a"},
		{"https://m.co.uk/a", "https://m.co.uk/a"},
		{"https://www.bbc.co.uk/news/world-1", "https://bbc.co.uk/news/world-1"},
		{"https://m.com/a", "https://m.com/a"},
		{"https://media.example.com/a", "https://media.example.com/a"},
		{"https://example.com/news/a/amp", "https://example.com/news/a"},
		{"https://example.com/news/a/amp/", "https://example.com/news/a"},
		{"https://example.com/amp/news/a", "https://example.com/news/a"},
		{"https://example.com/news/a.amp.html", "https://example.com/news/a.html"},
		{"https://example.com/news/a.amp", "https://example.com/news/a"},
		{"https://example.com/news/camp", "https://example.com/news/camp"},
		{"https://example.com/amp", "https://example.com/amp"},
		{"https://example.com/a?amp", "https://example.com/a"},
		{"https://example.com/a?amp=1", "https://example.com/a"},
		{"https://example.com/a?outputType=amp", "https://example.com/a"},
		{"https://example.com/a?outputType=xml", "https://example.com/a?outputType=xml"},
		{"https://example.com/a?utm_source=rss&utm_medium=feed&utm_campaign=x", "https://example.com/a"},
		{"https://example.com/a?UTM_Source=rss", "https://example.com/a"},
		{"https://example.com/a?fbclid=IwAR0&gclid=1&dclid=2&msclkid=3&mc_cid=4&mc_eid=5&ocid=6&igshid=7&_ga=8&yclid=9&ref_src=twsrc&cmpid=10",
			"https://example.com/a"},
		{"https://example.com/index.php?p=123&utm_source=x", "https://example.com/index.php?p=123"},
		{"https://example.com/view?id=42", "https://example.com/view?id=42"},
		{"https://www.facebook.com/permalink.php?story_fbid=1&id=2&__tn__=K", "https://facebook.com/permalink.php?__tn__=K&id=2&story_fbid=1"},
		{"https://www.youtube.com/watch?v=abc&feature=share", "https://youtube.com/watch?v=abc"},
		{"https://example.com/read?article=7&page=2", "https://example.com/read?article=7&page=2"},
		{"https://example.com/read?page=2&article=7", "https://example.com/read?article=7&page=2"},
		{"https://example.com/a?", "https://example.com/a"},
		{"https://example.com/a?q=%D0%BA%D0%B8%D1%97%D0%B2", "https://example.com/a?q=%D0%BA%D0%B8%D1%97%D0%B2"},
		{"https://example.com/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8/", "https://example.com/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8"},
		{"https://example.com/новини/", "https://example.com/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8"},
		{"https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/a/amp/", "https://example.com/news/a"},
		{"https://www-example-com.cdn.ampproject.org/c/example.com/news/a", "https://example.com/news/a"},
		{"https://www.google.com/amp/s/www.example.com/news/a.amp.html", "https://example.com/news/a.html"},
		{"https://www.google.com/search?q=a", "https://google.com/search?q=a"},
		{"https://[::1]:8080/a", "https://[::1]:8080/a"},
	}
	for _, tt := range tests {
		if got := CanonicalURL(tt.in); got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalURLSameArticle(t *testing.T) {
	variants := []string{
		"https://www.example.com/world/2024/05/kyiv-strike/",
		"http://example.com/world/2024/05/kyiv-strike?utm_source=rss&utm_medium=rss",
		"https://m.example.com/world/2024/05/kyiv-strike#top",
		"https://amp.example.com/world/2024/05/kyiv-strike/amp/",
		"https://example.com:443/world/2024/05/kyiv-strike?amp=1&fbclid=x",
	}
	want := CanonicalURL(variants[0])
	for _, v := range variants[1:] {
		if got := CanonicalURL(v); got != want {
			t.Errorf("CanonicalURL(%q) = %q, want %q (same article)", v, got, want)
		}
	}
	different := []string{
		"https://example.com/world/2024/05/kyiv-strike-2",
		"https://example.com/world/2024/05/kyiv-strike?id=2",
		"https://other.com/world/2024/05/kyiv-strike",
	}
	for _, d := range different {
		if got := CanonicalURL(d); got == want {
			t.Errorf("CanonicalURL(%q) = %q, the same as another article's", d, got)
		}
	}
}

func TestCanonicalLink(t *testing.T) {
	tests := []struct {
		link  string
		hints []string
		want  string
	}{
		{"https://outlet.com/a?utm_source=x", nil, "https://outlet.com/a"},
		{"https://outlet.com/a", []string{"https://wire.com/story/1"}, "https://wire.com/story/1"},
		{"https://outlet.com/a", []string{"", "javascript:void(0)", "https://wire.com/s/2/"}, "https://wire.com/s/2"},
		{"", []string{""}, ""},
	}
	for _, tt := range tests {
		if got := CanonicalLink(tt.link, tt.hints...); got != tt.want {
			t.Errorf("CanonicalLink(%q, %q) = %q, want %q", tt.link, tt.hints, got, tt.want)
		}
	}
}
