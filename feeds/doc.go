// Package feeds fetches, parses and polls news feeds.
//
// A Fetcher performs one guarded HTTP fetch of a feed: a conditional GET
// with a total deadline, a body limit applied after decompression, at most
// a few redirects and an SSRF guard that checks every address actually
// dialled (every redirect hop, every DNS answer). Parse turns RSS 0.9x/1.0/2.0,
// Atom and JSON Feed documents into plain-text newswatch.Items with stable
// keys. A Poller runs the fetch–parse–match–save cycle over the feeds the
// store says are due, with bounded concurrency overall and per host, and
// schedules each feed's next poll from its item rate and the server's caching
// headers. ReadOPML and WriteOPML import and export subscription lists.
//
// The package imports only the root package; it declares the Store and
// Matcher interfaces it needs and cmd/newswatch passes in *store.DB and the
// live watch matcher.
package feeds
