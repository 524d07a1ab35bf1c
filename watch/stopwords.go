package watch

import "strings"

// stopWords are words an added alias may not be: the most frequent words
// of English, Russian and Ukrainian news (function words, common nouns,
// verbs and adjectives, written from the frequency lists of the three
// languages' national corpora), and the names of people that GeoNames keeps
// as former names of places (Stalino was once Stalin). Expand leaves out an
// added name whose folded form is one of these.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range []string{stopEN, stopRU, stopUK, stopPeople} {
		for _, w := range strings.Fields(list) {
			m[normKey(w)] = true
		}
	}
	for w := range orgWords {
		m[w] = true
	}
	return m
}()

const stopEN = `the of and to in a is that for on was with he it as at by from his but have has had
were are they this which be or an their not been said would its who after one all she there
her we you more can about what up out if will so no other into could time than then them new
some these two may first any like now only its over also back after use way even want because
most us day man men good well year years people city town state home war peace world army police
news report reports talks border region capital power force forces bar mir bor lena most nice
union hope reading bath mobile split orange gay lot sale mark
deal march may june august grace faith rock river lake sea port bay hill hills field fields park green white black
red gold silver north south east west central upper lower great little old big sun moon star
sky land island bridge station camp village center centre street road square market church
free liberty victory october may day dawn light ray friend glory labour labor pioneer
komsomol progress peace worker workers farmer steppe forest mountain rain snow ice`

const stopRU = `и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только
ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть
был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо
ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот
того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда
зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас
про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть
том нельзя такой им более всегда конечно всю между год года лет город город село мир мира
война войны власть страна время человек люди дело день жизнь рука работа слово место вопрос
лицо глаз сторона дом друг голова сила конец вид система часть вода отношение земля область
район центр край море река гора поле лес степь остров мост площадь улица рынок завод порт
победа свобода правда заря восток запад север юг звезда луч бор луг дубрава родина мечта
октябрь май ленин сталин октябрьский первомайский советский красный новый старый большой
малый белый черный зеленый южный северный мирный дружба слава труд прогресс рассвет`

const stopUK = `і й та в у на з зі із що не як це до за від по але він вона воно вони ми ви я ти його її
їх був була було були бути є так також то той та те ці цей ця це чи або ні ж же вже ще
тільки лише коли якщо де там тут тоді потім після перед під над між через про для без при
рік року років місто міста село світ мир війна війни влада країна час людина люди справа
день життя рука робота слово місце питання бік дім друг голова сила кінець вид частина вода
земля область район центр край море річка гора поле ліс степ острів міст площа вулиця
ринок завод порт перемога свобода правда зоря схід захід північ південь зірка промінь бір
луг діброва батьківщина мрія жовтень травень новий старий великий малий білий чорний
зелений південний північний мирний дружба слава праця прогрес світанок`

const stopPeople = `stalin lenin kirov sverdlov zhdanov voroshilov ordzhonikidze kalinin kuybyshev
kuibyshev molotov frunze gorky gorkiy dzerzhinsky dzerzhinskiy artem artyom ilyich ulyanov
brezhnev andropov chkalov chernenko putin zhukov petrovsky kotovsky shchors
сталин сталін ленин ленін киров кіров свердлов жданов ворошилов орджоникидзе калинин
калінін куйбышев молотов фрунзе горький горький дзержинский артем артём ильич ульянов
брежнев андропов чкалов черненко путин путін жуков петровский котовский щорс`
