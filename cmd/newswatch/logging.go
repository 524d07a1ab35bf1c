package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// parseLevel reads a log level name: debug, info, warn (or warning), error.
func parseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("unknown level %q (use debug, info, warn or error)", s)
}

// newLogger builds the logger of the [log] table; level, when not empty
// (the --log-level flag), overrides the table's level. Nothing logs the
// Discord token: it lives in Config.Token only, which no log line names.
func newLogger(w io.Writer, cfg LogConfig, level string) *slog.Logger {
	if level == "" {
		level = cfg.Level
	}
	lv, err := parseLevel(level)
	if err != nil {
		lv = slog.LevelInfo // Validate and globalFlags have refused it already
	}
	opts := &slog.HandlerOptions{Level: lv}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
