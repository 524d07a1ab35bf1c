// Package stories decides which stored items are the same story: the same
// article or wire copy carried by several feeds, or by one feed twice.
//
// Two items are one story when
//   - their canonical URLs are equal (newswatch.CanonicalURL), at any age; or
//   - their normalised texts are near-duplicates and their times are at most
//     the window (default 72 h) apart.
//
// Text. An item's text is its title and its body. Both are cut into words
// (maximal runs of letters and digits in any script, lower-cased, ё folded
// to е, apostrophes inside a word dropped, so Слов'янськ and Словʼянськ are
// one word) and the body into sentences. A body sentence at either end of
// the body (the first or last three) that the same feed has carried in at
// least two earlier stories among its last ten is the feed's boilerplate
// ("The post ... appeared first on ...", "Follow us on Telegram") and is
// left out. The words of the title and of the first 600 body words are cut
// into overlapping 5-word shingles, each stream on its own, and each
// shingle is hashed to 32 bits.
//
// The line. With A and B the shingle sets of two items, they are one story
// when
//
//	|A∩B| / min(|A|,|B|) ≥ 0.27  and  |A∩B| ≥ 12.
//
// Containment rather than Jaccard, because on the development set
// (testdata/devset.json) copies of one wire story differ mostly by what was
// cut or added: a lead-only copy, a copy with the outlet's own paragraphs
// inserted, an updated version with a new headline. Their Jaccard is as low
// as 0.09, as low as that of two independent reports of one event that
// quote the same statement (up to 0.12); their containment is at least 0.33,
// the independent reports' at most 0.23. A translation shares no shingles
// and is never joined. A text that shares fewer than 12 shingles with every
// other (a headline alone, a one-line item) joins a story only by URL.
//
// Why not MinHash banding: at J ≈ 0.1 a 128-value MinHash estimate has a
// standard error near 0.03, and LSH bands find such pairs a few times in a
// hundred. So candidates come from an inverted index of a fixed one-in-four
// sample of the shingle hashes (a text shares sampled shingles with every
// text it shares enough shingles with), and each candidate is verified
// exactly by merging the two sorted hash sets.
//
// Ingest. The Assigner is the store's StoryDecider: SaveItems hands it the
// new items of each batch inside its transaction and writes the decisions
// with the items, so no item is stored without its story and no second
// transaction is paid. The lock taken for the decision is released only
// when the transaction has ended (on a rollback the index is dropped and
// rebuilt). Assign remains for the stories command and the tests.
//
// Most of a decision's cost is cutting the text into words and shingles,
// which needs no index: the save hands each new item to PrepareStory on a
// goroutine of its own while it writes the items (store.StoryPreparer),
// and the locked decision only looks the prepared set up and inserts it.
// A feed whose edge sentences turn out to be boilerplate has its set
// shingled again without them, from the prepared words.
//
// Index. The index keeps the shingle sets of the items of the last window
// and forgets older ones; it is rebuilt from the store at start (see
// Assigner.Load), so what survives a restart is the assignment in the store,
// and memory is bounded by the window.
package stories
