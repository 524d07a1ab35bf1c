package watch_test

import (
	"fmt"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/watch"
)

func ExampleCompile() {
	m, err := watch.Compile([]newswatch.Watch{
		{ID: 1, Name: "Sloviansk", Kind: newswatch.KindCity, Aliases: []string{"Слов'янськ", "Славянск"}},
		{ID: 2, Name: "Sergei Lavrov", Kind: newswatch.KindActor, Aliases: []string{"Lavrov", "Лавров"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, x := range m.Match("Sergei\nLavrov flew to Словʼянську; Лавровым недовольны в Славянске.") {
		fmt.Printf("%d-%d %s (%s) %q\n", x.Start, x.End, x.Entity, x.Kind, x.Text)
	}
	// Output:
	// 0-13 Sergei Lavrov (actor) "Sergei\nLavrov"
	// 22-44 Sloviansk (city) "Словʼянську"
	// 46-62 Sergei Lavrov (actor) "Лавровым"
	// 87-105 Sloviansk (city) "Славянске"
}
