# Builds devset.json: news excerpts from public pages (found with the search
# tool's stored pages), labelled by story. Run: python3 build_devset.py
import json
items = []
def add(id, event, story, outlet, url, date, lang, title, text, note=""):
    d = dict(id=id, event=event, story=story, outlet=outlet, url=url, date=date, lang=lang, title=title, text=text.strip())
    if note: d["note"] = note
    items.append(d)

# E1: record drone attack on Kyiv on Kyiv Day, 2023-05-28. Reuters copy (S1)
# in four outlets; six other texts on the same event.
add("e1-kslm", "kyivday-2023", "e1-reuters", "kslm.news", "https://www.kslm.news/category/town-hall-news/page/19803", "2023-05-28", "en",
    "Russia unleashes largest drone attack on Ukrainian capital ahead of Kyiv Day",
    "By Valentyn Ogirenko and Gleb Garanich KYIV (Reuters) -Russia unleashed waves of air strikes on Kyiv overnight in what officials said appeared to be the largest drone attack on the city since the start of the war, as the Ukrainian capital prepared to celebrate the anniversary of its founding on Sunday. Ukraine’s Air Force said it downed 52 out of the 54 Russia-launched drones, calling it a record attack with […]")
add("e1-bdnews24", "kyivday-2023", "e1-reuters", "bdnews24", "https://bdnews24.com/world/europe/htk3g562js", "2023-05-28", "en", "",
    """Russia unleashed multiple waves of air strikes on Kyiv overnight in what officials said appeared to be the largest drone attack on the city since the start of the war, as the Ukrainian capital prepared to celebrate the anniversary of its founding on Sunday.

In what also appeared to be the first deadly attack on Kyiv in May and the 14th assault since the start of the month, officials said air defence systems downed at least 40 drones moving towards Kyiv with falling debris killing one person.

The pre-dawn attacks came on the last Sunday of May when the capital celebrates Kyiv Day, the anniversary of its official founding 1,541 years ago. The day is typically marked by street fairs, live concerts and special museum exhibitions - plans for which have been made this year too, but on a smaller scale.""")
add("e1-national", "kyivday-2023", "e1-reuters", "The National", "https://www.thenationalnews.com/world/europe/2023/05/28/kyiv-hit-by-largest-barrage-of-drones-since-war-began/", "2023-05-28", "en",
    "Kyiv hit by largest barrage of drones since war began",
    """Russia unleashed multiple waves of air strikes on Kyiv overnight in what officials said appeared to be the largest drone attack on the city since the start of the war, as Ukraine's capital prepared to celebrate the anniversary of its founding on Sunday.

Officials said air defence systems downed at least 40 drones moving towards Kyiv. At least one person was killed and two injured in the strikes, officials said.

The predawn attacks came on the last Sunday of May when the capital celebrates Kyiv Day, the anniversary of its official founding 1,541 years ago.

The day is typically marked by street fairs, live concerts and special museum exhibitions – plans for which have been made this year too, but on a smaller scale.

READ MORE Drones attack Russia's Druzhba oil pipeline

“The history of Ukraine is a long-standing irritant for the insecure Russians,” Andriy Yermak, the head of President Volodymyr Zelenskyy's office, said on his Telegram channel.

Preliminary information indicated the air raid was the largest drone attack on Kyiv since the start of Russia's invasion in February 2022, Serhiy Popko, the head of Ukraine's military administration said.

He said Russia used the Iranian-made Shahed drones in the attack.

“Today, the enemy decided to 'congratulate' the people of Kyiv on Kyiv Day with the help of their deadly UAVs [unmanned aerial vehicles],” Mr Popko said on the Telegram messaging app.

“The attack was carried out in several waves, and the air alert lasted more than five hours.”

Several districts of Kyiv, by far the largest Ukrainian city with a population of around three million, suffered in the overnight attacks, officials said, including the historical Pecherskyi neighbourhood.""")
add("e1-yahoo", "kyivday-2023", "e1-reuters", "Yahoo (Evening Standard)", "https://ca.sports.yahoo.com/news/russia-unleashes-waves-air-strikes-063126330.html", "2023-05-28", "en",
    "Russia unleashes waves of air strikes on Kyiv as Ukraine ‘ready to launch counteroffensive’",
    """Russia unleashed waves of air strikes on Kyiv overnight in what appeared to be the largest drone attack on the city since the start of the war.

Ukraine’s Air Force said it downed 52 out of the 54 Russia-launched drones, calling it a record attack with the Iranian-made ‘kamikaze’ drones. It was not immediately clear how many of the drones were shot over Kyiv.

In what also appears to be the first deadly attack on Kyiv in May and the 14th assault this month, falling debris killed a 41-year-old man, Mayor Vitali Klitschko said.

It comes as Kyiv is expected to launch a highly anticipated counteroffensive soon to retake Russian-occupied territory.

Oleksiy Danilov, secretary of Ukraine’s National Security and Defence Council, told the BBC that the push could begin “tomorrow, the day after tomorrow or in a week”.

Presidential aide Mykhailo Podolyak, speaking to The Guardian, said preliminary operations such as destroying supply lines or blowing up depots had already begun.

The pre-dawn attacks came on the last Sunday of May when the capital celebrates Kyiv Day, the anniversary of its official founding 1,541 years ago. The day is typically marked by street fairs, live concerts and special museum exhibitions - plans for which have been made this year too, but on a smaller scale.

“The history of Ukraine is a long-standing irritant for the insecure Russians,” Andriy Yermak, the head of President Volodymyr Zelenskiy’s office, said on his Telegram channel.

Air Force said on Telegram that Russia had targeted military and critical infrastructure facilities in the central regions of Ukraine, and the Kyiv region in particular.

Reuters was unable to independently verify the information.

A drone explosion is seen in the sky over the Ukrainian capital (REUTERS)""")
add("e1-defenceblog", "kyivday-2023", "e1-defenceblog", "Defence Blog", "https://defence-blog.com/ukraine-thwarts-largest-drone-attack-on-kyiv/", "2023-05-28", "en",
    "Ukraine thwarts largest drone attack on Kyiv",
    """Ukraine said its forces shot down 52 Iranian-made Shahed drones that Russia used to attack military and critical infrastructure facilities in the central regions of Ukraine, and the Kyiv region in particular.
According to a statement from Ukrainian Air Force, it downed 52 of the 54 Russia-launched drones, calling it a record attack with the Iranian-made “kamikaze” drones since the start of the war.
“In total, a record number of explosive drones launched have been recorded: 54!” the Ukrainian air force said.
In Kyiv alone, more than 40 drones were downed, officials said.
This information has not been independently verified.
Authorities say two people were killed and three injured during the attack on the Ukrainian capital.
Some officials accused Russia of targeting Kyiv deliberately as residents prepared to celebrate Kyiv Day – the anniversary of the city’s foundation 1500 years ago and a popular holiday before the war.""")
add("e1-tag24", "kyivday-2023", "e1-tag24", "TAG24", "https://www.tag24.com/topic/ukraine-conflict/ukraine-war-russia-launches-massive-overnight-drone-attack-on-kyiv-2847468", "2023-05-28", "en",
    "Ukraine war: Russia launches massive overnight drone attack on Kyiv",
    """Kyiv, Ukraine – Russia carried out one of the heaviest drone attacks in recent months against Ukraine during the night, the Ukrainian air force said on Sunday.

A firefighter at a site of a tobacco factory in Kyiv, Ukraine, damaged during a Russian drone strike. © REUTERS

"In total, the launch of a record number of kamikaze drones was registered: 54!" the air force wrote on Telegram early Sunday.

Military officials said that 52 of the aerial drones were shot down and that the attack was mainly aimed at the capital Kyiv.

Kyiv's mayor, Vitali Klitschko, said a 35-year-old woman was injured by debris from a falling drone and a 41-year-old man was killed.

40 drones were shot down over Kyiv in the nighttime assault. It was the 14th such attack since the beginning of May, military governor Serhiy Popko wrote on Telegram.""")
add("e1-24news", "kyivday-2023", "e1-24news", "24newsbulletin", "https://24newsbulletin.com/world/94016.html", "2023-05-28", "en",
    "Zelensky salutes air defence after largest drone attack on Kiev",
    """Ukrainian President Volodymyr Zelensky saluted his country’s air defense and rescue forces on Sunday after Kiev endured the largest Russian drone attack since the invasion began.
“You look up to destroy enemy missiles, planes, helicopters and drones. Every time you shoot down enemy drones and missiles, lives are saved…you are heroes!” said Zelensky, thanking the rescuers as well.
Ukraine announced this Sunday that it had fought “the most significant drone strike” in Kiev since the start of the Russian invasion, leaving two dead and three injured, Ukrainian authorities announced.
Ukrainian officials said they destroyed 52 of 54 drones with explosives launched into the country by Moscow from Saturday evening to today, including “more than 40” in the capital alone.
“In total, a record number of explosive drones launched was recorded: 54!” Confirmed the Ukrainian Air Force on the Telegram social network, which claimed to have destroyed “52”.
So far, authorities have reported two dead and three injured in Kiev.
Source: DN""")
add("e1-lb", "kyivday-2023", "e1-lb", "LB.ua", "https://en.lb.ua/news/2023/05/28/20582_ukraine_survives_heaviest.html", "2023-05-28", "en",
    "Ukraine survives heaviest drone attack",
    """Today, Ukraine has survived one of the heaviest drone attacks when Russia launched 54 Shahed attack UAVs at once, President Volodymyr Zelenskyy has said on Telegram.
"Almost all of them were shot down. Unfortunately, there are hits in Zhytomyr Region. But still, most of the destruction was averted, most of the lives that could have been taken by these Shaheds were saved," the head of state said.
He thanked everyone who defended the Ukrainian sky that night.
The president added that during this terrorist attack, the most powerful strike was directed against Kyiv Region.
According to the General Staff of the Armed Forces of Ukraine, last night Russia launched another massive strike against Ukraine using Iranian Shahed attack drones. Ukrainian air defences destroyed 58 out of 59 drones.""")
add("e1-marketscreener", "kyivday-2023", "e1-reuters-video", "MarketScreener (Reuters video script)", "https://www.marketscreener.com/quote/currency/US-DOLLAR-RUSSIAN-ROUBL-2370597/news/Russia-unleashes-drone-attack-ahead-of-Kyiv-Day-43970176/?utm_medium=RSS&utm_content=20230528", "2023-05-28", "en",
    "Russia unleashes drone attack ahead of Kyiv Day",
    """STORY: Russia unleashed waves of air strikes on the Ukrainian capital overnight as it prepared to celebrate the anniversary of its founding, Kyiv Day, on Sunday (May 28).

Officials called it a record drone attack on the city - the largest since the war started.

Ukraine's Air Force said it downed 52 out of the 54 Iranian-made 'kamikaze' drones.

Falling debris killed a 41-year-old man, Mayor Vitali Klitschko said, and set a three-story warehouse on fire.

Reuters witnesses said air raid alerts started soon after midnight and some people stood on their balconies screaming insults at Russian President Vladimir Putin.

With a Ukrainian counteroffensive looming 15 months into the war, Moscow has intensified air strikes after a lull of nearly two months, chiefly targeting military sites and supplies.

Kyiv Day marks the official founding of the city 1,541 years ago.

Usually it holds street fairs, live concerts and special museum exhibitions - but this year celebrations were planned on a smaller scale.""",
    note="a separately written Reuters video script on the same event: not the article")
add("e1-wenews", "kyivday-2023", "e1-wenews", "WE News English", "https://wenewsenglish.com/russia-unleashes-air-strikes-on-kyiv-as-ukrainian-capital-marks-its-birthday", "2023-05-28", "en",
    "Russia unleashes air strikes on Kyiv as Ukrainian capital marks its birthday",
    """KYIV: As Kyiv prepares to celebrate its birthday on Sunday, Russia launched a significant two-wave overnight air strike on the Ukrainian capital, killing at least one person in the attack, according to officials.
According to Mayor Vitali Klitschko, air defence systems shot down at least 20 drones that were headed for Kyiv, with the falling debris killing a 41-year-old male and wounding a 35-year-old woman in the city.
On the last Sunday in May, the capital celebrates Kyiv Day, marking the day of the city’s formal creation 1,541 years ago. Street festivals, live performances, and special museum displays celebrate the day every year and preparations for all of these events have been planned this year as well, but on a lower scale.
According to Andriy Yermak, the head of President Volodymyr Zelenskiy’s office, “the history of Ukraine is a long-standing irritant for the insecure Russians”.
Officials said that many areas of Kyiv, by far the largest city in Ukraine with a population of almost 3 million, including the storied Pecherskyi quarter, were affected by the overnight attacks.""",
    note="the Reuters story reworded sentence by sentence: a rewrite, not a copy")

# E2: drone attack on Kyiv, 2024-09-30. One Reuters story in three
# successive versions at swissinfo (S2); four other texts.
add("e2-swiss-v1", "kyiv-drones-2024-09-30", "e2-reuters", "swissinfo.ch (Reuters), first version", "https://www.swissinfo.ch/eng/russia-launches-drone-attack-on-kyiv%2C-ukraine%27s-military-says/87642759", "2024-09-30", "en",
    "Russia launches drone attack on Kyiv, Ukraine’s military says",
    """KYIV (Reuters) – Russia launched a drone attack on Kyiv early on Monday, with air defence units engaged in repelling the strikes, Ukraine’s military said.

Reuters’ witnesses heard several blasts that sounded like air defence systems in operation and saw objects being hit in the air.

Kyiv, its surrounding region and all eastern part of Ukraine were under air raid alerts, with Ukraine’s air force warning of Russia targeting the territory with attack drones.""")
add("e2-swiss-v2", "kyiv-drones-2024-09-30", "e2-reuters", "swissinfo.ch (Reuters), second version", "https://www.swissinfo.ch/eng/russia-launches-several-waves-of-drone-attacks-on-kyiv%2C-ukraine%27s-military-says/87642759", "2024-09-30", "en",
    "Russia launches several waves of drone attacks on Kyiv, Ukraine’s military says",
    """KYIV (Reuters) -Russia launched several waves of drone attacks targeting Kyiv early on Monday, with air defence units engaged in repelling the strikes for several hours, Ukraine’s military said.

Reuters’ witnesses heard numerous blasts in Kyiv in what sounded like air defence systems in operation and saw objects being hit in the air.

Kyiv, its surrounding region and all eastern part of Ukraine have been under air raid alerts since around 1 a.m. on Monday (2200 GMT on Sunday).

“Several enemy UAV (unmanned aerial vehicles) are over and near the capital,” Vitali Klitschko, Kyiv’s mayor said on the Telegram messaging app.

Ukraine’s air force said earlier on Telegram that several groups of Russian drone attacks were heading towards Kyiv and Ukraine’s west. It also said it detected the launch of several guided bombs from Russia-controlled parts of Ukraine at around 04:40 a.m. (0140 GMT).

There was no immediate comment from Moscow, which has launched multiple air attacks on Kyiv and Ukraine throughout September, targeting Ukraine’s energy, military and transport infrastructure in which dozens of civilians have died.

There were no immediate reports of damage or casualties as a result of the attacks.

(Reporting by Gleb Garanich, Valentyn Ogirenko, Pavel Polityuk and Sergiy Karazy in Kyiv; Writing by Lidia Kelly in Melbourne; Editing by Tom Hogue and Lincoln Feast.)""")
add("e2-swiss-v3", "kyiv-drones-2024-09-30", "e2-reuters", "swissinfo.ch (Reuters), third version", "https://www.swissinfo.ch/eng/russia-launches-waves-of-drone-attacks-on-kyiv%2C-ukraine%27s-military-says/87642759", "2024-09-30", "en",
    "Russia launches waves of drone attacks on Kyiv, Ukraine’s military says",
    """By Gleb Garanich and Pavel Polityuk

KYIV (Reuters) -Russia launched several waves of drones targeting Kyiv early on Monday, with air defence units successfully defending the city, Ukraine’s military said.

Reuters’ witnesses heard numerous blasts in the Ukrainian capital in what sounded like air defence systems in operation and saw objects being hit in the air.

All the drones that Russian launched at Kyiv were either destroyed by defence systems or neutralised by electronic warfare, Serhiy Popko, the head of Kyiv’s military administration said on the Telegram messaging app.

Estimates of the full scale of the attack will come later on Monday, but according to preliminary information, there were no casualties and no damage reported, he added.

Kyiv, its surrounding region and all of the eastern part of Ukraine were under air raid alerts for more than five hours early on Monday, according to data from Ukraine’s air force.

Russia has launched multiple air attacks on Kyiv and Ukraine throughout September, targeting Ukraine’s energy, military and transport infrastructure in attacks which have killed dozens of civilians.

Russia denies targeting civilians in the full-scale invasion it called a “special operation” when it was launched in February 2022.

(Reporting by Gleb Garanich, Valentyn Ogirenko, Pavel Polityuk and Sergiy Karazy in Kyiv; Writing by Lidia Kelly in Melbourne; Editing by Tom Hogue and Lincoln Feast.)""")
add("e2-dailypost", "kyiv-drones-2024-09-30", "e2-dailypost", "Daily Post (Nigeria)", "https://dailypost.ng/2024/09/30/ukraine-repels-russian-drone-attack/", "2024-09-30", "en",
    "Ukraine repels Russian drone attack",
    """The Kiev military administration has said it repelled a drone attack launched by Russia on Ukraine.

Authorities on Monday said Russia attacked the Ukrainian capital, Kiev, with swarms of combat drones overnight.

Revealing the attack on Telegram, the military said there were initially no reports of casualties or damages.

It added that in the Mykolaiv region in southern Ukraine, a Russian drone hit unspecified infrastructure, causing a fire.

According to Ukraine’s Air Force, 67 of 73 drones had been shot down overnight.

Recall that Ukraine has been defending itself against a full-scale Russian invasion since February 2022.

The country is highly dependent on Western weapons.""")
add("e2-devdiscourse", "kyiv-drones-2024-09-30", "e2-devdiscourse", "Devdiscourse", "https://www.devdiscourse.com/article/law-order/3144824-kyiv-under-siege-drone-attacks-intensify", "2024-09-30", "en",
    "Kyiv under siege: drone attacks intensify",
    """In a tense atmosphere, Ukraine's air defense units mobilized to repel a Russian drone attack targeting Kyiv, according to military officials on Monday.

The urgency of the situation was underscored by Serhiy Popko, head of Kyiv's military administration, who advised residents to 'Stay in shelters!' via a message on Telegram.

Amidst the chaos, Reuters reporters in Kyiv confirmed the sound of explosions, indicative of active air defense responses throughout the city.

(With inputs from agencies.)""")
add("e2-wenewspk", "kyiv-drones-2024-09-30", "e2-wenewspk", "WE News (Pakistan)", "https://wenewsenglish.pk/ukraines-air-defence-repels-russian-drone-attacks-on-kyiv/", "2024-09-30", "en",
    "Ukraine’s air defence repels Russian drone attacks on Kyiv",
    """KYIV, Ukraine: Russia launched multiple waves of drones targeting Kyiv early Monday, but Ukraine’s air defense successfully intercepted and neutralized the attacks, according to Ukraine’s military. Witnesses reported hearing blasts as the defense systems engaged the drones, which were either destroyed or disabled by electronic warfare.
Serhiy Popko, head of Kyiv’s military administration, confirmed that there were no casualties or damage from the attack. Air raid alerts lasted over five hours across Kyiv and eastern Ukraine.
Throughout September, Russia has intensified air attacks on Ukraine, focusing on military, energy, and transport infrastructure. Despite numerous civilian casualties, Russia continues to deny intentionally targeting non-combatants in the conflict, which it describes as a “special operation.”""",
    note="the Reuters story reworded: a rewrite, not a copy")
add("e2-deccan", "kyiv-drones-2024-09-30", "e2-deccan", "Deccan Herald", "https://www.deccanherald.com/world/russia-launched-drone-attack-on-kyiv-ukrainian-officials-2832084", "2024-01-01", "en",
    "Russia launched drone attack on Kyiv: Ukrainian officials",
    """Kyiv: Russia launched a drone attack on Kyiv in the early hours of Monday, Ukrainian officials said, with downed drone debris sparking a fire at a residential building in one of the capital's districts.

Kyiv Mayor Vitali Klitschko said on the Telegram messaging app that the loud explosions heard in the city were the work of air defence systems engaged in repelling the attack.

Falling drone debris sparked a fire in Desnianskyi district, he added. The district, on the east bank of the Dnipro River is Kyiv's most populous.""",
    note="date unknown; another Monday attack")

# E3: Koval on Russian manoeuvres near the border, 2014-04-25: five
# independent texts in three languages.
add("e3-reuters", "koval-2014-04-25", "e3-reuters", "Reuters", "http://www.reuters.com/article/us-ukraine-crisis-koval-idUSBREA3O0N420140425", "2014-04-25", "en",
    "Ukraine says Russian troops came close to border",
    """KIEV (Reuters) - Russian troops conducting exercises close to the Ukrainian frontier this week came within one kilometer of the border but did not cross, Ukraine’s defense minister was quoted as saying on Friday by Interfax-Ukraine news agency.

Saying that a column of Russian forces had approached to within 1 km (1,100 yards) of the border and that aircraft had also taken part in the maneuvers, Mykhailo Koval added: “Ukraine’s armed forces are ready to repel any aggression.”

Reporting by Alastair Macdonald; Editing by Richard Balmforth""")
add("e3-zn", "koval-2014-04-25", "e3-zn", "ZN.ua", "https://zn.ua/amp/UKRAINE/rossiyskaya-armiya-provodit-manevry-v-kilometre-ot-ukrainskoy-granicy-143918_.html", "2014-04-25", "ru",
    "Российская армия проводит маневры в километре от украинской границы",
    """Российские войска не нарушали украинскую границу в рамках маневров в четверг, однако Вооруженные Силы Украины готовы к отражению агрессии, заявил и.о. министра обороны Украины Михаил Коваль.
"Вооруженные силы Украины готовы к отражению любой агрессии. Границ они (российские войска) не нарушали. Вчера были некоторые маневры поблизости госграницы – мы провели соответствующее реагирование", - сказал Коваль в пятницу, 25 апреля в Киеве.
Руководитель ведомства уточнил, что в ходе маневров российские войска осуществляли подход колонн к госгранице Украины на расстояние до 1 километра, также осуществлялись полеты авиации.
- Постпред Украины в ООН рассказал о сотнях российских танков у границы Украины
Как сообщалось, 24 апреля министр обороны РФ Сергей Шойгу заявил, что в ответ на антитеррористическую операцию на востоке Украине начались учения батальонных тактических групп общевойсковых соединений Южного и Западного военных округов РФ.""")
add("e3-21by", "koval-2014-04-25", "e3-21by", "21.by", "http://m.21.by/world/2014/04/25/916596.html", "2014-04-25", "ru",
    "Киев: Российская армия не пересекала границу Украины",
    """Киев, 25 апреля. Российская армия во время начатых накануне маневров оставалась на территории РФ и не пересекала украинскую границу. Об этом заявил назначенный Верховной радой министр обороны Украины Михаил Коваль, передает «Интерфакс».

«Вооруженные силы Украины готовы к отражению любой агрессии. Границ российские войска не нарушали. Вчера были некоторые маневры поблизости госграницы - мы провели соответствующее реагирование», - подчеркнул он.

По данным Коваля, колонны российских войск подходили к границе на расстояние 1 км, кроме того, поблизости осуществлялись полеты военной авиации.

ТАКЖЕ ЧИТАЙТЕ: Вертолет в Краматорске уничтожен выстрелом из гранатомета

Напомним, что о начале учений батальонных тактических групп общевойсковых соединений Южного и Западного военных округов в связи с обострением ситуации на юго-востоке Украины объявил министр обороны России Сергей Шойгу.""",
    note="shares Koval's quote with e3-zn; the rest is written differently")
add("e3-segodnya", "koval-2014-04-25", "e3-segodnya", "Segodnya", "https://ukraine.segodnya.ua/ua/amp-ukraine/vooruzhennye-sily-ukrainy-gotovy-k-otrazheniyu-agressii-io-ministra-oborony-515727.html", "2014-04-25", "uk",
    "Збройні сили України готові до відбиття агресії – в.о. міністра оборони",
    """25 квітня 2014, 11:50
Поки російські військові не порушували український кордон

Михайло Коваль. Фото: zn.ua

В.о. міністра оборони України Михайло Коваль під час спілкування з журналістами зазначив, що Збройні Сили України готові до відбиття агресії з боку РФ.

За його словами, поки російські військові не порушували український кордон в рамках маневрів, про початок яких повідомляв міністр оборони РФ Сергій Шойгу.

Реклама

"Вчора були деякі маневри поблизу держкордону – ми провели відповідне реагування", – підкреслив Коваль.

Він додав, що в ході маневрів російські війська здійснювали підхід колон до держкордону України на відстань до 1 км.""")
add("e3-mostdnepr", "koval-2014-04-25", "e3-mostdnepr", "Most-Dnepr", "https://most-dnepr.info/news/crime/102947_voennie_rf_provodyat_manevri.htm", "2014-04-25", "ru",
    "Военные РФ проводят маневры в километре от границы",
    """И. о. министра обороны Михаил Коваль заявил, что российские военные проводят маневры в рамках учений на расстоянии одного километра от украинской границы, пишет «РБК-Украина».
«Вчера были определенные маневры поблизости границы. Мы на них реагировали... Были подходы к государственной границе на расстоянии одного километра», - заявил Михаил Коваль.
По его словам, государственную границу российские военные не пересекали. Вместе с этим Коваль отметил, что украинская армия готова защищать родину.
Напомним, 24 апреля украинские силовики активизировали антитеррористическую операцию на востоке Украины. Так, подразделения МВД уничтожили 3 блокпоста в Славянске (Донецкая область), в результате чего погибли 5 сепаратистов. В ответ РФ начала проводить активные военные учения у границы с Украиной.
Читайте также: С сегодняшнего дня начинает действовать граница между Крымом и материковой Украиной""")

# E4: shelling of Sloviansk, 2022-08-29: Interfax-Ukraine in Ukrainian and
# in Russian (a translation: separate stories), two other texts quoting the
# same post of the mayor.
add("e4-ifx-uk", "sloviansk-2022-08-29", "e4-ifx-uk", "Interfax-Ukraine (uk)", "https://interfax.com.ua/news/general/855226-amp.html", "2022-08-29", "uk",
    "Окупанти обстріляли Слов'янськ зі ствольної артилерії, зруйновано приватний будинок, постраждалих немає – мер",
    """Російські окупанти в понеділок обстріляли Слов'янськ зі ствольної артилерії, внаслідок чого в місті було зруйновано приватний будинок, пошкоджено кілька багатоповерхових будівель, повідомив начальник Слов'янської міської військової адміністрації Вадим Лях.
"Слов'янськ знову обстрілюють. Близько десяти потужних вибухів у центрі. Швидше за все, працювала ствольна артилерія. Пошкоджено кілька багатоповерхівок. Декілька загорянь. Зруйновано приватний будинок. На щастя, без постраждалих і без жертв", - написав Лях у фейсбуці.
За його словами, пошкодження, завдані під час обстрілу, уточнюються. Наразі обстріл триває.
"Небезпечно скрізь! Тому без потреби не виходьте з приміщень. Пам'ятайте про можливість евакуюватися!", - підсумував він.
Реклама
Реклама
ЩЕ ЗА ТЕМОЮ""")
add("e4-ifx-ru", "sloviansk-2022-08-29", "e4-ifx-ru", "Interfax-Ukraine (ru)", "https://ru.interfax.com.ua/news/general/855225.html", "2022-08-29", "ru",
    "Оккупанты обстреляли Славянск из ствольной артиллерии, разрушен частный дом, пострадавших нет – мэр",
    """Российские оккупанты в понедельник обстреляли Славянск из ствольной артиллерии, в результате чего в городе был разрушен частный дом, повреждены несколько многоэтажных зданий, сообщил начальник Славянской городской военной администрации Вадим Лях.
"Славянск снова обстреливают. Около десятка мощных взрывов в центре. Скорее всего, работала ствольная артиллерия. Повреждены несколько многоэтажек. Несколько возгораний. Разрушен частный дом. К счастью, без пострадавших и без жертв", - написал Лях в фейсбуке.
По его словам, повреждения, нанесенные в ходе обстрела, уточняются. В данный момент обстрел продолжается.
"Опасно всюду! Поэтому без нужды не выходите из помещений. Помните о возможности эвакуироваться", - подытожил он.""",
    note="the Russian translation of e4-ifx-uk: a translation stays a separate story")
add("e4-slovoidilo", "sloviansk-2022-08-29", "e4-slovoidilo", "Slovo i Dilo", "https://slovoidilo.ua/amp/2022/08/29/novyna/suspilstvo/slovyansk-povtorno-obstrilyaly-vden-artyleriyi", "2022-08-29", "uk",
    "Слов'янськ повторно обстріляли вдень із артилерії",
    """Російські окупанти після обіду 29 серпня завдали удару по центру Слов'янська. Внаслідок обстрілу виникли пожежі.

Про це повідомив голова Слов'янської міської військової адміністрації Вадим Лях у Facebook.

«Слов'янськ знову обстрілюють. Близько десяти потужних вибухів у центрі. Швидше за все, працювала ствольна артилерія», - заявив Лях.

За його словами, пошкоджено кілька багатоповерхівок, зруйновано приватний будинок та кілька пожеж.

«На щастя, без постраждалих та без жертв. Пошкодження ще уточнюються, а обстріл продовжується. Небезпечно скрізь!», - додав мер.

Нагадаємо, росіяни сьогодні вночі вдарили по Слов'янську, через що у місті є проблема з енергопостачанням.

Вранці, 26 серпня, місто Слов'янськ Донецької області також потрапило під обстріл російських окупаційних військ. Мер закликав людей евакуюватись.

У ніч на 27 серпня ворог знову атакував Слов'янськ. Згорів будинок.

АКТУАЛЬНЕ ВІДЕО""",
    note="quotes the same post as e4-ifx-uk; written independently")
add("e4-ostro", "sloviansk-2022-08-29", "e4-ostro", "Ostro", "https://ostro.org/news/rashysty-snova-obstrelyvayut-slavyansk-povrezhdeny-zhylye-doma-i362899", "2022-08-29", "uk",
    "Рашисти знову обстрілюють Слов'янськ: пошкоджено житлові будинки",
    """Чергового удару по Слов'янську ворог завдав сьогодні вдень, 29 серпня. Про це повідомляє у Телеграм міська військова адміністрація з посиланням на очільника громади Вадима Ляха. "В центрі міста пролунало близько десяти потужних вибухів. Швидше за все, працювала ствольна артилерія. Пошкоджено кілька багатоповерхівок. Декілька загорянь. Зруйновано приватний будинок. На щастя, обійшлося без жертв та постраждалих. Масштаб ушкоджень уточнюється", - повідомив Лях. "Обстріл триває. Небезпечно скрізь! Тому без потреби не виходьте з приміщень, - застерігає очільник громади. - Пам'ятайте про можливість евакуюватись! Бережіть себе. Тримаємося. Ми разом!".""",
    note="quotes the same post as e4-ifx-uk at length; written independently")

# E5: checkpoints near Sloviansk destroyed, 2014-04-24: four texts, two of
# them quoting the same interior ministry release.
add("e5-sumy", "sloviansk-2014-04-24", "e5-sumy", "Inform.Sumy", "http://inform.sumy.ua/news2/index.php?id=676203", "2014-04-24", "ru",
    "Подразделения МВД уничтожили 3 блокпоста в Славянске, погибли 5 сепаратистов",
    """24.04.2014

Подразделения МВД уничтожили три блокпоста в Славянске (Донецкая область), погибли пять сепаратистов. Об этом сообщает пресс-служба Министерства внутренних дел Украины.

"В ходе проведения антитеррористической операции, подразделениями МВД и МО деблокированы и уничтожены 3 блокпоста незаконных вооруженных формирований в северо-восточной части города Славянска Донецкой области", - говорится в сообщении.

Во время боевого столкновения до пяти террористов было уничтожено. Со стороны правоохранителей получил ранения один боец.

Напомним, ранее сепаратисты заявили, что под Славянск стягиваются и берут город в кольцо украинские войска.

На северной окраине Славянска возле блокпоста уже начался бой правоохранителей и сепаратистов.

Также сообщается, что украинские войска высадились с двух вертолетов в районе села Макатыхи и двинулись в сторону поселка Северный.

(источник фото: Twitter Евромайдана)

Читайте также:""")
add("e5-hubs", "sloviansk-2014-04-24", "e5-hubs", "Hubs.ua", "https://hubs.ua/news/v-slavyanske-ubito-pyat-separatistov-mvd-7282.html", "2014-04-24", "ru",
    "В Славянске убито пять сепаратистов - МВД",
    """В Славянске во время антитеррористической операции погибли пять экстремистов.

В ходе проведения антитеррористической операции подразделениями Министерства внутренних дел и Министерства обороны Украины деблокированы  и уничтожены три блокпоста незаконных вооруженных формирований в северо-восточной части города Славянска Донецкой области.

Об этом сообщается на сайте МВД.

«Во время боевого столкновения до 5 террористов было уничтожено. Со стороны участников АТО один боец получил ранения», — отмечается в сообщении.

*

Top""",
    note="quotes the same ministry release as e5-sumy; the rest differs")
add("e5-kommersant", "sloviansk-2014-04-24", "e5-kommersant", "Kommersant", "https://kommersant.ru/gallery/2459634", "2014-04-24", "ru",
    "Спецоперация под Славянском",
    """В ходе спецоперации под Славянском были убиты пять бойцов самообороны. Согласно сообщению МВД Украины, "подразделениями были деблокированы и уничтожены три блокпоста незаконных вооруженных формирований в северо-восточной части Славянска". Также ранен один сотрудник МВД. Корреспондент газеты "Коммерсантъ" в Славянске Илья Питалев рассказал о том, что происходит в Славянске Петру Косенко.""")
add("e5-prokazan", "sloviansk-2014-04-24", "e5-prokazan", "ProKazan", "https://prokazan.ru/amp/world/view/mvd-ukrainy-v-hode-ataki-na-slavansk-ubity-pat-opolcencev", "2014-04-24", "ru",
    "МВД Украины: в ходе атаки на Славянск убиты пять ополченцев",
    """24.04.2014, 16:50 , Саша Гром

МВД Украины официально сообщило о том, что в ходе боев за Славянск погибли пять ополченцев. Об этом заявил глава МВД Арсен Аваков. По словам министра, на юго-востоке страны продолжается антитеррористическая операция.""")

# E6: debris falls in Pechersk district of Kyiv, 2025-11-08: one
# Interfax-Ukraine article as three crawls with different page furniture
# (same story), and UNN's own report.
add("e6-ifx-a", "kyiv-pechersk-2025-11-08", "e6-ifx", "Interfax-Ukraine (crawl 1)", "https://interfax.com.ua/news/general/1118966.html", "2025-11-08", "uk",
    "Пожежа в Києві внаслідок падіння уламків ворожого БпЛА – Кличко",
    """06:52 08.11.2025
Пожежу зафіксовано в Печерському районі Києва внаслідок падіння уламків ворожого БпЛА, повідомив столичний голова Віталій Кличко у телеграм-каналі вранці в суботу.
Загалом, за інформацією мера, падіння уламків російського дрона зафіксовано в двох локаціях.
"У Печерському районі, попередньо, падіння уламків у дворі житлового будинку", - написав Кличко у Телеграм.
Згодом він повідомив, що "пожежу, яка сталася внаслідок падіння уламків на відкритій місцевості теж на Печерську, загасили".
Джерело: https://t.me/vitaliy_klitschko/5631
https://t.me/vitaliy_klitschko/5632""")
add("e6-ifx-b", "kyiv-pechersk-2025-11-08", "e6-ifx", "Interfax-Ukraine (crawl 2)", "https://interfax.com.ua/news/general/1118966.html?utm_source=telegram", "2025-11-08", "uk",
    "Пожежа в Києві внаслідок падіння уламків ворожого БпЛА – Кличко",
    """Інтерфакс-Україна
06:52 08.11.2025

1 хв читати

Пожежу зафіксовано в Печерському районі Києва внаслідок падіння уламків ворожого БпЛА, повідомив столичний голова Віталій Кличко у телеграм-каналі вранці в суботу.

Загалом, за інформацією мера, падіння уламків російського дрона зафіксовано в двох локаціях.

"У Печерському районі, попередньо, падіння уламків у дворі житлового будинку", - написав Кличко у Телеграм.

Згодом він повідомив, що "пожежу, яка сталася внаслідок падіння уламків на відкритій місцевості теж на Печерську, загасили".""",
    note="url: the stored page's address with a tracking parameter added, as a feed might link it")
add("e6-ifx-c", "kyiv-pechersk-2025-11-08", "e6-ifx", "Interfax-Ukraine (crawl 3)", "", "2025-11-08", "uk",
    "",
    """Інтерфакс-Україна
06:52 08.11.2025

Пожежа в Києві внаслідок падіння уламків ворожого БпЛА – Кличко

1 хв читати

Пожежу зафіксовано в Печерському районі Києва внаслідок падіння уламків ворожого БпЛА, повідомив столичний голова Віталій Кличко у телеграм-каналі вранці в суботу.

Загалом, за інформацією мера, падіння уламків російського дрона зафіксовано в двох локаціях.

"У Печерському районі, попередньо, падіння уламків у дворі житлового будинку", - написав Кличко у Телеграм.

Згодом він повідомив, що "пожежу, яка сталася внаслідок падіння уламків на відкритій місцевості теж на Печерську, загасили".

Джерело: https://t.me/vitaliy_klitschko/5631

https://t.me/vitaliy_klitschko/5632

ОСТАННЄ

Зеленський про нібито бажання РФ завершення війни: Знаєте як буває - хоче, але не може

Зеленський: Партнери поки не готові давати ліценції на ППО, а ракети притримували після залякувань російськими дронами

Сибіга: Швеція надає Україні $200 млн прямої бюджетної підтримки у 2026 році""",
    note="page of https://interfax.com.ua/news/general/1118966.html; link left out so that only the text can join it")
add("e6-unn", "kyiv-pechersk-2025-11-08", "e6-unn", "UNN", "https://unn.ua/news/u-pecherskomu-raioni-kyieva-vynykla-pozhezha-vnaslidok-ataky-bpla", "2025-11-08", "uk",
    "У Печерському районі Києва виникла пожежа внаслідок атаки БпЛА",
    """Київ • УНН
У ніч на 8 листопада в Печерському районі Києва уламки безпілотника впали у дворі житлового будинку. Внаслідок цього на двох ділянках виникла пожежа - загорілися автомобілі.
У ніч проти 8 листопада, у Печерському районі Києва уламки БпЛА впали у дворі житлового будинку. На двох локаціях сталося загоряння. Про це інформують Київський міський голова Віталій Кличко, керівник Київської міської військової адміністрації (КМВА) Тимур Ткаченко, передає УНН.
У Печерському районі фіксуємо займання внаслідок атаки
За словами міського голови, попередньо сталося падіння уламків у дворі житлового будинку.
"На двох локаціях в Печерському районі загорілись авто. Інформація про постраждалих уточнюється" - додав він.
Нагадаємо
У Києві в ніч на 8 листопада під час повітряної тривоги пролунали вибухи. Міська влада повідомила, що Сили протиповітряної оборони працюють по російських безпілотниках.""")

# E7: one Patrioty Ukrainy article seen twice with different page furniture.
add("e7-patrioty-a", "kyiv-dnipro-district-shahed", "e7-patrioty", "Patrioty Ukrainy (crawl 1)", "https://patrioty.org.ua/politic/zbytyi-shakhed-poshkodyv-bahatopoverkhivku-dniprovskoho-raionu-kyieva-492516.html", "2025-01-01", "uk",
    "Збитий \"Шахед\" пошкодив багатоповерхівку Дніпровського району Києва",
    """Уламки збитого безпілотника впали на багатоповерховий будинок у Дніпровському районі столиці. Про це повідомив мер Києва Віталій Кличко.

Як зазначили у КМВА , є задимлення на верхніх поверхах цього будинку.

Пізніше мер додав, що у багатоповерхівці в Дніпровському районі невеликий уламок дрона впав на сходову клітину верхнього поверху.

"Загоряння немає. Потерпілих наразі не виявили. Рятувальники оглядають дах та технічний поверх будинку", - зазначив він.

Нагадаємо, близько 4 ранку, в суботу, у Києві пролуналу вибухи на тлі повітряної тривоги, пов′язаної з атакою російських ударних безпілотників

Внаслідок збиття ворожих БпЛА над Києвом та падіння уламків в Солом'янському районі столиці сталося загорання на території дитячого садочку. Також уламки дронів впали і в Печерському районі міста.

Проблеми набирають обертів: У Росії зафіксували рекордне скорочення кількості космічних пусків, - ЦПД""", note="date not on the page; a Saturday")
add("e7-patrioty-b", "kyiv-dnipro-district-shahed", "e7-patrioty", "Patrioty Ukrainy (crawl 2)", "https://m.patrioty.org.ua/politic/zbytyi-shakhed-poshkodyv-bahatopoverkhivku-dniprovskoho-raionu-kyieva-492516.html/amp", "2025-01-01", "uk",
    "",
    """Уламки збитого безпілотника впали на багатоповерховий будинок у Дніпровському районі столиці. Про це повідомив мер Києва Віталій Кличко.
Як зазначили у КМВА , є задимлення на верхніх поверхах цього будинку.
Пізніше мер додав, що у багатоповерхівці в Дніпровському районі невеликий уламок дрона впав на сходову клітину верхнього поверху.
"Загоряння немає. Потерпілих наразі не виявили. Рятувальники оглядають дах та технічний поверх будинку", - зазначив він.
Нагадаємо, близько 4 ранку, в суботу, у Києві пролуналу вибухи на тлі повітряної тривоги, пов′язаної з атакою російських ударних безпілотників
Внаслідок збиття ворожих БпЛА над Києвом та падіння уламків в Солом'янському районі столиці сталося загорання на території дитячого садочку. Також уламки дронів впали і в Печерському районі міста.
Речник диктатора РФ Дмитро Пєсков заявив, що за дорученням Путіна Росія провела нові контакти з американською стороною. Про це пише російський Интерфакс, передають Патріоти України.""",
    note="url: the mobile AMP form of crawl 1's address, as a mobile feed would link it")

# E8: checkpoints near Sloviansk removed, 2014-04-30: two texts from one
# ministry release in two languages, written separately.
add("e8-hubs", "sloviansk-2014-04-30", "e8-hubs", "Hubs.ua", "https://hubs.ua/news/vozle-slavyanska-snesli-eshhe-3-blokposta-7743.html", "2014-04-30", "ru",
    "Возле Славянска снесли еще 3 блокпоста",
    """Силовики уничтожили еще 3 блокпоста возле Славянска.

Около пяти часов утра силовики снесли еще 3 блокпоста сепаратистов возле Славянска Донецкой области.

Об этом сообщила пресс-служба Министерства внутренних дел.

Согласно информации, злоумышленники, которые охраняли блокпосты, рассредоточились среди граждан и скрылись.

Территорию ликвидированных блокпостов сейчас контролируют правоохранители.""")
add("e8-unian", "sloviansk-2014-04-30", "e8-unian", "UNIAN", "https://www.unian.ua/politics/913264-sogodni-likvidovano-sche-tri-blokposti-pid-slovyanskom-mvs.html", "2014-04-30", "uk",
    "Сьогодні ліквідовано ще три блокпости під Слов'янськом - МВС",
    """МВС повідомляє про знищення ще трьох блокпостів сепаратистів / МВД
Про це повідомили УНІАН в УЗГ МВС України.
Сепаратисти, які охороняли ці блокпости, розосередилися серед громадян і зникли. Територію ліквідованих блокпостів контролюють правоохоронці.
Як повідомляв УНІАН, перед цим співробітники спецпідрозділу МВС та Антитерористичного центру розблокували блокпост у районі села Черкаське в Слов'янському районі та блокпост в районі Слов'янська. Під час проведення спецоперації постраждалих немає.
Відео дня""")

# E9: border guards say provocations stopped, 2014-05-16: one statement
# reported in Ukrainian and in Russian by two outlets.
add("e9-24tv", "border-2014-05-16", "e9-24tv", "24tv.ua", "https://24tv.ua/ukrayinski_prikordonniki_kazhut_shho_viyskovi_rf_pripinili_provokatsiyi_n443567/amp", "2014-05-16", "uk",
    "Українські прикордонники кажуть, що військові РФ припинили провокації",
    """16 травня 2014, 14:03
Читать новость на русском

За словами начальника прес-служба Держприкордонслужби України Сергія Астахова, російські військовослужбовці наразі принили провокації поблизу кордону з Україною.

“Зараз безпосереднього підходу до кордону немає”, — заявив він сьогодні у Києві.

Щоправда, додав він, раніше російські війська і бронетехніка наближалися до 300-50 метрів до кордону з Україною з провокативною метою.

Як відомо, прикордонники здійснили ряд заходів для посилення охорони українсько-російського кордону.""")
add("e9-focus", "border-2014-05-16", "e9-focus", "Focus.ua", "https://focus.ua/ukraine/306112", "2014-05-16", "ru",
    "Российская армия прекратила провокации, - Госпогранслужба",
    """Ранее россияне с целью провокации приближались к украинской границе на 300-50 метров
Related video
В Государственной пограничной службе Украины заявляют, что на данный момент российские военные прекратили совершать провокации вблизи государственной границы.
Как передает УНИАН, об этом сегодня на пресс-конференции в Киеве заявил начальник пресс-службы ведомства Сергей Астахов.
"Сейчас непосредственного подхода к границе нет", - сказал он.
При этом он напомнил, что ранее российские войска и бронетехника с провокационной целью приближались к украинской границе на расстояние 300-50 метров.""")

json.dump({"source": "excerpts of public news pages, from the search tool's stored pages corpus; see each item's url",
           "labels": "items with the same story are the same article or wire copy; event groups reports of one event",
           "items": items}, open("devset.json", "w"), ensure_ascii=False, indent=1)
print(len(items), "items")
