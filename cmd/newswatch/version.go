package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/watch"
)

// version, when set at link time (-ldflags "-X main.version=1.2.3"),
// overrides the version read from the build information.
var version string

func init() {
	commands["version"] = command{summary: "print the version (module version, VCS revision) and exit", run: runVersion}
}

// programVersion is version when set, else the main module's version from
// the build information with the VCS revision (and "+dirty" when the tree
// had uncommitted changes), else newswatch.Version.
func programVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return newswatch.Version
	}
	return versionFrom(bi, newswatch.Version)
}

// versionFrom builds the version string from build information.
func versionFrom(bi *debug.BuildInfo, fallback string) string {
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = fallback
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " (" + rev
		if modified == "true" {
			v += "+dirty"
		}
		v += ")"
	}
	return v
}

func runVersion(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("version", "version [--json]", 0, 0)
	if err := fs.parse(args); err != nil {
		return err
	}
	v := programVersion()
	if fs.json {
		return writeJSON(c.stdout, map[string]string{"version": v, "go": runtime.Version(), "attribution": watch.Attribution})
	}
	fmt.Fprintf(c.stdout, "newswatch %s %s\n%s\n", v, runtime.Version(), watch.Attribution)
	return nil
}
