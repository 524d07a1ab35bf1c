package feeds

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// xmlDeclEncoding finds the encoding pseudo-attribute of an XML declaration.
var xmlDeclEncoding = regexp.MustCompile(`^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])([^"']*)(["'])`)

// toUTF8 returns body as UTF-8 text, whatever it was declared as.
//
// Declarations lie in both directions, so validity decides first: a body
// that is valid UTF-8 is read as UTF-8 even when it claims windows-1251 (a
// real windows-1251 Cyrillic text is practically never valid UTF-8). A body
// that is not valid UTF-8 is decoded with the first non-UTF-8 charset named
// by the XML declaration or the Content-Type, and when neither names one (or
// the name is unknown) with windows-1251 if its high bytes come in runs (as
// Cyrillic words do) and windows-1252 otherwise. UTF-16 is recognised by its
// byte-order mark or the shape of its first characters. The XML declaration
// of the result says UTF-8 so the parser does not decode it a second time.
func toUTF8(body []byte, contentType string) []byte {
	if enc := utf16Encoding(body); enc != nil {
		if out, err := enc.NewDecoder().Bytes(body); err == nil {
			body = out
		}
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(body) {
		body = decodeLegacy(body, declaredCharsets(body, contentType))
	}
	return relabelUTF8(body)
}

func utf16Encoding(b []byte) encoding.Encoding {
	// UseBOM: a byte-order mark, when present, decides; without one the
	// shape of the first characters does (ExpectBOM would refuse those).
	switch {
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), bytes.HasPrefix(b, []byte{0, '<', 0}):
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{'<', 0, '?', 0}), bytes.HasPrefix(b, []byte{'<', 0, 'r', 0}):
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	}
	return nil
}

// declaredCharsets returns the charsets named by the XML declaration and
// the Content-Type, in that order, lower-cased.
func declaredCharsets(body []byte, contentType string) []string {
	var out []string
	head := body
	if len(head) > 512 {
		head = head[:512]
	}
	if m := xmlDeclEncoding.FindSubmatch(head); m != nil {
		out = append(out, strings.ToLower(strings.TrimSpace(string(m[3]))))
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		out = append(out, strings.ToLower(strings.TrimSpace(params["charset"])))
	}
	return out
}

func decodeLegacy(body []byte, labels []string) []byte {
	var enc encoding.Encoding
	for _, l := range labels {
		if l == "utf-8" || l == "utf8" {
			continue
		}
		if e, _ := charset.Lookup(l); e != nil {
			enc = e
			break
		}
	}
	if enc == nil {
		enc = guessLegacy(body)
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return []byte(strings.ToValidUTF8(string(body), "\uFFFD"))
	}
	if !utf8.Valid(out) {
		return []byte(strings.ToValidUTF8(string(out), "\uFFFD"))
	}
	return out
}

// guessLegacy picks windows-1251 when most high bytes follow another high
// byte (Cyrillic words) and windows-1252 when they stand alone among ASCII
// letters (accents in Latin-script text).
func guessLegacy(b []byte) encoding.Encoding {
	runs, single := 0, 0
	for i, c := range b {
		if c < 0x80 {
			continue
		}
		if (i > 0 && b[i-1] >= 0x80) || (i+1 < len(b) && b[i+1] >= 0x80) {
			runs++
		} else {
			single++
		}
	}
	if runs > single {
		return charmap.Windows1251
	}
	return charmap.Windows1252
}

// relabelUTF8 rewrites the XML declaration's encoding to UTF-8.
func relabelUTF8(body []byte) []byte {
	head := body
	if len(head) > 512 {
		head = head[:512]
	}
	loc := xmlDeclEncoding.FindSubmatchIndex(head)
	if loc == nil {
		return body
	}
	if strings.EqualFold(string(body[loc[6]:loc[7]]), "utf-8") {
		return body
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:loc[6]]...)
	out = append(out, "utf-8"...)
	out = append(out, body[loc[7]:]...)
	return out
}

// stripControl removes the C0 controls other than tab, newline and carriage
// return, DEL, the C1 controls and the non-characters U+FFFE and U+FFFF
// from UTF-8 text. Text without any is returned as is.
func stripControl(b []byte) []byte {
	i := controlIndex(b)
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:i]...)
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		if !isControl(r) {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

func controlIndex(b []byte) int {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7F:
			return i
		case c == 0xC2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9F:
			return i
		case c == 0xEF && i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF):
			return i
		}
	}
	return -1
}

func isControl(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\r'
	case r >= 0x7F && r <= 0x9F:
		return true
	case r == 0xFFFE || r == 0xFFFF:
		return true
	}
	return false
}
