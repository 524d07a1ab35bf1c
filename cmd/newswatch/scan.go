package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/watch"
)

func init() {
	commands["scan"] = command{summary: "match text files (or stdin) against a watchlist", run: runScan}
}

// scanJSON is one mention as scan --json prints it.
type scanJSON struct {
	Path   string `json:"path"`
	Entity string `json:"entity"`
	Kind   string `json:"kind"`
	Text   string `json:"text"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
}

// runScan matches files, or stdin, against the [[watch]] tables of a
// watchlist file and prints one line per mention. Files it cannot read are
// reported after the others are scanned.
func runScan(ctx context.Context, c *cli, args []string) error {
	fs := c.newFlagSet("scan", "scan --watchlist FILE [--json] [PATH...]")
	listPath := fs.String("watchlist", "", "watchlist `file` of [[watch]] tables (required)")
	asJSON := fs.Bool("json", false, "print one JSON object per mention and line")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *listPath == "" {
		fmt.Fprintln(c.stderr, "newswatch scan: --watchlist is required")
		fs.Usage()
		return errUsage
	}
	ws, err := watch.LoadWatchlist(*listPath)
	if err != nil {
		return err
	}
	m, err := watch.Compile(ws)
	if err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	out := bufio.NewWriter(c.stdout)
	var errs []error
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		text, err := readScanInput(c, path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := printMentions(out, path, text, m.Match(text), *asJSON); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return errors.Join(errs...)
}

// readScanInput reads a file, or the cli's stdin for "-".
func readScanInput(c *cli, path string) (string, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(c.stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return string(data), nil
}

// printMentions writes the mentions of one text, as JSON lines or as
// path:line:col entity (kind) "text", where col counts characters.
func printMentions(w io.Writer, path, text string, ms []newswatch.Mention, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, x := range ms {
			if err := enc.Encode(scanJSON{Path: path, Entity: x.Entity, Kind: string(x.Kind), Text: x.Text, Start: x.Start, End: x.End}); err != nil {
				return err
			}
		}
		return nil
	}
	line, lineStart, pos := 1, 0, 0 // mentions come sorted by Start
	for _, x := range ms {
		for ; pos < x.Start; pos++ {
			if text[pos] == '\n' {
				line, lineStart = line+1, pos+1
			}
		}
		col := utf8.RuneCountInString(text[lineStart:x.Start]) + 1
		if _, err := fmt.Fprintf(w, "%s:%d:%d %s (%s) %q\n", path, line, col, x.Entity, x.Kind, x.Text); err != nil {
			return err
		}
	}
	return nil
}
