package bot

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/chart"
)

// TrendStore counts mentions over time (/trend; *store.DB satisfies it).
type TrendStore interface {
	MentionBuckets(ctx context.Context, guildID string, names []string, bucket time.Duration, since, until time.Time) ([]newswatch.BucketCount, error)
}

// file is an attachment of a message or a reply.
type file struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"` // base64 in JSON (a stored message body)
}

// discordFiles makes discordgo files of fs with fresh readers: a retried
// request reads them again from the start.
func discordFiles(fs []file) []*discordgo.File {
	if len(fs) == 0 {
		return nil
	}
	out := make([]*discordgo.File, len(fs))
	for i, f := range fs {
		out[i] = &discordgo.File{Name: f.Name, ContentType: f.ContentType, Reader: bytes.NewReader(f.Data)}
	}
	return out
}

// The /trend periods and the longest list of names (the chart's palette).
var (
	trendPeriods  = map[string]time.Duration{"7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour, "90d": 90 * 24 * time.Hour}
	trendMaxNames = len(chart.Palette)
)

// trendCommand is the definition of /trend; str makes a string option as
// commands does.
func trendCommand(str func(name, desc string, maxLen int, required, auto bool) *discordgo.ApplicationCommandOption) *discordgo.ApplicationCommand {
	choices := func(names ...string) []*discordgo.ApplicationCommandOptionChoice {
		out := make([]*discordgo.ApplicationCommandOptionChoice, len(names))
		for i, n := range names {
			out[i] = &discordgo.ApplicationCommandOptionChoice{Name: n, Value: n}
		}
		return out
	}
	period := str("period", "the last 7, 30 or 90 days (default 30)", 0, false, false)
	period.Choices = choices("7d", "30d", "90d")
	bucket := str("bucket", "count per hour or per day (default: hour for 7 days, else day)", 0, false, false)
	bucket.Choices = choices("hour", "day")
	return &discordgo.ApplicationCommand{Name: "trend", Description: "A chart of mentions over time",
		Options: []*discordgo.ApplicationCommandOption{
			str("names", `watched names, comma-separated, e.g. "Sloviansk, Kramatorsk"`, maxListLen, true, false),
			period, bucket}}
}

// trend answers /trend with a PNG line chart of the mentions of a few
// watches the guild sees, attached to the reply and shown in its embed.
// The counts are of the items the guild sees, as /mentions counts them.
func (b *Bot) trend(ctx context.Context, v *invocation) (*reply, error) {
	names, err := b.trendNames(ctx, v)
	if err != nil {
		return nil, err
	}
	p := v.str("period")
	if p == "" {
		p = "30d"
	}
	d, ok := trendPeriods[p]
	if !ok {
		return nil, v.errorf(newswatch.EINVALID, "trend.bad_period", plain(p))
	}
	width := 24 * time.Hour
	switch v.str("bucket") {
	case "hour":
		width = time.Hour
	case "day":
	case "":
		if d <= 7*24*time.Hour {
			width = time.Hour
		}
	default:
		return nil, v.errorf(newswatch.EINVALID, "trend.bad_bucket", plain(v.str("bucket")))
	}
	to := time.Now().UTC().Truncate(width).Add(width)
	from := to.Add(-d)
	counts, err := b.deps.Store.MentionBuckets(ctx, v.guildID, names, width, from, to)
	if err != nil {
		return nil, err
	}
	series := chart.Fill(counts, names, width, from, to)
	totals := make([]string, len(series))
	sum := 0
	for i, s := range series {
		n := 0
		for _, pt := range s.Points {
			n += pt.Count
		}
		sum += n
		totals[i] = fmt.Sprintf("**%s**: %d", plain(s.Name), n)
	}
	if sum == 0 {
		return &reply{content: cut(v.t("trend.empty", plain(strings.Join(names, ", ")), p), maxContent)}, nil
	}
	png, err := chart.Trend(series, chart.Options{Bucket: width,
		Title: fmt.Sprintf("%s, %s – %s UTC", strings.Join(names, ", "), from.Format("2 Jan"), to.Add(-time.Second).Format("2 Jan 2006"))})
	if err != nil {
		return nil, fmt.Errorf("bot: trend chart: %w", err)
	}
	name := "trend.png"
	e := &discordgo.MessageEmbed{Title: cut(v.t("trend.title", plain(strings.Join(names, ", ")), p), 256),
		Description: cut(strings.Join(totals, "\n"), 4000), Color: colorInfo,
		Image: &discordgo.MessageEmbedImage{URL: "attachment://" + name}}
	return &reply{embeds: []*discordgo.MessageEmbed{e}, files: []file{{Name: name, ContentType: "image/png", Data: png}}}, nil
}

// trendNames reads the names option into canonical watch names the guild
// sees, in order, without repeats; an unknown name is a clear error.
func (b *Bot) trendNames(ctx context.Context, v *invocation) ([]string, error) {
	ws, err := b.deps.Store.Watches(ctx, v.guildID)
	if err != nil {
		return nil, err
	}
	canon := map[string]string{}
	for _, w := range ws {
		canon[strings.ToLower(w.Name)] = w.Name
	}
	var names, unknown []string
	seen := map[string]bool{}
	for _, n := range strings.Split(v.str("names"), ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		c, ok := canon[strings.ToLower(n)]
		switch {
		case !ok:
			unknown = append(unknown, plain(n))
		case !seen[c]:
			seen[c] = true
			names = append(names, c)
		}
	}
	switch {
	case len(unknown) > 0:
		return nil, v.errorf(newswatch.ENOTFOUND, "trend.unknown", strings.Join(unknown, ", "))
	case len(names) == 0:
		return nil, v.errorf(newswatch.EINVALID, "err.empty_name")
	case len(names) > trendMaxNames:
		return nil, v.errorf(newswatch.EINVALID, "trend.too_many", trendMaxNames)
	}
	return names, nil
}
