// Package newswatch holds the domain of the newswatch news-monitoring bot:
// feeds, items, watches, mentions, alert routes and alerts, the rules on them
// (validation, the item dedup key) and the error type whose message is safe to
// show a Discord user.
//
// The package does no I/O. Adapters live beside it: watch (matching), feeds
// (fetching and parsing), store (SQLite), bot (Discord) and cmd/newswatch (the
// program that wires them together).
package newswatch

// Version is the program version, reported in the User-Agent and by --version.
var Version = "0.1.0"

// GlobalScope is the GuildID of global records: the config-declared feeds and
// watches, the seeds and everything the CLI manages. Discord guilds can read
// them but never change them.
const GlobalScope = ""

// SeedsFeedURL is the URL of the built-in feed that holds the seed articles.
const SeedsFeedURL = "seeds:"
