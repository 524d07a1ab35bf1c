package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// The added aliases of a watch (Places.Expand) are computed, not stored: a
// watch keeps only AutoAliases, Country, SurnameOnly, Fuzzy and the
// DropAliases an admin left out. The bot reads the gazetteer through
// Deps.Places (package watch's Gazetteer, passed in by cmd/newswatch),
// which each invocation carries.

// placeValue is the value of a /watch add name choice: the gazetteer's
// name and the country, so that the choice resolves an ambiguous name.
func placeValue(p newswatch.Place) string { return p.Name + ", " + p.Country }

// splitPlaceValue undoes placeValue: "Sloviansk, UA" is Sloviansk in UA
// when the gazetteer has a Sloviansk there; any other name is itself.
func splitPlaceValue(pl Places, s string) (name, country string, ok bool) {
	i := strings.LastIndex(s, ", ")
	if i <= 0 || len(s)-i != 4 {
		return s, "", false
	}
	name, country = strings.TrimSpace(s[:i]), strings.ToUpper(s[i+2:])
	for _, p := range pl.Lookup(name) {
		if p.Country == country {
			return name, country, true
		}
	}
	return s, "", false
}

// knownCity reports whether the gazetteer has a place called name (in
// country, when given): /watch add then defaults to auto aliases.
func knownCity(pl Places, name, country string) bool {
	for _, p := range pl.Lookup(name) {
		if country == "" || strings.EqualFold(p.Country, country) {
			return true
		}
	}
	return false
}

// placeLabel is "Sloviansk — UA, Donetsk Oblast, 106,972".
func placeLabel(pl Places, p newswatch.Place, typed string) string {
	name := p.Name
	if typed != "" && !strings.HasPrefix(strings.ToLower(p.Name), typed) {
		for _, n := range p.Names {
			if strings.HasPrefix(strings.ToLower(n), typed) {
				name += " (" + n + ")"
				break
			}
		}
	}
	parts := []string{p.Country}
	if r := pl.RegionName(p.Country, p.Admin1); r != "" {
		parts = append(parts, r)
	}
	parts = append(parts, thousands(p.Population))
	return name + " — " + strings.Join(parts, ", ")
}

// thousands formats n with commas: 106972 → "106,972".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// placeChoices are the gazetteer's places whose names start with typed,
// most populous first, one choice per name and country.
func placeChoices(v *invocation, typed string) []*discordgo.ApplicationCommandOptionChoice {
	if typed == "" || v.str("kind") == string(newswatch.KindActor) {
		return nil
	}
	var out []*discordgo.ApplicationCommandOptionChoice
	seen := map[string]bool{}
	for _, p := range v.places.Search(typed, 100) {
		val := placeValue(p)
		if seen[val] || len(val) > maxChoice || len(p.Name) > maxNameLen {
			continue
		}
		seen[val] = true
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: cut(placeLabel(v.places, p, typed), maxChoice), Value: val})
		if len(out) == 25 {
			break
		}
	}
	return out
}

// countryChoices are the countries of the places called by the name option
// when it is given, else every gazetteer country starting with typed.
func countryChoices(v *invocation, typed string) []*discordgo.ApplicationCommandOptionChoice {
	var out []*discordgo.ApplicationCommandOptionChoice
	seen := map[string]bool{}
	name := v.str("name")
	if n, _, ok := splitPlaceValue(v.places, name); ok {
		name = n
	}
	for _, p := range v.places.Lookup(name) {
		if seen[p.Country] || !strings.HasPrefix(strings.ToLower(p.Country), typed) {
			continue
		}
		seen[p.Country] = true
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: cut(p.Country+": "+placeLabel(v.places, p, ""), maxChoice), Value: p.Country})
		if len(out) == 25 {
			return out
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, c := range v.places.Countries() {
		if strings.HasPrefix(strings.ToLower(c), typed) {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: c, Value: c})
			if len(out) == 25 {
				break
			}
		}
	}
	return out
}

// aliasChoices are the added aliases (drop) or the dropped ones (restore)
// of the guild's own watch named by the name option that contain typed.
func (b *Bot) aliasChoices(ctx context.Context, v *invocation, typed string, restore bool) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	w, err := b.deps.Store.WatchByName(ctx, v.guildID, v.str("name"))
	if err != nil || w.GuildID != v.guildID {
		return nil, nil // no such watch of the guild's own: nothing to offer
	}
	var out []*discordgo.ApplicationCommandOptionChoice
	add := func(label, value string) bool {
		if !strings.Contains(strings.ToLower(value), typed) || len(value) > maxChoice {
			return true
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: cut(label, maxChoice), Value: value})
		return len(out) < 25
	}
	if restore {
		for _, d := range w.DropAliases {
			if !add(d, d) {
				break
			}
		}
		return out, nil
	}
	for _, a := range v.places.Expand(w) {
		if !add(a.Text+" ("+sourceLabel(v, a.Source)+")", a.Text) {
			break
		}
	}
	return out, nil
}

// sourceLabel says where an added alias comes from, in the user's language.
func sourceLabel(v *invocation, src string) string {
	kind, detail, _ := strings.Cut(src, ":")
	switch kind {
	case "geonames":
		return v.t("src.geonames")
	case "supplement":
		return v.t("src.supplement")
	case "translit":
		return v.t("src.translit", detail)
	case "respell":
		return v.t("src.respell", strings.Replace(detail, "-", "→", 1))
	case "press":
		return v.t("src.press")
	case "surname":
		return v.t("src.surname")
	}
	return src
}

// addedFields are the embed fields of a watch's options and of its added
// and dropped aliases, grouped by source; long lists end with "+N more".
func addedFields(v *invocation, w newswatch.Watch) []*discordgo.MessageEmbedField {
	yesNo := func(b bool) string {
		if b {
			return v.t("yes")
		}
		return v.t("no")
	}
	auto := yesNo(w.AutoAliases)
	if w.AutoAliases && w.Country != "" {
		auto += " (" + strings.ToUpper(w.Country) + ")"
	}
	fs := []*discordgo.MessageEmbedField{
		{Name: v.t("watch.f_auto"), Value: auto, Inline: true},
		{Name: v.t("watch.f_fuzzy"), Value: yesNo(w.Fuzzy), Inline: true},
	}
	if w.Kind == newswatch.KindActor && w.AutoAliases {
		fs = append(fs, &discordgo.MessageEmbedField{Name: v.t("watch.f_surname"), Value: yesNo(w.SurnameMatches()), Inline: true})
	}
	if !w.AutoAliases {
		return fs
	}
	added := v.places.Expand(w)
	var groups []string // sources in first-seen order
	bySource := map[string][]string{}
	for _, a := range added {
		label := sourceLabel(v, a.Source)
		if _, ok := bySource[label]; !ok {
			groups = append(groups, label)
		}
		bySource[label] = append(bySource[label], plain(a.Text))
	}
	var lines []string
	for _, g := range groups {
		lines = append(lines, "**"+g+"**: "+strings.Join(bySource[g], ", "))
	}
	value := v.t("watch.none_listed")
	if len(lines) > 0 {
		value = fitList(v, lines, maxFieldValue)
	}
	fs = append(fs, &discordgo.MessageEmbedField{Name: v.t("watch.f_added", len(added)), Value: value})
	if len(w.DropAliases) > 0 {
		ds := make([]string, len(w.DropAliases))
		for i, d := range w.DropAliases {
			ds[i] = plain(d)
		}
		fs = append(fs, &discordgo.MessageEmbedField{Name: v.t("watch.f_dropped"), Value: fitList(v, []string{strings.Join(ds, ", ")}, maxFieldValue)})
	}
	return fs
}

// fitList joins lines, each a "**source**: a, b, c" group, within limit
// runes: what does not fit is left out and counted as "+N more" (N names).
func fitList(v *invocation, lines []string, limit int) string {
	full := strings.Join(lines, "\n")
	if len([]rune(full)) <= limit {
		return full
	}
	var b strings.Builder
	left := 0
	budget := limit - 40 // room for the "+N more" note
	for _, line := range lines {
		head, items, found := strings.Cut(line, ": ")
		var names []string
		if found {
			names = strings.Split(items, ", ")
		} else {
			head, names = "", strings.Split(line, ", ")
		}
		if left > 0 {
			left += len(names)
			continue
		}
		cur := head
		if head != "" {
			cur += ": "
		}
		if b.Len() > 0 {
			cur = "\n" + cur
		}
		if len([]rune(b.String()+cur)) > budget {
			left += len(names)
			continue
		}
		b.WriteString(cur)
		for i, n := range names {
			sep := ""
			if i > 0 {
				sep = ", "
			}
			if len([]rune(b.String()))+len([]rune(sep+n)) > budget {
				left += len(names) - i
				break
			}
			b.WriteString(sep + n)
		}
	}
	return b.String() + v.t("watch.more", left)
}

// watchEdit drops an added alias of a watch, or restores a dropped one.
func (b *Bot) watchEdit(ctx context.Context, v *invocation) (*reply, error) {
	name, drop, restore := v.str("name"), v.str("drop_alias"), v.str("restore_alias")
	if drop == "" && restore == "" {
		return nil, v.errorf(newswatch.EINVALID, "err.edit_what")
	}
	w, err := b.deps.Store.WatchByName(ctx, v.guildID, name)
	if err != nil {
		return nil, v.localize(err, newswatch.ENOTFOUND, "err.no_watch", name)
	}
	if w.GuildID != v.guildID {
		return nil, v.errorf(newswatch.EFORBIDDEN, "err.global_watch", w.Name)
	}
	msg, arg := "", ""
	if drop != "" {
		added := v.places.Expand(w)
		i := slices.IndexFunc(added, func(a newswatch.AddedAlias) bool { return strings.EqualFold(a.Text, drop) })
		if i < 0 {
			return nil, v.errorf(newswatch.EINVALID, "err.not_added", drop, w.Name)
		}
		w.DropAliases = append(w.DropAliases, added[i].Text)
		msg, arg = "watch.alias_dropped", added[i].Text
	}
	if restore != "" {
		i := slices.IndexFunc(w.DropAliases, func(d string) bool { return strings.EqualFold(d, restore) })
		if i < 0 {
			return nil, v.errorf(newswatch.EINVALID, "err.not_dropped", restore, w.Name)
		}
		w.DropAliases = slices.Delete(w.DropAliases, i, i+1)
		msg, arg = "watch.alias_restored", restore
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	if b.deps.ValidateWatches != nil {
		visible, err := b.deps.Store.Watches(ctx, v.guildID)
		if err != nil {
			return nil, err
		}
		for i := range visible {
			if visible[i].GuildID == w.GuildID && strings.EqualFold(visible[i].Name, w.Name) {
				visible[i] = w
			}
		}
		if err := b.deps.ValidateWatches(visible); err != nil {
			return nil, err
		}
	}
	saved, _, err := b.deps.Store.PutWatch(ctx, w, b.cfg.MaxWatchesPerGuild)
	if err != nil {
		return nil, err
	}
	if b.deps.WatchesChanged != nil {
		b.deps.WatchesChanged(&saved)
	}
	return &reply{content: v.t(msg, plain(arg), plain(saved.Name)),
		embeds: []*discordgo.MessageEmbed{watchEmbed(v, saved)}}, nil
}
