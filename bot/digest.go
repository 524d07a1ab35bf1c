package bot

import (
	"encoding/json"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/digest"
)

// DigestPayload renders digest d for route r as the stored body of an
// AlertMessage (see store.ClaimDigest): one embed, with the trend chart
// as a PNG attachment shown in it. The PNG is stored in the body, so a
// retry after a crash posts the same bytes; the body is dropped once the
// message is sent.
func DigestPayload(r newswatch.Route, d digest.Digest) ([]byte, error) {
	e := &discordgo.MessageEmbed{Title: cut(d.Title, 256), Description: cut(d.Description, maxDesc), Color: colorInfo}
	for _, f := range d.Fields {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: cut(f.Name, 256), Value: cut(f.Value, 1024)})
	}
	m := &outMessage{AllowedMentions: noMentions(r.RoleID)}
	if r.RoleID != "" {
		m.Content = "<@&" + r.RoleID + ">"
	}
	if len(d.Chart) > 0 {
		e.Image = &discordgo.MessageEmbedImage{URL: "attachment://" + d.ChartName}
		m.Files = []file{{Name: d.ChartName, ContentType: "image/png", Data: d.Chart}}
	}
	m.Embeds = []*discordgo.MessageEmbed{fitEmbed(e)}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("bot: digest payload: %w", err)
	}
	return b, nil
}
