// Package watch compiles a watchlist of cities and actors and finds their
// mentions in news texts.
//
// # Words
//
// A text is read once, left to right, as words: maximal runs of Unicode
// letters, digits and marks. An apostrophe (' ’ ‘ ʼ or `) between two word
// characters belongs to the word, and all five are the same character, so
// Слов'янськ, Слов’янськ and Словʼянськ are one name. Anything else ends a
// word, hyphens included: "Kiev-Moscow talks" mentions Kiev. Soft hyphens
// and zero-width joiners between word characters are skipped. Names match
// whole words only ("Kievan" is not Kiev), case-insensitively unless the
// watch is case-sensitive, in which case every compared letter must have the
// case it has in the name. A word ending in "'s" also matches as the name
// before the possessive ("Kiev’s" mentions Kiev; the mention ends before the
// apostrophe). Letters are compared after lower-casing (ё as е), while
// offsets always index the caller's original bytes.
//
// Between the words of a multi-word name a text may have any run of spaces
// (NBSP, tabs, line breaks and zero-width spaces included) and hyphens, up
// to 1 KB; any other punctuation breaks the name unless the name itself has
// it there ("Atlanta, Georgia" needs the comma, "San Jose. Thomas" is not
// Jose Thomas).
//
// # Cyrillic case forms
//
// Russian and Ukrainian names are declined, so a Cyrillic word (every letter
// Cyrillic) matches a Cyrillic alias word when they share a stem:
//
//   - the stems of an alias word, which is written in the nominative, are
//     the word itself and the word less each nominative ending (а я о е ь й ы
//     и і ї є, ий ый ій ой ая яя ое ее ые ие ия); a word closed by a consonant
//     whose last vowel is і or ї also gets the stem with the Ukrainian vowel
//     alternation undone (Київ → києв, Харків → харков);
//   - the stems of a text word are the word itself and the word less each of
//     the case endings in caseEndings (а, у, е, і, ом, ем, ою, ого, ому, ові,
//     ами, ...);
//   - no stem is shorter than minStem (4) runes.
//
// So Славянске, Краматорська, Донецьку, Маріуполі, Києві, Кремля, Лавровым
// and Аваковим match Славянск, Краматорськ, Донецьк, Маріуполь, Київ,
// Кремль, Лавров and Аваков, while Лавровский does not match Лавров. A
// Snowball stemmer is not used: it would cut Лавров to лавр. Latin-script
// names get no such treatment ("Donetskiy" is not Donetsk).
//
// # Overlaps and exclusions
//
// Of overlapping matches of one watch the longest counts, once ("Sergei
// Lavrov" is one mention). Different watches may match the same or
// overlapping text. A match that lies inside an occurrence of one of its
// watch's exclusion phrases does not count.
//
// # Implementation
//
// Each word is folded and hashed (FNV-1a, 64 bits) while it is scanned, with
// an ASCII fast path. The hash is looked up in an open-addressing table (with
// a bit filter in front) keyed by the hashes of the patterns' first words;
// a hit is verified word by word against the words that follow. Word
// identity rests on the 64-bit hash.
package watch
