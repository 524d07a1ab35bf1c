package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// heldMessage renders a cap summary (issue 13): the alerts a route's cap
// held back for one watch in one hour, as one message listing them.
func heldMessage(a newswatch.Alert) *outMessage {
	h := a.Held
	lines := make([]string, 0, len(h.Items)+1)
	for _, it := range h.Items {
		title := plain(it.Title)
		if title == "" {
			title = "(untitled item)"
		}
		lines = append(lines, "• "+link(cut(title, 200), it.Link)+" — "+plain(feedName(it)))
	}
	if more := h.Count - len(h.Items); more > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more", more))
	}
	e := &discordgo.MessageEmbed{
		Title: fmt.Sprintf("%s: %d more alerts between %s and %s UTC", plain(h.Watch), h.Count,
			h.Hour.UTC().Format("15:04"), h.Hour.UTC().Add(time.Hour).Format("15:04")),
		Description: strings.Join(lines, "\n"),
		Color:       colorInfo,
		Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf(
			"This channel takes at most %d alerts per watch per hour; the rest are summarised.", a.Route.CapPerHour)},
	}
	m := &outMessage{Embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, AllowedMentions: noMentions(a.Route.RoleID)}
	if a.Route.RoleID != "" {
		m.Content = "<@&" + a.Route.RoleID + ">"
	}
	return m
}

// heldLine is a cap summary as one line of a summary of many alerts.
func heldLine(a newswatch.Alert) string {
	return cut(fmt.Sprintf("• %s: %d more alerts over the hourly cap", plain(a.Held.Watch), a.Held.Count), 400)
}
