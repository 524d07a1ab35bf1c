package bot

import (
	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/digest"
)

// The strings of /trend, spike alerts and the digest (issue 13), in their
// own file so that the catalogue's other users merge cleanly; init adds
// them to the tables of locale.go and locale_commands.go.
func init() {
	for k, v := range signalsCatalogue {
		catalogue[k] = v
	}
	// The digest's words: English from package digest, which builds it.
	for id, en := range digest.Messages {
		tr := digestTranslations[id]
		catalogue[id] = [3]string{en, tr[0], tr[1]}
	}
	for k, v := range signalsCommandNames {
		commandNames[k] = v
	}
	for k, v := range signalsCommandDescriptions {
		commandDescriptions[k] = v
	}
}

var signalsCatalogue = map[string][3]string{
	"trend.title":      {"Mentions of %s, last %s", "Упоминания: %s, за %s", "Згадки: %s, за %s"},
	"trend.empty":      {"No mentions of %s in the last %s: nothing to draw.", "Нет упоминаний %s за %s: рисовать нечего.", "Немає згадок %s за %s: нічого малювати."},
	"trend.unknown":    {"No watch is named %s. Use the watches' names as /watch list shows them.", "Нет отслеживания с названием %s. Используйте названия из /watch list.", "Немає відстеження з назвою %s. Використовуйте назви з /watch list."},
	"trend.too_many":   {"A chart holds at most %d names.", "На графике помещается не больше %d названий.", "На графіку вміщується щонайбільше %d назв."},
	"trend.bad_period": {"Unknown period %s: use 7d, 30d or 90d.", "Неизвестный период %s: используйте 7d, 30d или 90d.", "Невідомий період %s: використовуйте 7d, 30d або 90d."},
	"trend.bad_bucket": {"Unknown bucket %s: use hour or day.", "Неизвестный шаг %s: используйте hour или day.", "Невідомий крок %s: використовуйте hour або day."},
}

var signalsCommandNames = map[string][2]string{
	"trend": {"тренд", "тренд"}, "names": {"названия", "назви"}, "period": {"период", "період"},
	"bucket": {"шаг", "крок"}, "hour": {"час", "година"}, "day": {"день", "день"},
	"7d": {"7 дней", "7 днів"}, "30d": {"30 дней", "30 днів"}, "90d": {"90 дней", "90 днів"},
}

var signalsCommandDescriptions = map[string][2]string{
	"A chart of mentions over time": {"График упоминаний во времени", "Графік згадок у часі"},
	`watched names, comma-separated, e.g. "Sloviansk, Kramatorsk"`: {`отслеживаемые названия через запятую, например "Славянск, Краматорск"`,
		`відстежувані назви через кому, наприклад "Слов'янськ, Краматорськ"`},
	"the last 7, 30 or 90 days (default 30)": {"последние 7, 30 или 90 дней (по умолчанию 30)", "останні 7, 30 або 90 днів (типово 30)"},
	"count per hour or per day (default: hour for 7 days, else day)": {"считать по часам или по дням (по умолчанию: по часам за 7 дней, иначе по дням)",
		"рахувати по годинах або по днях (типово: по годинах за 7 днів, інакше по днях)"},
}

// routeLang is the language of route r's spike alerts and digests: its
// guild's locale as /alerts set or /alerts digest last recorded it
// (Route.Locale); English when unknown or not Russian or Ukrainian.
func routeLang(r newswatch.Route) lang { return langOf(discordgo.Locale(r.Locale)) }

// Translator returns the words of the bot's catalogue in the language of
// Discord locale (en, ru, uk; any other gives English): the Text of a
// digest.Input for a route (pass Route.Locale).
func Translator(locale string) func(id string, args ...any) string {
	return langOf(discordgo.Locale(locale)).t
}

// The spike alert's words.
var spikeCatalogue = map[string][3]string{
	"spike.title": {"📈 Spike: %s", "📈 Всплеск: %s", "📈 Сплеск: %s"},
	"spike.desc": {"**%d** stories mentioned **%s** in the hour from %s, against a usual **%.1f** for that hour (Poisson p = %.1e).",
		"**%d** сюжетов упомянули **%s** за час с %s, обычно за этот час **%.1f** (Пуассон, p = %.1e).",
		"**%d** сюжетів згадали **%s** за годину з %s, зазвичай за цю годину **%.1f** (Пуассон, p = %.1e)."},
	"spike.top_stories": {"Top stories", "Главные сюжеты", "Головні сюжети"},
	"spike.source":      {"%d source", "источников: %d", "джерел: %d"},
	"spike.sources":     {"%d sources", "источников: %d", "джерел: %d"},
}

func init() {
	for k, v := range spikeCatalogue {
		catalogue[k] = v
	}
}

// digestTranslations are the Russian and Ukrainian of digest.Messages.
var digestTranslations = map[string][2]string{
	"digest.title":       {"Ежедневная сводка, %s (UTC)", "Щоденне зведення, %s (UTC)"},
	"digest.date":        {"02.01.2006", "02.01.2006"},
	"digest.none":        {"В этот день ничего отслеживаемого не упоминалось.", "Цього дня нічого з відстежуваного не згадувалося."},
	"digest.more":        {"… и ещё %d", "… і ще %d"},
	"digest.new":         {"(новое; неделю назад не было)", "(нове; тиждень тому не було)"},
	"digest.same":        {"(= %d, как неделю назад)", "(= %d, як тиждень тому)"},
	"digest.change":      {"(%s %+.0f%%; неделю назад: %d)", "(%s %+.0f%%; тиждень тому: %d)"},
	"digest.top_stories": {"Главные сюжеты", "Головні сюжети"},
	"digest.source":      {"источников: %d", "джерел: %d"},
	"digest.sources":     {"источников: %d", "джерел: %d"},
	"digest.chart_title": {"Упоминания по дням (UTC)", "Згадки по днях (UTC)"},
	"chart.x_label":      {"Дата (UTC)", "Дата (UTC)"},
	"chart.y_day":        {"Упоминаний в день", "Згадок на день"},
	"chart.day":          {"02.01", "02.01"},
}
