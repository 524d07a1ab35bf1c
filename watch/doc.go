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
// Russian and Ukrainian names are declined. Each Cyrillic word of a name
// (written in the nominative) is compiled into the case forms of its
// declension class, chosen by its ending, and a text word matches when its
// whole folded form is one of them (see cyrillic.go for the endings):
//
//   - closed by a consonant (Донецк, Київ, Янукович): а у ом е і ові ю, and
//     ем еві after ж ч ш щ ц (Януковичем); an actor's surname in -ов -ев
//     -ин -ын -ів -їв also ым им ой ою ої ы и (Лавровым, Аваковим);
//   - in -ь (Маріуполь, Кремль), in -й after a vowel (Сергей, Сергій), in -а
//     (Женева, Дружківка), in -я, in -о/-е (Енакиево, Єнакієве, declined as
//     an adjective in Ukrainian; Russian neuters in -ье as Запорожье →
//     Запорожья, Запорожьем), adjectival names in -ий/-ый/-ой or
//     -ая/-яя (Кривий Ріг, Зеленский), plurals in -ы or -ці (Чернівці);
//   - Ukrainian neuters in -я after a doubled consonant or an apostrophe
//     also take -ям (Запоріжжям, Придністров'ям); a feminine word in -а
//     inside a name of several words also -ої and -ій, the Ukrainian
//     adjective's (Південної Осетії, у Білій Церкві); a noun in -ь after
//     л н т д с з ц also the doubled instrumental (Азовсталлю);
//   - the Ukrainian vowel alternation of a closed final syllable: і in the
//     nominative is о or е, ї is є, in the other cases (Харків → Харкова,
//     Київ → Києві, Ріг → Рогу);
//   - the Ukrainian consonant alternation in the dative and locative in
//     -і: к → ц, г → з, х → с (Дружківка → у Дружківці, Рига → у Ризі, Ріг
//     → у Розі, Кременчук → у Кременчуці), as Український правопис (2019)
//     § 12 sets it out: in the dative and locative singular of first
//     declension feminine nouns (дуга — дузі, квітка — квітці, сваха —
//     свасі) and the locative singular of second declension masculine and
//     neuter nouns (байрак — у байраці, кожух — у кожусі, вухо — у вусі);
//     also Pugh and Press, Ukrainian: A Comprehensive Grammar, 1.1.9. Some
//     masculine names take -у instead (у Краматорську), which is compiled
//     too; Russian does not alternate (в Дружковке, в Риге);
//   - a one-word name shorter than four letters is not declined (Рим); a
//     word of a longer name is from three letters on (Ріг).
//
// Russian and Ukrainian write proper names with a capital, so a Cyrillic
// name word written with one matches only a text word that starts with a
// capital (Славянск, СЛАВЯНСК, not славянск); a name word written in lower
// case matches either way.
//
// So Славянске, Краматорська, Донецьку, Маріуполі, Києві, Кремля, Лавровым
// and Аваковим match Славянск, Краматорськ, Донецьк, Маріуполь, Київ,
// Кремль, Лавров and Аваков, while Лавровский, Лавра and Киевщина do not.
// Latin-script names get no case forms ("Donetskiy" is not Donetsk).
//
// # Adjectives
//
// An adjective derived from a city never counts as the city, for every city
// and in both languages: Донецкий, Донецкой (области), донецький,
// Донецької, Славянский, славянского, женевские, женевских, київським,
// киевский and краматорском (стадионе) are not mentions. The matcher applies
// the rule through the case forms: no declension class of a noun has the
// adjectival endings -ий -ой -ого -ому -ої -ій -ським ..., nor the suffix
// -ськ-/-ск- that makes an adjective from a name not closed by it (Женева →
// женевский), and lower-case words never match a capitalised name. What
// the matcher cannot tell apart is a capitalised adjective spelt exactly as
// a case form of the city — Славянском (районе) is also the instrumental
// "за Славянском", Донецька (область) is also the genitive "з Донецька" —
// and those count as the city, as every such form of every city does.
// English has no such forms: "Donetsk region" mentions Donetsk.
//
// # Added aliases (auto_aliases)
//
// A watch with AutoAliases gets the names Expand returns, each with its
// source, after the names of every watch (an added alias that another
// watch in sight already has is left out; the watch's DropAliases are
// never added):
//
//   - for a city found in the embedded gazetteer (GeoNames, see
//     gazetteer.go and LookupPlaces: by any of its names, in the watch's
//     Country if set, else the most populous place of that name), all its
//     names written wholly in Latin or wholly in Cyrillic letters, less the
//     machine romanisations (lower-case), codes, notes ("Kiev osh"), case
//     forms and adjectives that GeoNames lists (Киевом, Донецкой,
//     Херсонскую);
//   - for a watch of any kind found in the gazetteer's supplement
//     (extra_places.tsv, our own compilation: regions, landmarks and
//     facilities such as Crimea, Donbas, the Kremlin, Ukraine's oblasts),
//     all its names, and the names the supplement adds to a GeoNames place
//     (Одесса); a supplement's name comes before a populated place's of
//     the same name (Krym is Crimea, not the Russian village), and its
//     adjectives are not names (Crimean, крымский);
//   - when a watch has no Cyrillic name and the gazetteer has none, a
//     Russian and a Ukrainian reading of each Latin name (Arsen Avakov →
//     Арсен Аваков; Kerry → Керри, Керрі);
//   - for the Cyrillic names given or from the gazetteer, and their
//     respellings, their Latin spellings under
//     Ukrainian national 2010 (Serhii), BGN/PCGN Ukrainian (Serhiy,
//     Slovyansk) and Russian (Sergey, Kiyev), the press's Russian spelling
//     (Sergei, Kiev) and its variant with ye at a word's start only
//     (Yenakievo, Yevgeni), ISO 9 (Sergej, Kiïv), scholarly (Serhij,
//     Kyjiv), and the press endings -iy/-y/-yy/-i/-ii and -ich/-ych of each word
//     (Dmitriy, Dmitry, Dmitri); abbreviations (ЗАЭС) are not
//     transliterated;
//   - for Cyrillic names given by the admin, the regular Russian ↔
//     Ukrainian respellings (Сергей ↔ Сергій, Керри ↔ Керрі, Виктор ↔
//     Віктор, Краматорск ↔ Краматорськ, Харків → Харков), the common
//     given names that respell irregularly (Дмитрий ↔ Дмитро, Евгений ↔
//     Євген: givennames.go), and for an actor's Russian surname in -ов
//     -ев -ин -ын the Ukrainian press's є after a consonant (Песков →
//     Пєсков, Медведев → Медведєв);
//   - for a one-word Cyrillic name in -поль that may be Ukrainian, given
//     or from the gazetteer, the Ukrainian nominative in -піль with its
//     transliterations (Маріуполь → Маріупіль, Mariupil);
//   - for an actor, unless SurnameOnly is false, the last word of each
//     name that reads as a person's — two to four capitalised words, none
//     with an apostrophe or a word of organisations' names such as
//     Republic, Bank, Party, Ministry (orgWords) — alone (Lavrov, Лавров),
//     which then matches in every case form like any Cyrillic name.
//
// An added name is left out when it has fewer than three letters or when
// its folded form is a common word: the stop-list in stopwords.go holds the
// most frequent words of English, Russian and Ukrainian news (function
// words and the commonest nouns, verbs and adjectives — мир, бор, победа,
// bar, hope, union) and the names of people that GeoNames keeps as former
// names of places (Stalin for Donetsk), and the words of organisations'
// names. A name the admin typed is never left out.
//
// # Typos (fuzzy)
//
// With Fuzzy, a text word also matches a one-word name of the watch, or a
// case form of it, from which it is one edit away (a letter left out,
// added or changed, or two neighbours swapped), when the name has at least
// seven letters and the edit is neither on the first letter nor in a
// Cyrillic case ending (so adjectives do not slip in as typos): Mairupol,
// Slovansk, Крамоторська. See fuzzy.go for how it is found.
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
// Each word is folded and hashed (FNV-1a, 64 bits) in the one pass that
// finds its end. Match reads the common words itself: a word of ASCII
// letters and digits (one of at most 15 bytes eight bytes at a time,
// asking a filter of such first words by its folded bytes before hashing
// it), and a word of the letters U+0400–U+045F of Russian and Ukrainian,
// a two-byte letter at a time through one table look-up. scanWord reads
// the other words made of those letters, and any other word is decoded
// rune by rune. The hash is first asked of a filter of the first words of all
// patterns (two bits of one 64-bit word per key), so that a word that
// starts no name, the common case, costs one load. A word that passes is
// looked up in an open-addressing table of trie edges whose slot holds the
// child node and a summary of it (the watch of the pattern ending there,
// whether it has children), and the words that follow are walked through
// the trie. Candidates are resolved once, in the order of their offsets.
// Word identity rests on the 64-bit hash.
package watch
