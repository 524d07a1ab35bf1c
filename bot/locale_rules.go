package bot

// The strings of route rules, mutes and digests (issue 13), added to the
// catalogues at start-up. They live apart so that the catalogues of other
// features stay untouched; an id or name already present is kept.
func init() {
	for id, m := range rulesCatalogue {
		if _, ok := catalogue[id]; !ok {
			catalogue[id] = m
		}
	}
	for n, tr := range rulesCommandNames {
		if _, ok := commandNames[n]; !ok {
			commandNames[n] = tr
		}
	}
	for d, tr := range rulesCommandDescriptions {
		if _, ok := commandDescriptions[d]; !ok {
			commandDescriptions[d] = tr
		}
	}
}

var rulesCatalogue = map[string][3]string{
	"err.query":          {"The query is not valid: %s", "Запрос составлен неверно: %s", "Запит складено неправильно: %s"},
	"err.digest_what":    {"Give the hour (0-23, UTC), or off to stop the digest.", "Укажите час (0-23, UTC) или выключить, чтобы остановить сводку.", "Вкажіть годину (0-23, UTC) або вимкнути, щоб зупинити зведення."},
	"err.no_digest":      {"<#%s> has no daily digest.", "В <#%s> нет ежедневной сводки.", "У <#%s> немає щоденного зведення."},
	"err.mute_duration":  {"I can't read %q as a duration: use e.g. \"30m\", \"2h\" or \"1d\", from a minute up to 30 days.", "Не понимаю длительность %q: используйте, например, \"30m\", \"2h\" или \"1d\", от минуты до 30 дней.", "Не розумію тривалість %q: використайте, наприклад, \"30m\", \"2h\" або \"1d\", від хвилини до 30 днів."},
	"err.not_muted":      {"%s is not muted here.", "%s здесь не заглушено.", "%s тут не заглушено."},
	"alerts.digest_off":  {"The daily digest in <#%s> is off.", "Ежедневная сводка в <#%s> выключена.", "Щоденне зведення в <#%s> вимкнено."},
	"alerts.for_watches": {"for %s", "о %s", "про %s"},
	"alerts.kind_only":   {" (%s only)", " (только: %s)", " (лише: %s)"},
	"alerts.matching":    {" matching «%s»", " по запросу «%s»", " за запитом «%s»"},
	"alerts.muted":       {"🔇 Muted here: %s", "🔇 Заглушено здесь: %s", "🔇 Заглушено тут: %s"},
	"rule.quiet":         {"Quiet: no alerts for single items, only spikes and the digest.", "Тихий режим: без оповещений об отдельных материалах, только всплески и сводка.", "Тихий режим: без сповіщень про окремі матеріали, лише сплески й зведення."},
	"rule.per_item":      {"Stories off: every item alerts on its own.", "Сюжеты выключены: о каждом материале отдельное оповещение.", "Сюжети вимкнено: про кожен матеріал окреме сповіщення."},
	"rule.min_sources":   {"A story alerts once it has %d sources.", "Оповещение о сюжете приходит, когда источников не меньше %d.", "Сповіщення про сюжет надходить, коли джерел щонайменше %d."},
	"rule.cap":           {"At most %d alerts per watch per hour, then one summary.", "Не больше %d оповещений в час на одно отслеживание, дальше — одна сводка.", "Щонайбільше %d сповіщень на годину на одне відстеження, далі — одне зведення."},
	"rule.spikes":        {"Spike alerts too.", "Также оповещения о всплесках.", "Також сповіщення про сплески."},
	"rule.digest":        {"Daily digest at %02d:00 UTC.", "Ежедневная сводка в %02d:00 UTC.", "Щоденне зведення о %02d:00 UTC."},
	"watch.muted":        {"Muted **%s** in this server's alerts until <t:%d:f> (<t:%d:R>).", "Оповещения о **%s** на этом сервере заглушены до <t:%d:f> (<t:%d:R>).", "Сповіщення про **%s** на цьому сервері заглушено до <t:%d:f> (<t:%d:R>)."},
	"err.config_route":   {"The alerts in <#%s> are declared in the bot's configuration file and can only be changed there.", "Оповещения в <#%s> заданы в файле настроек бота; изменить их можно только там.", "Сповіщення в <#%s> задано у файлі налаштувань бота; змінити їх можна лише там."},
	"alerts.config_tag":  {"⚙️ from the bot's configuration file (read-only here)", "⚙️ из файла настроек бота (здесь только для чтения)", "⚙️ з файлу налаштувань бота (тут лише для читання)"},
	"watch.unmuted":      {"**%s** alerts again in this server.", "Оповещения о **%s** на этом сервере снова включены.", "Сповіщення про **%s** на цьому сервері знову увімкнено."},
}

var rulesCommandNames = map[string][2]string{
	"watches": {"названия", "назви"}, "min_sources": {"мин_источников", "мін_джерел"},
	"spikes": {"всплески", "сплески"}, "quiet": {"тихо", "тихо"}, "stories": {"сюжеты", "сюжети"},
	"cap": {"лимит", "ліміт"}, "digest": {"сводка", "зведення"}, "hour": {"час", "година"},
	"mute": {"заглушить", "заглушити"}, "unmute": {"вернуть_звук", "повернути_звук"},
	"duration": {"длительность", "тривалість"},
}

var rulesCommandDescriptions = map[string][2]string{
	"Silence a watch's alerts here for a while (admins)":                                   {"Временно заглушить оповещения об отслеживании (админы)", "Тимчасово заглушити сповіщення про відстеження (адміни)"},
	`how long, e.g. "30m", "2h", "1d" (at most 30 days)`:                                   {`на сколько, например "30m", "2h", "1d" (до 30 дней)`, `на скільки, наприклад "30m", "2h", "1d" (до 30 днів)`},
	"Let a muted watch alert again (admins)":                                               {"Снова включить оповещения об отслеживании (админы)", "Знову увімкнути сповіщення про відстеження (адміни)"},
	"only these watches, comma-separated (default: every one)":                             {"только эти отслеживания, через запятую (по умолчанию все)", "лише ці відстеження, через кому (типово всі)"},
	`only items matching this search, e.g. "(Kramatorsk OR Sloviansk) shelling -exercise"`: {`только материалы по этому запросу, например "(Kramatorsk OR Sloviansk) shelling -exercise"`, `лише матеріали за цим запитом, наприклад "(Kramatorsk OR Sloviansk) shelling -exercise"`},
	"alert once a story has this many sources (default 1)":                                 {"оповещать, когда у сюжета столько источников (по умолчанию 1)", "сповіщати, коли сюжет має стільки джерел (типово 1)"},
	"also post spike alerts of these watches":                                              {"также присылать оповещения о всплесках", "також надсилати сповіщення про сплески"},
	"no alerts for single items: only spikes and the digest":                               {"без оповещений об отдельных материалах: только всплески и сводка", "без сповіщень про окремі матеріали: лише сплески й зведення"},
	"one alert per story, edited as sources join (default: yes)":                           {"одно оповещение на сюжет, дополняется новыми источниками (по умолчанию да)", "одне сповіщення на сюжет, доповнюється новими джерелами (типово так)"},
	"at most this many alerts per watch per hour, then one summary (0: no cap)":            {"не больше стольких оповещений в час на отслеживание, затем сводка (0: без лимита)", "щонайбільше стільки сповіщень на годину на відстеження, потім зведення (0: без ліміту)"},
	"Post a daily digest in a channel (admins)":                                            {"Присылать ежедневную сводку в канал (админы)", "Надсилати щоденне зведення в канал (адміни)"},
	"the hour of the day, UTC (0-23)":                                                      {"час дня по UTC (0-23)", "година дня за UTC (0-23)"},
	"stop the digest":                                                                      {"остановить сводку", "зупинити зведення"},
}
