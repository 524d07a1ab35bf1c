package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/newswatch/newswatch/store"
)

func init() {
	commands["migrate"] = command{summary: "create the database or bring its schema up to date, then exit", run: runMigrate}
	commands["healthcheck"] = command{summary: "exit 0 when the running daemon answers /healthz (for Docker HEALTHCHECK)", run: runHealthcheck}
}

func runMigrate(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("migrate", "migrate", 0, 0)
	if err := fs.parse(args); err != nil {
		return err
	}
	cfg, _, err := c.loadConfig(fs.config)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.Storage.Path)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: schema version %d\n", cfg.Storage.Path, v)
	return nil
}

func runHealthcheck(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("healthcheck", "healthcheck [--url URL] [--timeout 3s]", 0, 0)
	url := fs.String("url", "", "URL to check (default: /healthz on [http] listen)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *url == "" {
		cfg, _, err := c.loadConfig(fs.config)
		if err != nil {
			return err
		}
		if cfg.HTTP.Listen == "" {
			return fmt.Errorf("http.listen is empty: the daemon serves no /healthz")
		}
		*url = "http://" + dialable(cfg.HTTP.Listen) + "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usagef("--url: %s", err.Error())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", *url, resp.Status)
	}
	return nil
}

// dialable turns a listen address into one to connect to: an unspecified
// host (0.0.0.0, ::, empty) becomes the loopback address.
func dialable(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
