package bot

import (
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// lang is a language the bot answers in: the interaction's locale when it
// is Russian or Ukrainian, English otherwise. Teams watching Ukrainian
// cities often run Discord in those languages.
type lang int

const (
	langEN lang = iota
	langRU
	langUK
)

// langOf maps a Discord locale to the language of the replies.
func langOf(l discordgo.Locale) lang {
	switch l {
	case discordgo.Russian:
		return langRU
	case discordgo.Ukrainian:
		return langUK
	}
	return langEN
}

// t formats the message id in l. An unknown id is a bug (TestCatalogue
// checks every id used); it shows as the id rather than breaking a reply.
func (l lang) t(id string, args ...any) string {
	m, ok := catalogue[id]
	if !ok {
		return id
	}
	if len(args) == 0 {
		return m[l]
	}
	return fmt.Sprintf(m[l], args...)
}

// catalogue holds every user-facing reply string: English, Russian,
// Ukrainian. The three of each id take the same format verbs in the same
// order (TestCatalogue).
var catalogue = map[string][3]string{
	"done":                {"Done.", "Готово.", "Готово."},
	"yes":                 {"yes", "да", "так"},
	"no":                  {"no", "нет", "ні"},
	"err.internal":        {"Something went wrong on the bot's side; the details were logged. Please try again later.", "Что-то пошло не так на стороне бота; подробности записаны в журнал. Попробуйте позже.", "Щось пішло не так на боці бота; подробиці записано в журнал. Спробуйте пізніше."},
	"err.dm":              {"newswatch commands work in servers only, not in direct messages.", "Команды newswatch работают только на серверах, не в личных сообщениях.", "Команди newswatch працюють лише на серверах, не в особистих повідомленнях."},
	"err.unknown_command": {"Unknown command /%s.", "Неизвестная команда /%s.", "Невідома команда /%s."},
	"err.admin_only":      {"/%s needs the Manage Server permission or the bot's admin role.", "Для /%s нужно право «Управлять сервером» или роль администратора бота.", "Для /%s потрібен дозвіл «Керувати сервером» або роль адміністратора бота."},
	"err.too_long":        {"The option %s may be at most %d characters long.", "Параметр %s может быть не длиннее %d символов.", "Параметр %s може мати щонайбільше %d символів."},
	"err.not_our_button":  {"This button is not one of newswatch's.", "Это не кнопка newswatch.", "Це не кнопка newswatch."},
	"err.list_expired":    {"This list has expired; run the command again (it has a page option).", "Этот список устарел; выполните команду снова (у неё есть параметр страницы).", "Цей список застарів; виконайте команду знову (вона має параметр сторінки)."},

	"page.prev": {"◀ Previous", "◀ Назад", "◀ Назад"},
	"page.next": {"Next ▶", "Далее ▶", "Далі ▶"},
	"page.of":   {"Page %d of %d", "Страница %d из %d", "Сторінка %d з %d"},
	"page.more": {"Page %d · more on the next page", "Страница %d · продолжение на следующей", "Сторінка %d · продовження на наступній"},
	"page.n":    {"Page %d", "Страница %d", "Сторінка %d"},
	"page.note": {" on page %d", " на странице %d", " на сторінці %d"},

	"item.untitled":   {"(untitled item)", "(без заголовка)", "(без заголовка)"},
	"item.open":       {"open", "открыть", "відкрити"},
	"err.empty_query": {"Type something to search for.", "Введите, что искать.", "Введіть, що шукати."},
	"search.none":     {"No stored item matches “%s”%s.", "Ничего не найдено по запросу «%s»%s.", "Нічого не знайдено за запитом «%s»%s."},
	"search.title":    {"Search: %s", "Поиск: %s", "Пошук: %s"},
	"err.feed_arg":    {"Give a feed id (see /feed list) or its URL.", "Укажите номер ленты (см. /feed list) или её адрес.", "Вкажіть номер стрічки (див. /feed list) або її адресу."},
	"err.no_feed":     {"This server follows no feed %s; see /feed list.", "Этот сервер не читает ленту %s; см. /feed list.", "Цей сервер не читає стрічку %s; див. /feed list."},
	"latest.none":     {"No items stored yet%s.", "Пока нет сохранённых материалов%s.", "Поки немає збережених матеріалів%s."},
	"latest.title":    {"Latest items", "Последние материалы", "Останні матеріали"},
	"err.since":       {"I can't read %q as a time: use e.g. \"24h\", \"7d\", \"2w\" or a date like \"2014-04-01\".", "Не понимаю время %q: используйте, например, \"24h\", \"7d\", \"2w\" или дату вида \"2014-04-01\".", "Не розумію час %q: використайте, наприклад, \"24h\", \"7d\", \"2w\" або дату на кшталт \"2014-04-01\"."},
	"err.empty_name":  {"Name a watched city or actor.", "Назовите отслеживаемый город или персону.", "Назвіть місто або особу, які відстежуються."},
	"mentions.since":  {" since <t:%d:d>", " с <t:%d:d>", " з <t:%d:d>"},
	"mentions.none":   {"No mentions of %s%s%s.", "Нет упоминаний %s%s%s.", "Немає згадок %s%s%s."},
	"mentions.title":  {"Mentions of %s", "Упоминания: %s", "Згадки: %s"},
	"mentions.desc":   {"Newest first%s.", "Сначала новые%s.", "Спочатку нові%s."},

	"stats.title":         {"newswatch statistics", "Статистика newswatch", "Статистика newswatch"},
	"stats.items":         {"Items", "Материалы", "Матеріали"},
	"stats.feeds":         {"Feeds", "Ленты", "Стрічки"},
	"stats.failing":       {" (%d failing)", " (со сбоями: %d)", " (зі збоями: %d)"},
	"stats.watches":       {"Watches", "Отслеживаемые", "Відстежувані"},
	"stats.mentions":      {"Mentions", "Упоминания", "Згадки"},
	"stats.routes":        {"Alert channels", "Каналы оповещений", "Канали сповіщень"},
	"stats.alerts":        {"Alerts", "Оповещения", "Сповіщення"},
	"stats.alerts_value":  {"%d sent, %d pending", "отправлено %d, в очереди %d", "надіслано %d, у черзі %d"},
	"stats.from":          {"Items from", "Материалы за период", "Матеріали за період"},
	"stats.from_value":    {"<t:%d:d> to <t:%d:d>", "с <t:%d:d> по <t:%d:d>", "з <t:%d:d> по <t:%d:d>"},
	"stats.top":           {"Most mentioned", "Чаще всего упоминаются", "Найчастіше згадуються"},
	"stats.stories":       {"Stories", "Сюжеты", "Сюжети"},
	"stats.stories_value": {"%d (%d from 2+ sources)", "%d (из 2+ источников: %d)", "%d (з 2+ джерел: %d)"},
	"mentions.totals":     {"Mentions: %d, in items: %d, in stories: %d.", "Упоминаний: %d, в материалах: %d, в сюжетах: %d.", "Згадок: %d, у матеріалах: %d, у сюжетах: %d."},
	"story.note":          {"story #%d: %d sources, %d items", "сюжет #%d: источников %d, материалов %d", "сюжет #%d: джерел %d, матеріалів %d"},
	"story.note_one":      {"story #%d", "сюжет #%d", "сюжет #%d"},
	"story.title":         {"Story #%d: %s", "Сюжет #%d: %s", "Сюжет #%d: %s"},
	"story.desc":          {"%d sources, %d items; first seen <t:%d:f>. Oldest first.", "Источников: %d, материалов: %d; впервые <t:%d:f>. Сначала старые.", "Джерел: %d, матеріалів: %d; уперше <t:%d:f>. Спочатку старіші."},
	"story.none":          {"Story #%d has no more sources%s.", "У сюжета #%d больше нет источников%s.", "У сюжету #%d більше немає джерел%s."},
	"err.story_id":        {"Give the story's number, as /search and /latest show it.", "Укажите номер сюжета, как его показывают /search и /latest.", "Вкажіть номер сюжету, як його показують /search і /latest."},
	"err.no_story":        {"There is no story %d.", "Сюжета %d нет.", "Сюжету %d немає."},

	"kind.city":            {"city", "город", "місто"},
	"kind.actor":           {"actor", "персона", "особа"},
	"err.global_watch":     {"The watch %q comes from the bot's configuration and cannot be changed from Discord.", "Отслеживание %q задано в настройках бота и не может быть изменено из Discord.", "Відстеження %q задано в налаштуваннях бота, його не можна змінити з Discord."},
	"watch.added":          {"Added the watch **%s** (%s). Stored items are being matched against it; past items raise no alerts.", "Добавлено отслеживание **%s** (%s). Сохранённые материалы проверяются заново; по старым материалам оповещений не будет.", "Додано відстеження **%s** (%s). Збережені матеріали перевіряються наново; за старими матеріалами сповіщень не буде."},
	"watch.changed":        {"Changed the watch **%s** (%s). Stored items are being matched against it; past items raise no alerts.", "Изменено отслеживание **%s** (%s). Сохранённые материалы проверяются заново; по старым материалам оповещений не будет.", "Змінено відстеження **%s** (%s). Збережені матеріали перевіряються наново; за старими матеріалами сповіщень не буде."},
	"watch.none_listed":    {"none", "нет", "немає"},
	"watch.scope_guild":    {"this server", "этот сервер", "цей сервер"},
	"watch.scope_global":   {"global (from the configuration; read-only here)", "общее (из настроек; здесь только для чтения)", "спільне (з налаштувань; тут лише для читання)"},
	"watch.f_kind":         {"Kind", "Тип", "Тип"},
	"watch.f_case":         {"Case-sensitive", "С учётом регистра", "З урахуванням регістру"},
	"watch.f_scope":        {"Scope", "Область", "Область"},
	"watch.f_aliases":      {"Aliases", "Другие названия", "Інші назви"},
	"watch.f_exclude":      {"Excluded phrases", "Исключённые фразы", "Виключені фрази"},
	"watch.removed":        {"Removed the watch **%s** and its mentions.", "Удалено отслеживание **%s** и его упоминания.", "Видалено відстеження **%s** та його згадки."},
	"watch.none":           {"No watches yet. Admins add them with /watch add.", "Пока ничего не отслеживается. Администраторы добавляют отслеживание командой /watch add.", "Поки нічого не відстежується. Адміністратори додають відстеження командою /watch add."},
	"watch.global_tag":     {" · global", " · общее", " · спільне"},
	"watch.also":           {" — also %s", " — также %s", " — також %s"},
	"watch.list_title":     {"Watches (%d)", "Отслеживание (%d)", "Відстеження (%d)"},
	"watch.f_auto":         {"Auto aliases", "Автосинонимы", "Автосиноніми"},
	"watch.f_fuzzy":        {"Typo tolerance", "Допуск опечаток", "Допуск помилок"},
	"watch.f_surname":      {"Surname alone", "Одна фамилия", "Саме прізвище"},
	"watch.f_added":        {"Added aliases (%d)", "Добавленные синонимы (%d)", "Додані синоніми (%d)"},
	"watch.f_dropped":      {"Dropped aliases", "Убранные синонимы", "Прибрані синоніми"},
	"watch.more":           {" +%d more", " и ещё %d", " і ще %d"},
	"watch.alias_dropped":  {"Dropped the added alias %q of **%s**.", "Синоним %q убран из **%s**.", "Синонім %q прибрано з **%s**."},
	"watch.alias_restored": {"Restored the alias %q of **%s**.", "Синоним %q возвращён в **%s**.", "Синонім %q повернуто до **%s**."},
	"err.edit_what":        {"Give drop_alias or restore_alias.", "Укажите убрать_синоним или вернуть_синоним.", "Вкажіть прибрати_синонім або повернути_синонім."},
	"err.not_added":        {"%q is not an alias added to %q; /watch show lists them.", "%q не добавленный синоним %q; их список — в /watch show.", "%q не доданий синонім %q; їх список — у /watch show."},
	"err.not_dropped":      {"%q is not a dropped alias of %q.", "%q не убранный синоним %q.", "%q не прибраний синонім %q."},
	"src.geonames":         {"gazetteer (GeoNames)", "справочник мест (GeoNames)", "довідник місць (GeoNames)"},
	"src.translit":         {"transliteration %s", "транслитерация %s", "транслітерація %s"},
	"src.respell":          {"respelling %s", "написание %s", "написання %s"},
	"src.press":            {"press spelling", "газетное написание", "газетне написання"},
	"src.supplement":       {"newswatch's list of regions and landmarks", "список регионов и мест newswatch", "список регіонів і місць newswatch"},
	"src.surname":          {"surname", "фамилия", "прізвище"},

	"err.interval":       {"The interval must be a duration between 1m and 24h, like \"15m\" or \"2h\" (got %q).", "Интервал должен быть от 1m до 24h, например \"15m\" или \"2h\" (получено %q).", "Інтервал має бути від 1m до 24h, наприклад \"15m\" або \"2h\" (отримано %q)."},
	"err.feed_cap":       {"This server already has %d feeds, the most it may have. Remove one with /feed remove first.", "На этом сервере уже %d лент — это максимум. Сначала удалите одну командой /feed remove.", "На цьому сервері вже %d стрічок — це максимум. Спершу видаліть одну командою /feed remove."},
	"feed.added":         {"Subscribed to **%s** (feed #%d, %s). Its items start arriving with the next poll; items already in it raise no alerts.", "Подписка на **%s** оформлена (лента #%d, %s). Материалы начнут поступать со следующего опроса; по уже опубликованным оповещений не будет.", "Підписку на **%s** оформлено (стрічка #%d, %s). Матеріали почнуть надходити з наступного опитування; за вже опублікованими сповіщень не буде."},
	"feed.removed":       {"Unsubscribed from feed #%d.", "Подписка на ленту #%d отменена.", "Підписку на стрічку #%d скасовано."},
	"err.global_feed":    {"Feed #%d comes from the bot's configuration and is shared by every server; it is read-only from Discord.", "Лента #%d задана в настройках бота и общая для всех серверов; из Discord её менять нельзя.", "Стрічку #%d задано в налаштуваннях бота, вона спільна для всіх серверів; з Discord її змінювати не можна."},
	"feed.retried":       {"Feed #%d will be polled again now; its failure count was reset.", "Лента #%d будет опрошена снова прямо сейчас; счётчик сбоев сброшен.", "Стрічку #%d буде опитано знову просто зараз; лічильник збоїв скинуто."},
	"feed.none":          {"No feeds yet. Admins add them with /feed add.", "Лент пока нет. Администраторы добавляют их командой /feed add.", "Стрічок поки немає. Адміністратори додають їх командою /feed add."},
	"feed.list_title":    {"Feeds (%d)", "Ленты (%d)", "Стрічки (%d)"},
	"feed.ok":            {"✅ OK", "✅ в порядке", "✅ гаразд"},
	"feed.failing":       {"❌ failing since <t:%d:R>", "❌ сбоит с <t:%d:R>", "❌ збоїть з <t:%d:R>"},
	"feed.recent_errors": {"⚠️ recent errors", "⚠️ недавние ошибки", "⚠️ нещодавні помилки"},
	"feed.not_fetched":   {"⏳ not fetched yet", "⏳ ещё не загружалась", "⏳ ще не завантажувалась"},
	"feed.status":        {"Status: %s", "Состояние: %s", "Стан: %s"},
	"feed.global_tag":    {" · global (read-only here)", " · общая (здесь только для чтения)", " · спільна (тут лише для читання)"},
	"feed.last_error":    {"Last error: %s", "Последняя ошибка: %s", "Остання помилка: %s"},
	"feed.failures":      {"Failures in a row: %d", "Сбоев подряд: %d", "Збоїв поспіль: %d"},
	"feed.last_success":  {"Last success: <t:%d:R>", "Последний успех: <t:%d:R>", "Останній успіх: <t:%d:R>"},
	"feed.items":         {"Items: %d", "Материалов: %d", "Матеріалів: %d"},
	"feed.next_poll":     {"Next poll: <t:%d:R>", "Следующий опрос: <t:%d:R>", "Наступне опитування: <t:%d:R>"},

	"err.pick_channel_role": {"Pick a channel (and optionally a role) from the list.", "Выберите канал (и, если нужно, роль) из списка.", "Виберіть канал (і, за потреби, роль) зі списку."},
	"err.pick_channel":      {"Pick a channel from the list.", "Выберите канал из списка.", "Виберіть канал зі списку."},
	"err.kind":              {"Unknown kind %q (use city or actor).", "Неизвестный тип %q (city или actor).", "Невідомий тип %q (city або actor)."},
	"err.everyone":          {"The bot does not ping @everyone; pick another role.", "Бот не упоминает @everyone; выберите другую роль.", "Бот не згадує @everyone; виберіть іншу роль."},
	"alerts.set":            {"Alerts %s.", "Оповещения %s.", "Сповіщення %s."},
	"alerts.every":          {"for every watch", "обо всём отслеживаемом", "про все відстежуване"},
	"alerts.cities":         {"for city watches", "о городах", "про міста"},
	"alerts.actors":         {"for actor watches", "о персонах", "про осіб"},
	"alerts.route":          {"%s go to <#%s>", "%s приходят в <#%s>", "%s надходять до <#%s>"},
	"alerts.pinging":        {", pinging <@&%s>", " с упоминанием <@&%s>", " зі згадкою <@&%s>"},
	"alerts.off":            {"Alerts in <#%s> are off.", "Оповещения в <#%s> выключены.", "Сповіщення в <#%s> вимкнено."},
	"alerts.none":           {"No alert channels. Admins add one with /alerts set.", "Каналов оповещений нет. Администраторы добавляют их командой /alerts set.", "Каналів сповіщень немає. Адміністратори додають їх командою /alerts set."},
	"alerts.no_reason":      {"no reason recorded", "причина не записана", "причину не записано"},
	"alerts.disabled":       {"⛔ disabled: %s Fix the channel permissions, then run /alerts set again.", "⛔ отключено: %s Исправьте права в канале и снова выполните /alerts set.", "⛔ вимкнено: %s Виправте дозволи в каналі й знову виконайте /alerts set."},
	"alerts.list_title":     {"Alert channels (%d)", "Каналы оповещений (%d)", "Канали сповіщень (%d)"},

	"err.no_watch":      {"No watch is named %q.", "Нет отслеживания с названием %q.", "Немає відстеження з назвою %q."},
	"err.feed_followed": {"The feed %s is already followed here or by every server.", "Лента %s уже читается здесь или всеми серверами.", "Стрічка %s уже читається тут або всіма серверами."},
	"err.no_route":      {"Alerts are not sent to <#%s>.", "В <#%s> оповещения не отправляются.", "До <#%s> сповіщення не надсилаються."},
	"err.channel_other": {"<#%s> is not a channel of this server.", "<#%s> — не канал этого сервера.", "<#%s> — не канал цього сервера."},
	"err.channel_type":  {"<#%s> is not a text or announcement channel.", "<#%s> — не текстовый канал и не канал объявлений.", "<#%s> — не текстовий канал і не канал оголошень."},
	"err.role_other":    {"That role is not one of this server's.", "Эта роль не принадлежит этому серверу.", "Ця роль не належить цьому серверу."},
	"err.perm_lookup":   {"I could not check my permissions in <#%s> just now; please try again.", "Не удалось проверить мои права в <#%s>; попробуйте ещё раз.", "Не вдалося перевірити мої дозволи в <#%s>; спробуйте ще раз."},
	"perm.view":         {"I can't see <#%s>: give me View Channel there.", "Я не вижу <#%s>: дайте мне там право «Просматривать канал».", "Я не бачу <#%s>: надайте мені там дозвіл «Переглядати канал»."},
	"perm.send":         {"I can't send messages in <#%s>: give me Send Messages there.", "Я не могу писать в <#%s>: дайте мне там право «Отправлять сообщения».", "Я не можу писати в <#%s>: надайте мені там дозвіл «Надсилати повідомлення»."},
	"perm.embed":        {"I can't embed links in <#%s>: give me Embed Links there.", "Я не могу встраивать ссылки в <#%s>: дайте мне там право «Встраивать ссылки».", "Я не можу вбудовувати посилання в <#%s>: надайте мені там дозвіл «Вбудовувати посилання»."},
	"perm.ping":         {"I can't ping the role %s in <#%s>: make the role mentionable, or give me Mention @everyone, @here and All Roles there.", "Я не могу упомянуть роль %s в <#%s>: разрешите упоминать эту роль или дайте мне там право «Упоминание @everyone, @here и всех ролей».", "Я не можу згадати роль %s в <#%s>: дозвольте згадувати цю роль або надайте мені там дозвіл «Згадувати @everyone, @here та всі ролі»."},

	"help.title":      {"newswatch commands", "Команды newswatch", "Команди newswatch"},
	"help.intro":      {"newswatch watches news feeds for the cities and people you follow and posts alerts here.", "newswatch следит за новостными лентами, ищет в них города и персон, которых вы отслеживаете, и присылает сюда оповещения.", "newswatch стежить за стрічками новин, шукає в них міста й осіб, яких ви відстежуєте, і надсилає сюди сповіщення."},
	"help.everyone":   {"For everyone", "Для всех", "Для всіх"},
	"help.admins":     {"For admins", "Для администраторов", "Для адміністраторів"},
	"help.admin_note": {"Admin commands need Manage Server or the bot's admin role; the bot checks this on every use. Server admins can also limit who sees each command under Server Settings → Integrations.", "Командам администраторов нужно право «Управлять сервером» или роль администратора бота; бот проверяет это при каждом вызове. Администраторы сервера также могут ограничить, кто видит каждую команду: Настройки сервера → Интеграция.", "Командам адміністраторів потрібен дозвіл «Керувати сервером» або роль адміністратора бота; бот перевіряє це під час кожного виклику. Адміністратори сервера також можуть обмежити, хто бачить кожну команду: Налаштування сервера → Інтеграції."},
}
