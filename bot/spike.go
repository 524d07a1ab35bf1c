package bot

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// colorSpike marks spike alerts (red-orange).
const colorSpike = 0xE4572E

// SpikePayload renders the alert of spike episode s for route r as the
// stored body of an AlertMessage (see store.RecordSpike): the watch, the
// hour's count against its usual count, how unlikely that is, and the top
// stories behind it, in the language of the route's guild (Route.Locale).
// The deliverer posts it like any alert message, with its nonce and
// marker.
func SpikePayload(r newswatch.Route, s newswatch.SpikeAlert) ([]byte, error) {
	l := routeLang(r)
	desc := l.t("spike.desc", s.Count, plain(s.Entity), discordTime(s.Hour), s.Baseline, s.P)
	e := &discordgo.MessageEmbed{
		Title:       cut(l.t("spike.title", plain(s.Entity)), 256),
		Description: desc,
		Color:       colorSpike,
		Timestamp:   s.Hour.UTC().Format("2006-01-02T15:04:05Z"),
	}
	if v := storyLines(l, s.Stories); v != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: l.t("spike.top_stories"), Value: v})
	}
	m := &outMessage{Embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, AllowedMentions: noMentions(r.RoleID)}
	if r.RoleID != "" {
		m.Content = "<@&" + r.RoleID + ">"
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("bot: spike payload: %w", err)
	}
	return b, nil
}

// storyLines lists stories as linked titles with their source counts, as
// many as fit an embed field, in language l.
func storyLines(l lang, ss []newswatch.Story) string {
	var b strings.Builder
	for _, s := range ss {
		title := s.Title
		if title == "" {
			title = l.t("item.untitled")
		}
		url := ""
		if len(s.Items) > 0 {
			url = s.Items[0].Link
		}
		src := l.t("spike.source", s.SourceCount)
		if s.SourceCount != 1 {
			src = l.t("spike.sources", s.SourceCount)
		}
		line := "• " + link(cut(plain(title), 150), url) + " · " + src
		if len([]rune(line)) > 1000 { // a very long link: the title alone
			line = "• " + cut(plain(title), 150) + " · " + src
		}
		if b.Len() > 0 && len([]rune(b.String()))+len([]rune(line))+1 > 1000 {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	return b.String()
}
