package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// alertMessage renders one alert: a mention embed or a feed failure warning.
// Its nonce and marker are set by forPost when it is posted.
func alertMessage(a newswatch.Alert) *outMessage {
	m := &outMessage{AllowedMentions: noMentions(a.Route.RoleID)}
	if a.Route.RoleID != "" {
		m.Content = "<@&" + a.Route.RoleID + ">"
	}
	if a.Kind == newswatch.AlertFeedFailing {
		m.Embeds = []*discordgo.MessageEmbed{feedFailingEmbed(a.Feed)}
		return m
	}
	if a.Held != nil {
		return heldMessage(a)
	}
	m.Embeds = []*discordgo.MessageEmbed{mentionEmbed(a)}
	return m
}

// maskedLink matches a link written by link: [label](<url>).
var maskedLink = regexp.MustCompile(`\[((?:\\.|[^\]\\])*)\]\(<([^>]*)>\)`)

// plainMessage is m with each embed reduced to a title, a description and
// its marker: no embed link, time or fields, and no masked links (a
// summary's), the links written out as text instead. It is what is sent
// when Discord refuses m for good (400/413).
func plainMessage(m *outMessage) *outMessage {
	out := *m
	out.Embeds = nil
	for _, full := range m.Embeds {
		desc := maskedLink.ReplaceAllStringFunc(full.Description, func(s string) string {
			sub := maskedLink.FindStringSubmatch(s)
			return sub[1] + ": " + plain(sub[2])
		})
		e := &discordgo.MessageEmbed{Title: full.Title, Description: desc, Color: full.Color, Footer: full.Footer}
		if full.URL != "" {
			e.Description = cut(e.Description, maxDesc-600) + "\n" + cut(plain(full.URL), 500)
		}
		out.Embeds = append(out.Embeds, fitEmbed(e))
	}
	return &out
}

// markerPrefix starts the marker that forPost writes into the footer of a
// message's first embed: "newswatch #" and the AlertMessage row id.
//
// Reconciliation (reconcile.go) looks for it in the channel's messages to
// tell whether a post whose answer was lost reached Discord. The nonce
// cannot serve: Discord echoes it in the create response but does not
// reliably return it in GET /channels/{id}/messages, and enforce_nonce only
// deduplicates for a few minutes. Message lists do return embeds with their
// footers, which readers barely notice, so the marker goes there.
const markerPrefix = "newswatch #"

// forPost returns m ready to post as AlertMessage id: with the row's stable
// nonce (enforced, so that a quick retry is deduplicated by Discord too) and
// the marker in the first embed's footer. The same m and id always give the
// same body.
func forPost(m *outMessage, id int64) *outMessage {
	out := *m
	out.Nonce, out.EnforceNonce = newswatch.MessageNonce(id), true
	if len(m.Embeds) == 0 {
		out.Embeds = []*discordgo.MessageEmbed{{Description: "\u200b"}}
	} else {
		out.Embeds = append([]*discordgo.MessageEmbed(nil), m.Embeds...)
	}
	e := *out.Embeds[0]
	mark := markerPrefix + strconv.FormatInt(id, 10)
	if e.Footer != nil && e.Footer.Text != "" {
		mark = cut(e.Footer.Text, maxFooter-len(mark)-3) + " · " + mark
	}
	footer := discordgo.MessageEmbedFooter{Text: mark}
	if e.Footer != nil {
		footer.IconURL = e.Footer.IconURL
	}
	e.Footer = &footer
	out.Embeds[0] = fitEmbed(&e)
	return &out
}

// markerOf returns the AlertMessage row id whose marker msg carries.
func markerOf(msg *discordgo.Message) (int64, bool) {
	if len(msg.Embeds) == 0 || msg.Embeds[0].Footer == nil {
		return 0, false
	}
	text := msg.Embeds[0].Footer.Text
	i := strings.LastIndex(text, markerPrefix)
	if i < 0 || (i > 0 && !strings.HasSuffix(text[:i], " · ")) {
		return 0, false
	}
	id, err := strconv.ParseInt(text[i+len(markerPrefix):], 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

func feedFailingEmbed(f newswatch.Feed) *discordgo.MessageEmbed {
	name := f.Title
	if name == "" {
		name = f.URL
	}
	desc := "The feed " + link(plain(f.URL), f.URL) + " keeps failing."
	if f.LastError != "" {
		desc += "\nLast error: " + plain(f.LastError)
	}
	e := &discordgo.MessageEmbed{
		Title:       "⚠️ Feed failing: " + plain(name),
		Description: desc,
		Color:       colorFailing,
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Failures in a row", Value: fmt.Sprint(f.ConsecutiveFailures), Inline: true},
		},
	}
	if !f.LastSuccessAt.IsZero() {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Last success", Value: discordTime(f.LastSuccessAt), Inline: true})
	}
	return fitEmbed(e)
}

func mentionEmbed(a newswatch.Alert) *discordgo.MessageEmbed {
	it := a.Item
	title := plain(it.Title)
	if title == "" {
		title = "(untitled item)"
	}
	e := &discordgo.MessageEmbed{
		Title:       title,
		URL:         it.Link,
		Description: highlight(newswatch.AlertSnippet(it, a.Mentions, 600)),
		Color:       kindColor(a.Mentions),
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Mentions", Value: entities(a.Mentions), Inline: true},
			{Name: "Source", Value: plain(feedName(it)), Inline: true},
		},
	}
	if t := it.Time(); !t.IsZero() {
		e.Timestamp = t.UTC().Format(time.RFC3339)
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Published", Value: discordTime(t), Inline: true})
	}
	if a.StoryID > 0 {
		// Where /story finds every source of the story.
		e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Story %d: /story %d lists its sources", a.StoryID, a.StoryID)}
	}
	return fitEmbed(e)
}

func feedName(it newswatch.Item) string {
	if it.FeedTitle != "" {
		return it.FeedTitle
	}
	return "feed #" + fmt.Sprint(it.FeedID)
}

// entities lists the distinct entities of mentions with their kinds.
func entities(ms []newswatch.Mention) string {
	seen := map[string]bool{}
	var parts []string
	for _, m := range ms {
		if seen[strings.ToLower(m.Entity)] {
			continue
		}
		seen[strings.ToLower(m.Entity)] = true
		parts = append(parts, plain(m.Entity)+" ("+string(m.Kind)+")")
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func kindColor(ms []newswatch.Mention) int {
	city, actor := false, false
	for _, m := range ms {
		city = city || m.Kind == newswatch.KindCity
		actor = actor || m.Kind == newswatch.KindActor
	}
	switch {
	case city && actor:
		return colorBoth
	case actor:
		return colorActor
	}
	return colorCity
}

// discordTime renders t as a Discord timestamp, shown in each reader's zone.
func discordTime(t time.Time) string {
	return fmt.Sprintf("<t:%d:f>", t.Unix())
}

// summaryLine is one alert in a summary.
func summaryLine(a newswatch.Alert) string {
	if a.Kind == newswatch.AlertFeedFailing {
		return cut("• ⚠️ Feed failing: "+plain(a.Feed.URL)+" — "+plain(a.Feed.LastError), 400)
	}
	if a.Held != nil {
		return heldLine(a)
	}
	title := plain(a.Item.Title)
	if title == "" {
		title = "(untitled item)"
	}
	return "• " + link(cut(title, 200), a.Item.Link) + " — " + cut(entities(a.Mentions), 150)
}

// summaryChunks splits alerts so each chunk's lines fit one embed description.
func summaryChunks(alerts []newswatch.Alert) [][]newswatch.Alert {
	var out [][]newswatch.Alert
	var cur []newswatch.Alert
	size := 0
	for _, a := range alerts {
		n := len([]rune(summaryLine(a))) + 1
		if len(cur) > 0 && (size+n > maxDesc-100 || len(cur) >= 50) {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, a)
		size += n
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func summaryMessage(r newswatch.Route, chunk []newswatch.Alert, total int) *outMessage {
	lines := make([]string, len(chunk))
	for i, a := range chunk {
		lines[i] = summaryLine(a)
	}
	title := fmt.Sprintf("%d new alerts", len(chunk))
	if total > len(chunk) {
		title = fmt.Sprintf("%d new alerts (of %d pending)", len(chunk), total)
	}
	e := &discordgo.MessageEmbed{
		Title:       title,
		Description: strings.Join(lines, "\n"),
		Color:       colorInfo,
		Footer:      &discordgo.MessageEmbedFooter{Text: "Many alerts arrived at once, so they are summarised."},
	}
	m := &outMessage{Embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, AllowedMentions: noMentions(r.RoleID)}
	if r.RoleID != "" {
		m.Content = "<@&" + r.RoleID + ">"
	}
	return m
}
