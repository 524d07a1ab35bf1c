package feeds

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// xmlDeclEncoding finds the encoding pseudo-attribute of an XML declaration.
var xmlDeclEncoding = regexp.MustCompile(`^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])([^"']*)(["'])`)

// mostlyUTF8 is the share of non-ASCII sequences that, valid, make a body
// with invalid bytes UTF-8 with those bytes repaired (see looksUTF8).
// Cyrillic windows-1251 letters are 0xC0–0xFF, which start multi-byte
// sequences but are followed by more letters, never by continuation bytes.
const mostlyUTF8 = 0.9

// toUTF8 is decodeText without the note.
func toUTF8(body []byte, contentType string) []byte {
	out, _ := decodeText(body, contentType)
	return out
}

// decodeText returns body as UTF-8 text, whatever it was declared as, and a
// note in plain words when it had to repair or guess (else "").
//
// Declarations lie in both directions, so the content decides first:
//   - UTF-32 and UTF-16 are recognised by a byte-order mark or the shape of
//     the first characters; a UTF-8 byte-order mark makes the body UTF-8,
//     its invalid bytes repaired.
//   - A body that is valid UTF-8 is read as UTF-8 even when it claims
//     another charset (real legacy text is practically never valid UTF-8).
//   - A body that is mostly valid UTF-8 (see looksUTF8) is UTF-8 with a few
//     bad bytes: those bytes alone are repaired (see repairUTF8).
//   - Otherwise it is legacy text. A declared multi-byte charset (Shift_JIS,
//     GBK, ...) is trusted. A declared single-byte one is trusted unless the
//     text reads far better in another one (iso-8859-1 declared by a server
//     default on a windows-1251 site is common). With no usable declaration
//     the best-reading candidate wins (see guessLegacy).
//
// C1 controls are mapped to their windows-1252 characters afterwards, by
// stripControl. The XML declaration of the result says UTF-8 so the parser
// does not decode it a second time.
func decodeText(body []byte, contentType string) (out []byte, note string) {
	if enc := unicodeEncoding(body); enc != nil {
		if dec, err := enc.NewDecoder().Bytes(body); err == nil {
			body = dec
		}
	}
	bom := bytes.HasPrefix(body, []byte("\xef\xbb\xbf"))
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	switch {
	case utf8.Valid(body):
	case bom:
		// A UTF-8 byte-order mark outweighs any declaration.
		var n int
		body, n = repairUTF8(body)
		note = fmt.Sprintf("repaired %d invalid UTF-8 byte(s)", n)
	default:
		body, note = decodeInvalid(body, declaredCharsets(body, contentType))
	}
	return relabelUTF8(body), note
}

func decodeInvalid(body []byte, labels []string) ([]byte, string) {
	declared, label, canonical := declaredLegacy(labels)
	c, single := candidate(canonical)
	// Multi-byte legacy text (EUC-JP, EUC-KR, GBK...) forms valid UTF-8
	// by accident far more often than single-byte text: declared, it
	// yields only to a body that is all but entirely UTF-8.
	if (declared == nil || single) && looksUTF8(body) || mostlyValidUTF8(body) {
		out, n := repairUTF8(body)
		return out, fmt.Sprintf("repaired %d invalid UTF-8 byte(s)", n)
	}
	best, bestScore := guessLegacy(body)
	if declared == nil {
		return decodeWith(best.enc, body), "no usable charset declared; the text reads as " + best.name
	}
	if single && best.name != c.name {
		// Scores are per high byte (about -3 to +3): a gap of 1.5 means
		// the declared charset turns most letters into symbols or
		// impossible case patterns while the other reads as words.
		if bestScore-c.score(body) >= 1.5 {
			return decodeWith(best.enc, body), "declared " + label + " does not fit the text; read as " + best.name
		}
	}
	return decodeWith(declared, body), ""
}

// looksUTF8 says whether a body with invalid UTF-8 is still UTF-8 with a
// few bad bytes. Single-byte legacy text forms valid UTF-8 sequences only
// by accident (Ukrainian "Ві" in windows-1251 is C2 B3), rarely and almost
// never three-byte ones; undeclared multi-byte legacy text (EUC-JP, TIS-620)
// does so for up to about a quarter of its sequences. So any of these is
// UTF-8:
//   - at least mostlyUTF8 of the non-ASCII sequences are valid;
//   - four or more valid sequences making half of them (a windows-1251
//     item inside a UTF-8 feed: repairUTF8 decodes its runs);
//   - a valid three- or four-byte sequence and no more invalid bytes than
//     valid sequences ("Kerry\x92s — talks").
func looksUTF8(b []byte) bool {
	valid, long, invalid := utf8Shape(b)
	switch {
	case float64(valid) >= mostlyUTF8*float64(valid+invalid):
		return true
	case valid >= 4 && valid >= invalid:
		return true
	}
	return long > 0 && valid >= invalid
}

// mostlyValidUTF8 says whether at least mostlyUTF8 of b's non-ASCII
// sequences are valid UTF-8.
func mostlyValidUTF8(b []byte) bool {
	valid, _, invalid := utf8Shape(b)
	return float64(valid) >= mostlyUTF8*float64(valid+invalid)
}

// unicodeEncoding recognises UTF-32 and UTF-16 by a byte-order mark or the
// shape of the first character (an XML document starts with "<" or space).
func unicodeEncoding(b []byte) encoding.Encoding {
	if len(b) < 4 {
		return nil
	}
	// UseBOM: a byte-order mark, when present, decides; without one the
	// shape does (ExpectBOM would refuse those). UTF-32 LE's mark starts
	// with UTF-16 LE's, so UTF-32 goes first.
	switch {
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}), b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] != 0:
		return utf32.UTF32(utf32.BigEndian, utf32.UseBOM)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}), b[0] != 0 && b[1] == 0 && b[2] == 0 && b[3] == 0:
		return utf32.UTF32(utf32.LittleEndian, utf32.UseBOM)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	}
	return nil
}

// utf8Shape counts the valid multi-byte UTF-8 sequences, those of them
// three or four bytes long, and the bytes that belong to none.
func utf8Shape(b []byte) (valid, long, invalid int) {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			invalid++
		} else {
			valid++
			if n > 2 {
				long++
			}
		}
		i += n
	}
	return valid, long, invalid
}

// repairUTF8 keeps the valid UTF-8 of b and replaces each invalid byte:
// when the invalid bytes come in runs that read as Cyrillic (a windows-1251
// item pasted into a UTF-8 feed) the runs are decoded as that charset;
// otherwise each byte is read as windows-1252 (a stray curly quote or
// accented letter), or U+FFFD where windows-1252 has no character. It
// returns the repaired text and how many bytes it replaced.
func repairUTF8(b []byte) ([]byte, int) {
	var runs [][]byte
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			j := i
			for j < len(b) {
				if r, n := utf8.DecodeRune(b[j:]); r != utf8.RuneError || n != 1 {
					break
				}
				j++
			}
			runs = append(runs, b[i:j])
			i = j
			continue
		}
		i += n
	}
	enc := charmap.Windows1252
	if sample := bytes.Join(runs, []byte(" ")); len(sample)-len(runs)+1 >= 4 {
		if best, score := guessLegacy(sample); best.cyrillic && score > 0 {
			enc = best.enc
		}
	}
	out := make([]byte, 0, len(b)+len(b)/8)
	count := 0
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n != 1 {
			out = append(out, b[i:i+n]...)
			i += n
			continue
		}
		count++
		if c := enc.DecodeByte(b[i]); c != utf8.RuneError && (c < 0x80 || c > 0x9F) {
			out = utf8.AppendRune(out, c)
		} else {
			out = append(out, "\uFFFD"...)
		}
		i++
	}
	return out, count
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

// declaredLegacy returns the first declared charset other than UTF-8 that
// is known, the label that named it and its canonical (WHATWG) name, in
// which iso-8859-1 and us-ascii are windows-1252; or nil.
func declaredLegacy(labels []string) (encoding.Encoding, string, string) {
	for _, l := range labels {
		if l == "utf-8" || l == "utf8" {
			continue
		}
		if e, name := charset.Lookup(l); e != nil && name != "replacement" && name != "utf-8" {
			return e, l, name
		}
	}
	return nil, "", ""
}

func decodeWith(enc encoding.Encoding, body []byte) []byte {
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return []byte(strings.ToValidUTF8(string(body), "\uFFFD"))
	}
	if !utf8.Valid(out) {
		return []byte(strings.ToValidUTF8(string(out), "\uFFFD"))
	}
	return out
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

// stripControl maps the C1 controls U+0080–U+009F to the windows-1252
// characters they stand for (a feed that says "Kerry\u0092s" means
// "Kerry’s") and removes the C0 controls other than tab, newline and
// carriage return, DEL, the C1 positions windows-1252 leaves undefined and
// the non-characters U+FFFE and U+FFFF, from UTF-8 text. Text without any
// is returned as is.
func stripControl(b []byte) []byte {
	i := controlIndex(b)
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:i]...)
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		if c := c1Char(r); c != 0 {
			out = utf8.AppendRune(out, c)
		} else if !isControl(r) {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

// c1Char returns the windows-1252 character of a C1 control, or 0.
func c1Char(r rune) rune {
	if r < 0x80 || r > 0x9F {
		return 0
	}
	c := charmap.Windows1252.DecodeByte(byte(r))
	if c == r || c == utf8.RuneError {
		return 0
	}
	return c
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
