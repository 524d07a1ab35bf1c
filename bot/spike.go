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
// stories behind it. The deliverer posts it like any alert message, with
// its nonce and marker.
func SpikePayload(r newswatch.Route, s newswatch.SpikeAlert) ([]byte, error) {
	desc := fmt.Sprintf("**%d** stories mentioned **%s** in the hour from %s, against a usual **%.1f** for that hour (Poisson p = %.1e).",
		s.Count, plain(s.Entity), discordTime(s.Hour), s.Baseline, s.P)
	e := &discordgo.MessageEmbed{
		Title:       cut("📈 Spike: "+plain(s.Entity), 256),
		Description: desc,
		Color:       colorSpike,
		Timestamp:   s.Hour.UTC().Format("2006-01-02T15:04:05Z"),
	}
	if v := storyLines(s.Stories); v != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Top stories", Value: v})
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
// many as fit an embed field.
func storyLines(ss []newswatch.Story) string {
	var b strings.Builder
	for _, s := range ss {
		title := s.Title
		if title == "" {
			title = "(untitled item)"
		}
		url := ""
		if len(s.Items) > 0 {
			url = s.Items[0].Link
		}
		src := "source"
		if s.SourceCount != 1 {
			src = "sources"
		}
		line := "• " + link(cut(plain(title), 150), url) + fmt.Sprintf(" · %d %s", s.SourceCount, src)
		if len([]rune(line)) > 1000 { // a very long link: the title alone
			line = "• " + cut(plain(title), 150) + fmt.Sprintf(" · %d %s", s.SourceCount, src)
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
