// Command newswatch is the newswatch daemon and its command-line twin: it
// polls feeds and the seed articles, flags mentions of watched cities and
// actors, posts alerts to Discord (or standard output without a token) and
// answers the same questions as the slash commands.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/bot/gateway"
	"github.com/newswatch/newswatch/feeds"
)

// cli carries what every subcommand reads and writes; tests build their own.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string

	// Global flags, accepted before or after the command.
	config   string // --config FILE
	logLevel string // --log-level debug|info|warn|error

	// terminal, when set (by tests), says whether standard error is a
	// terminal instead of looking at it.
	terminal func() bool
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, c *cli, args []string) error
}

// commands lists the subcommands by name; each file registers its own in init.
var commands = map[string]command{}

// exitFatal is the exit status of a failure that restarting cannot fix:
// Discord rejected the token or closed the gateway with 4010–4014, or the
// config file is invalid. The systemd
// unit lists it in RestartPreventExitStatus.
const exitFatal = 3

// errConfig marks an error in the configuration (wrapped by loadConfig).
var errConfig = errors.New("invalid configuration")

// errUsage reports a usage error (exit status 2) whose message has already
// been printed.
var errUsage = errors.New("usage")

// usageError is a usage error still to be printed: a bad flag value or a
// missing argument noticed after parsing. It exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == errUsage }

// usagef returns a usage error with a formatted message.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func main() {
	newswatch.Version = programVersion()
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

// main runs one command line and returns the exit code: 0 on success, 1 on
// a failure, 2 on a usage error (unknown command, bad flag or flag value),
// exitFatal on a failure a restart cannot fix.
func (c *cli) main(ctx context.Context, args []string) int {
	args, err := c.globalFlags(args)
	if err != nil {
		fmt.Fprintf(c.stderr, "newswatch: %s\n", err)
		return 2
	}
	if len(args) == 0 {
		c.usage(c.stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		c.usage(c.stdout)
		return 0
	case "help":
		if len(args) == 1 {
			c.usage(c.stdout)
			return 0
		}
		if _, ok := commands[args[1]]; !ok {
			fmt.Fprintf(c.stderr, "newswatch help: unknown command %q\n", args[1])
			return 2
		}
		// "help CMD [SUB]" prints what "CMD [SUB] --help" prints.
		return c.main(ctx, append(append([]string{}, args[1:]...), "--help"))
	case "-version", "--version":
		args[0] = "version"
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(c.stderr, "newswatch: unknown command %q\n\n", args[0])
		c.usage(c.stderr)
		return 2
	}
	if err := cmd.run(ctx, c, args[1:]); err != nil {
		var ue *usageError
		switch {
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(c.stderr, "newswatch %s: %s\n", args[0], ue.msg)
			return 2
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintf(c.stderr, "newswatch %s: %s\n", args[0], describe(err))
		var closed *gateway.CloseError // 4010–4014: a setting to fix, not a hiccup
		if errors.Is(err, bot.ErrTokenRejected) || errors.Is(err, errConfig) || errors.As(err, &closed) {
			return exitFatal
		}
		return 1
	}
	return 0
}

// globalFlags takes --config and --log-level (as "--flag value" or
// "--flag=value", one or two dashes) out of args wherever they appear before
// a "--", and returns the rest.
func (c *cli) globalFlags(args []string) ([]string, error) {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "config" && name != "log-level") {
			out = append(out, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag needs an argument: %s", a)
			}
			i++
			value = args[i]
		}
		switch name {
		case "config":
			c.config = value
		case "log-level":
			if _, err := parseLevel(value); err != nil {
				return nil, fmt.Errorf("--log-level: %w", err)
			}
			c.logLevel = value
		}
	}
	return out, nil
}

// configPath is the config file to read: --config, else NEWSWATCH_CONFIG,
// else "" (newswatch.toml in the working directory if present, else the
// defaults).
func (c *cli) configPath() string {
	if c.config != "" {
		return c.config
	}
	return c.getenv("NEWSWATCH_CONFIG")
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
	fmt.Fprintln(w, "Usage: newswatch [--config FILE] [--log-level LEVEL] <command> [flags] [args]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nGlobal flags (before or after the command):")
	fmt.Fprintln(w, "  --config FILE      config file (default: $NEWSWATCH_CONFIG, else newswatch.toml if present, else built-in defaults)")
	fmt.Fprintln(w, "  --log-level LEVEL  debug, info, warn or error (overrides [log] level)")
	fmt.Fprintln(w, "\nRun 'newswatch help <command>' for a command's flags.")
	fmt.Fprintln(w, "Exit status: 0 success, 1 failure, 2 usage error.")
}

// flagOutput is where a flag set prints. While parseFlags parses it holds
// what the flag package prints, so that --help goes to standard output and
// a parse error with its usage to standard error; otherwise it writes to
// standard error.
type flagOutput struct {
	stdout, stderr io.Writer
	holding        bool
	buf            bytes.Buffer
}

func (o *flagOutput) Write(p []byte) (int, error) {
	if o.holding {
		return o.buf.Write(p)
	}
	return o.stderr.Write(p)
}

// newFlagSet returns a flag set for a subcommand that prints its usage to
// the cli's stdout for --help and stderr otherwise, and returns errors
// instead of exiting.
func (c *cli) newFlagSet(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(&flagOutput{stdout: c.stdout, stderr: c.stderr})
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: newswatch %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
		fmt.Fprintln(fs.Output(), "  (and the global flags --config FILE, --log-level LEVEL)")
	}
	return fs
}

// parseFlags parses args, allowing flags after positional arguments
// ("mentions Kiev --since 7d"); everything after "--" is positional. A parse
// failure becomes errUsage; --help returns flag.ErrHelp after printing the
// usage to standard output. fs.Args() holds the positional arguments after.
func parseFlags(fs *flag.FlagSet, args []string) (err error) {
	if o, ok := fs.Output().(*flagOutput); ok {
		o.holding = true
		defer func() {
			o.holding = false
			w := o.stderr
			if errors.Is(err, flag.ErrHelp) {
				w = o.stdout
			}
			w.Write(o.buf.Bytes())
			o.buf.Reset()
		}()
	}
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
