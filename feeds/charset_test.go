package feeds

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// rssWith is an RSS document with one item of the given title and body,
// after an XML declaration naming enc (none when enc is "").
func rssWith(enc, title, body string) string {
	decl := `<?xml version="1.0"?>`
	if enc != "" {
		decl = `<?xml version="1.0" encoding="` + enc + `"?>`
	}
	return decl + "\n<rss version=\"2.0\"><channel><title>T</title><link>https://t.example/</link>" +
		"<item><guid>g1</guid><title>" + title + "</title><description>" + body + "</description></item></channel></rss>"
}

func mustEncode(t *testing.T, cs encoding.Encoding, s string) string {
	t.Helper()
	out, err := cs.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseCharsetRepairAndGuess(t *testing.T) {
	const ru = "Обстрел в Славянске"
	const text = "Жители сообщили о взрывах в городе ночью"
	const jaTitle = "スラビャンスクで砲撃、住宅二棟が被害"
	jaText := eucJPLookalike(t)
	const koTitle = "슬로뱐스크에서 포격"
	const koText = "우크라이나 동부 슬로뱐스크에서 화요일 밤 포격이 있었다고 현지 당국이 밝혔다."
	tests := []struct {
		name        string
		body        string
		contentType string
		title, text string
		warning     string // a substring of the one warning, "" for none
	}{
		{"one bad byte in UTF-8 Cyrillic", rssWith("utf-8", ru, text+" \xff"), "",
			ru, text + " ÿ", "repaired 1 invalid UTF-8 byte"},
		{"cp1252 quote in UTF-8", rssWith("", "Kerry\x92s visit to Kyiv — talks", "Body"), "",
			"Kerry’s visit to Kyiv — talks", "Body", "repaired 1"},
		{"undefined windows-1252 byte in UTF-8", rssWith("", "Ключ\x81 Славянск", "Body"), "",
			"Ключ\uFFFD Славянск", "Body", "repaired 1"},
		{"windows-1251 item in a UTF-8 feed", rssWith("utf-8", ru, mustEncode(t, charmap.Windows1251, text)+" Краматорск Славянск Донецк Луганск Харьков Одесса Херсон Мариуполь"), "",
			ru, text + " Краматорск Славянск Донецк Луганск Харьков Одесса Херсон Мариуполь", "repaired"},
		{"UTF-8 BOM and a bad byte", "\xef\xbb\xbf" + rssWith("", "Valid: Ѩ. Invalid: Espa\xf1a", "x"), "",
			"Valid: Ѩ. Invalid: España", "x", "repaired 1"},
		{"one undeclared high byte is not Cyrillic", rssWith("", "Price \xa4 5", "x"), "",
			"Price € 5", "x", "iso-8859-15"},
		{"UTF-8 C1 control", rssWith("utf-8", "Kerry\u0092s talks", "It\u0085s \u0093quoted\u0094"), "",
			"Kerry’s talks", "It…s “quoted”", ""},
		{"C1 character reference", rssWith("utf-8", "Kerry&#146;s talks", "x"), "",
			"Kerry’s talks", "x", ""},
		{"undeclared KOI8-R", mustEncode(t, charmap.KOI8R, rssWith("", ru, text)), "",
			ru, text, "koi8-r"},
		{"undeclared windows-1251", mustEncode(t, charmap.Windows1251, rssWith("", ru, text)), "",
			ru, text, "windows-1251"},
		{"undeclared ISO-8859-5", mustEncode(t, charmap.ISO8859_5, rssWith("", ru, text)), "",
			ru, text, "iso-8859-5"},
		{"undeclared cp866", mustEncode(t, charmap.CodePage866, rssWith("", ru, text)), "",
			ru, text, "ibm866"},
		{"undeclared Latin-1", mustEncode(t, charmap.ISO8859_1, rssWith("", "Réunion à Genève", "Les négociations ont duré")), "",
			"Réunion à Genève", "Les négociations ont duré", "windows-1252"},
		{"undeclared ISO-8859-15", mustEncode(t, charmap.ISO8859_15, rssWith("", "Coût: 5 € pour Œuvre", "x")), "",
			"Coût: 5 € pour Œuvre", "x", "iso-8859-15"},
		{"undeclared ISO-8859-2", mustEncode(t, charmap.ISO8859_2, rssWith("", "Rząd w Warszawie, Łódź i Słowiańsk", "x")), "",
			"Rząd w Warszawie, Łódź i Słowiańsk", "x", "reads as"},
		{"declared UTF-8 but KOI8-R", mustEncode(t, charmap.KOI8R, rssWith("utf-8", ru, text)), "",
			ru, text, "koi8-r"},
		{"declared iso-8859-1 but windows-1251", mustEncode(t, charmap.Windows1251, rssWith("iso-8859-1", ru, text)), "",
			ru, text, "declared iso-8859-1 does not fit"},
		{"Content-Type iso-8859-1 but windows-1251", mustEncode(t, charmap.Windows1251, rssWith("", ru, text)), "text/xml; charset=iso-8859-1",
			ru, text, "declared iso-8859-1 does not fit"},
		// Multi-byte legacy text passes for UTF-8 with bad bytes often
		// (EUC-JP kana pairs are valid two-byte sequences): declared, it
		// is decoded as declared.
		{"declared EUC-JP", mustEncode(t, japanese.EUCJP, rssWith("euc-jp", jaTitle, jaText)), "",
			jaTitle, jaText, ""},
		{"declared EUC-KR", mustEncode(t, korean.EUCKR, rssWith("euc-kr", koTitle, koText)), "",
			koTitle, koText, ""},
		{"declared KOI8-R is trusted", mustEncode(t, charmap.KOI8R, rssWith("koi8-r", ru, text)), "",
			ru, text, ""},
		{"declared iso-8859-1 and Latin-1", mustEncode(t, charmap.ISO8859_1, rssWith("iso-8859-1", "Réunion à Genève", "x")), "",
			"Réunion à Genève", "x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parseAt([]byte(tt.body), tt.contentType, "https://t.example/", fetchTime)
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Items) != 1 {
				t.Fatalf("got %d items, want 1", len(doc.Items))
			}
			if got := doc.Items[0].Title; got != tt.title {
				t.Errorf("Title = %q, want %q", got, tt.title)
			}
			if got := doc.Items[0].Text; got != tt.text {
				t.Errorf("Text = %q, want %q", got, tt.text)
			}
			switch {
			case tt.warning == "" && len(doc.Warnings) > 0:
				t.Errorf("Warnings = %q, want none", doc.Warnings)
			case tt.warning != "" && (len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], tt.warning)):
				t.Errorf("Warnings = %q, want one containing %q", doc.Warnings, tt.warning)
			}
		})
	}
}

// eucJPLookalike returns Japanese text that, in EUC-JP, is half valid
// UTF-8: kanji whose two bytes form a valid UTF-8 sequence, each second one
// followed by a hiragana whose bytes do not.
func eucJPLookalike(t *testing.T) string {
	var b strings.Builder
	n := 0
	for hi := byte(0xC2); hi <= 0xCF && n < 30; hi++ {
		for lo := byte(0xA1); lo <= 0xBF && n < 30; lo++ {
			r, err := japanese.EUCJP.NewDecoder().Bytes([]byte{hi, lo})
			if err != nil || !utf8.Valid(r) || string(r) == "\uFFFD" {
				continue
			}
			b.Write(r)
			if n%2 == 0 {
				b.WriteString("の")
			}
			n++
		}
	}
	enc := mustEncode(t, japanese.EUCJP, b.String())
	if valid, _, invalid := utf8Shape([]byte(enc)); valid < invalid {
		t.Fatalf("EUC-JP lookalike has %d valid and %d invalid UTF-8 sequences", valid, invalid)
	}
	return b.String()
}

func TestParseUTF32AndUTF16(t *testing.T) {
	const ru = "Обстрел в Славянске"
	doc := rssWith("", ru, "Текст")
	withDecl := rssWith("utf-32", ru, "Текст")
	encs := []struct {
		name string
		body string
		err  error
	}{}
	add := func(name, s string, e interface {
		String(string) (string, error)
	}) {
		out, err := e.String(s)
		encs = append(encs, struct {
			name string
			body string
			err  error
		}{name, out, err})
	}
	add("UTF-32 LE with BOM", doc, utf32.UTF32(utf32.LittleEndian, utf32.UseBOM).NewEncoder())
	add("UTF-32 LE without BOM", doc, utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM).NewEncoder())
	add("UTF-32 BE with BOM", doc, utf32.UTF32(utf32.BigEndian, utf32.UseBOM).NewEncoder())
	add("UTF-32 BE without BOM, declared", withDecl, utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM).NewEncoder())
	add("UTF-16 LE without BOM", doc, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder())
	add("UTF-16 BE with BOM", doc, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder())
	add("UTF-16 BE without BOM", "\n"+doc, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder())
	for _, e := range encs {
		t.Run(e.name, func(t *testing.T) {
			if e.err != nil {
				t.Fatal(e.err)
			}
			got, err := parseAt([]byte(e.body), "", "https://t.example/", fetchTime)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Items) != 1 || got.Items[0].Title != ru || got.Items[0].Text != "Текст" {
				t.Errorf("items = %+v, want one titled %q", got.Items, ru)
			}
		})
	}
}

// FuzzCharset checks the charset decoding and control mapping: it never
// panics, its output is valid UTF-8 without controls other than tab and line
// breaks, and valid UTF-8 without C1 or other controls comes out unchanged.
func FuzzCharset(f *testing.F) {
	f.Add([]byte("Обстрел в Славянске \xff"), "")
	f.Add([]byte("Kerry\x92s"), "text/xml; charset=utf-8")
	f.Add([]byte("Kerry\u0092s"), "")
	f.Add([]byte("\xff\xfe\x00\x00<\x00\x00\x00"), "")
	f.Add([]byte(`<?xml version="1.0" encoding="koi8-r"?><a>`+"\xf3\xcc\xc1"), "")
	f.Add([]byte("\xc1\xca\xcb\xcc"), "text/html; charset=iso-8859-1")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out := stripControl(toUTF8(body, contentType))
		if !utf8.Valid(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", body, out)
		}
		for _, r := range string(out) {
			if isControl(r) {
				t.Fatalf("control %U left in %q", r, out)
			}
		}
		if unicodeEncoding(body) != nil || !utf8.Valid(body) || controlIndex(body) >= 0 ||
			xmlDeclEncoding.Match(body) || len(body) > 2 && body[0] == 0xEF && body[1] == 0xBB {
			return
		}
		if string(out) != string(body) {
			t.Fatalf("valid UTF-8 %q changed to %q", body, out)
		}
	})
}
