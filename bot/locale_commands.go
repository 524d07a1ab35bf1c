package bot

import "github.com/bwmarrin/discordgo"

// commandNames translates command, subcommand and option names (and the
// kind choices) into Russian and Ukrainian. Discord shows and accepts the
// translated names but always sends the English ones in interactions.
// Names must be lowercase and match ^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$
// (TestCommandLocalizations).
var commandNames = map[string][2]string{
	"search": {"поиск", "пошук"}, "latest": {"последние", "останні"}, "mentions": {"упоминания", "згадки"},
	"stats": {"статистика", "статистика"}, "help": {"помощь", "довідка"},
	"watch": {"отслеживание", "відстеження"}, "feed": {"лента", "стрічка"}, "alerts": {"оповещения", "сповіщення"},
	"add": {"добавить", "додати"}, "remove": {"удалить", "видалити"}, "list": {"список", "список"},
	"show": {"показать", "показати"}, "retry": {"повторить", "повторити"},
	"set": {"включить", "увімкнути"}, "off": {"выключить", "вимкнути"},
	"query": {"запрос", "запит"}, "limit": {"количество", "кількість"}, "page": {"страница", "сторінка"},
	"name": {"название", "назва"}, "since": {"начиная_с", "починаючи_з"}, "kind": {"тип", "тип"},
	"aliases": {"синонимы", "синоніми"}, "exclude": {"исключить", "виключити"},
	"case_sensitive": {"учитывать_регистр", "враховувати_регістр"},
	"url":            {"адрес", "адреса"}, "interval": {"интервал", "інтервал"},
	"channel": {"канал", "канал"}, "role": {"роль", "роль"},
	"auto_aliases": {"автосинонимы", "автосиноніми"}, "country": {"страна", "країна"}, "fuzzy": {"опечатки", "помилки"},
	"surname_only": {"только_фамилия", "лише_прізвище"}, "edit": {"изменить", "змінити"},
	"drop_alias": {"убрать_синоним", "прибрати_синонім"}, "restore_alias": {"вернуть_синоним", "повернути_синонім"},
	"city": {"город", "місто"}, "actor": {"персона", "особа"},
	"story": {"сюжет", "сюжет"}, "id": {"номер", "номер"}, "expand": {"развернуть", "розгорнути"},
	"by": {"считать", "рахувати"}, "items": {"материалы", "матеріали"}, "stories": {"сюжеты", "сюжети"},
}

// commandDescriptions translates every description of the commands and
// their options into Russian and Ukrainian (at most 100 characters each).
var commandDescriptions = map[string][2]string{
	"Full-text search of the stored news items":                {"Полнотекстовый поиск по сохранённым новостям", "Повнотекстовий пошук у збережених новинах"},
	"words to look for":                                        {"что искать", "що шукати"},
	"results per page (default 10)":                            {"результатов на странице (по умолчанию 10)", "результатів на сторінці (типово 10)"},
	"page number":                                              {"номер страницы", "номер сторінки"},
	"The newest items":                                         {"Самые свежие материалы", "Найсвіжіші матеріали"},
	"only this feed":                                           {"только эта лента", "лише ця стрічка"},
	"Where a watched city or actor was mentioned":              {"Где упоминался отслеживаемый город или персона", "Де згадувалося відстежуване місто чи особа"},
	"a watched name":                                           {"отслеживаемое название", "відстежувана назва"},
	`e.g. "24h", "7d" or "2014-04-01"`:                         {`например "24h", "7d" или "2014-04-01"`, `наприклад "24h", "7d" або "2014-04-01"`},
	"What the bot has stored and found":                        {"Что бот сохранил и нашёл", "Що бот зберіг і знайшов"},
	"What each newswatch command does":                         {"Что делает каждая команда newswatch", "Що робить кожна команда newswatch"},
	"Watched cities and actors":                                {"Отслеживаемые города и персоны", "Відстежувані міста й особи"},
	"Add or change a watch (admins)":                           {"Добавить или изменить отслеживание (админы)", "Додати або змінити відстеження (адміни)"},
	"the canonical name":                                       {"основное название", "основна назва"},
	"city or actor":                                            {"город или персона", "місто чи особа"},
	"other names, comma-separated":                             {"другие названия через запятую", "інші назви через кому"},
	"phrases in which a match does not count, comma-separated": {"фразы, в которых совпадение не считается, через запятую", "фрази, в яких збіг не враховується, через кому"},
	"match the exact case (for names that are common words)":   {"учитывать регистр (для названий, совпадающих с обычными словами)", "враховувати регістр (для назв, що збігаються зі звичайними словами)"},
	"Remove a watch (admins)":                                  {"Удалить отслеживание (админы)", "Видалити відстеження (адміни)"},
	"the watch":                                                {"отслеживание", "відстеження"},
	"List the watches":                                         {"Список отслеживаемого", "Список відстежуваного"},
	"Show one watch":                                           {"Показать одно отслеживание", "Показати одне відстеження"},
	"Subscribed feeds":                                         {"Ленты, на которые подписан сервер", "Стрічки, на які підписано сервер"},
	"Subscribe to a feed (admins)":                             {"Подписаться на ленту (админы)", "Підписатися на стрічку (адміни)"},
	"the feed URL":                                             {"адрес ленты", "адреса стрічки"},
	`poll interval, e.g. "15m" (default: adaptive)`:            {`интервал опроса, например "15m" (по умолчанию подбирается сам)`, `інтервал опитування, наприклад "15m" (типово добирається сам)`},
	"Unsubscribe from a feed (admins)":                         {"Отписаться от ленты (админы)", "Відписатися від стрічки (адміни)"},
	"feed id or URL":                                           {"номер или адрес ленты", "номер або адреса стрічки"},
	"List the feeds with their health":                         {"Список лент и их состояние", "Список стрічок та їхній стан"},
	"Poll a failing feed again now (admins)":                   {"Опросить сбойную ленту снова сейчас (админы)", "Опитати збійну стрічку знову зараз (адміни)"},
	"Where alerts are posted":                                  {"Куда приходят оповещения", "Куди надходять сповіщення"},
	"Post alerts in a channel (admins)":                        {"Присылать оповещения в канал (админы)", "Надсилати сповіщення в канал (адміни)"},
	"the channel":                                              {"канал", "канал"},
	"role to ping with each alert":                             {"роль, которую упоминать в каждом оповещении", "роль, яку згадувати в кожному сповіщенні"},
	"Stop alerts in a channel (admins)":                        {"Прекратить оповещения в канале (админы)", "Припинити сповіщення в каналі (адміни)"},
	"List the alert channels":                                  {"Список каналов оповещений", "Список каналів сповіщень"},
	"add spellings from the gazetteer and transliteration (default: yes for known cities)": {"добавить написания из справочника мест и транслитерации (по умолчанию да для известных городов)", "додати написання з довідника місць і транслітерації (типово так для відомих міст)"},
	"ISO country code of the city, e.g. UA":                                                {"код страны города по ISO, например UA", "код країни міста за ISO, наприклад UA"},
	"allow one typo in names of 7 or more letters":                                         {"допускать одну опечатку в названиях от 7 букв", "допускати одну помилку в назвах від 7 літер"},
	"with auto aliases, the actor's family name alone matches (default: yes)":              {"с автосинонимами одна фамилия персоны тоже совпадает (по умолчанию да)", "з автосинонімами саме прізвище особи теж збігається (типово так)"},
	"Drop or restore an added alias (admins)":                                              {"Убрать или вернуть добавленный синоним (админы)", "Прибрати або повернути доданий синонім (адміни)"},
	"an added alias to leave out":                                                          {"добавленный синоним, который не нужен", "доданий синонім, який не потрібен"},
	"a dropped alias to add again":                                                         {"убранный синоним, который нужно вернуть", "прибраний синонім, який треба повернути"},
	"The sources of a story (its id is shown in /search and /latest)":                      {"Источники сюжета (его номер виден в /search и /latest)", "Джерела сюжету (його номер видно в /search і /latest)"},
	"the story's number":                                                                   {"номер сюжета", "номер сюжету"},
	"list every item, not one entry per story":                                             {"показать каждый материал, а не один на сюжет", "показати кожен матеріал, а не один на сюжет"},
	"list and count items (default) or stories":                                            {"показывать и считать материалы (по умолчанию) или сюжеты", "показувати й рахувати матеріали (типово) або сюжети"},
}

// localizations returns the Russian and Ukrainian forms of s in table, or
// nil when it has none.
func localizations(table map[string][2]string, s string) map[discordgo.Locale]string {
	tr, ok := table[s]
	if !ok {
		return nil
	}
	return map[discordgo.Locale]string{discordgo.Russian: tr[0], discordgo.Ukrainian: tr[1]}
}

// localizeCommand sets the name and description localizations of a command,
// its options and their choices.
func localizeCommand(c *discordgo.ApplicationCommand) {
	if m := localizations(commandNames, c.Name); m != nil {
		c.NameLocalizations = &m
	}
	if m := localizations(commandDescriptions, c.Description); m != nil {
		c.DescriptionLocalizations = &m
	}
	localizeOptions(c.Options)
}

func localizeOptions(opts []*discordgo.ApplicationCommandOption) {
	for _, o := range opts {
		o.NameLocalizations = localizations(commandNames, o.Name)
		o.DescriptionLocalizations = localizations(commandDescriptions, o.Description)
		for _, ch := range o.Choices {
			ch.NameLocalizations = localizations(commandNames, ch.Name)
		}
		localizeOptions(o.Options)
	}
}
