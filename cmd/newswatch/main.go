// Command newswatch is the newswatch daemon and its command-line twin: it
// polls feeds and the seed articles, flags mentions of watched cities and
// actors, posts alerts to Discord (or standard output without a token) and
// answers the same questions as the slash commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"syscall"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/feeds"
)

// cli carries what every subcommand reads and writes; tests build their own.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, c *cli, args []string) error
}

// commands lists the subcommands by name; each file registers its own in init.
var commands = map[string]command{}

// errUsage reports a usage error whose message has already been printed.
var errUsage = errors.New("usage")

func main() {
	// The first SIGINT or SIGTERM cancels ctx: every command winds down
	// and exits within seconds. A second one exits at once, whatever the
	// process is doing.
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		<-signals
		fmt.Fprintln(os.Stderr, "newswatch: second signal, exiting now")
		os.Exit(1)
	}()
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(feeds.MemoryLimit)
	}
	c := &cli{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	code := c.main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// main runs one command line and returns the exit code.
func (c *cli) main(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		c.usage(c.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "version" {
		fmt.Fprintln(c.stdout, "newswatch", newswatch.Version)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(c.stderr, "newswatch: unknown command %q\n\n", args[0])
		c.usage(c.stderr)
		return 2
	}
	if err := cmd.run(ctx, c, args[1:]); err != nil {
		switch {
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintf(c.stderr, "newswatch %s: %s\n", args[0], describe(err))
		return 1
	}
	return 0
}

// describe returns the message to print for err: a domain error's message,
// else the full internal error (the CLI user is the operator).
func describe(err error) string {
	if newswatch.ErrorCode(err) != newswatch.EINTERNAL {
		return newswatch.ErrorMessage(err)
	}
	return err.Error()
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: newswatch <command> [flags] [args]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'newswatch <command> --help' for a command's flags.")
}

// newFlagSet returns a flag set for a subcommand that prints its usage to
// the cli's stderr and returns errors instead of exiting.
func (c *cli) newFlagSet(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "Usage: newswatch %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, allowing flags after positional arguments
// ("mentions Kiev --since 7d"); everything after "--" is positional. A parse
// failure becomes errUsage. fs.Args() holds the positional arguments after.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return errUsage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}
