package store

import (
	"context"
	"strings"
	"testing"
)

// TestStoryQueriesUseIndexes: the per-batch queries of story assignment
// must not scan a table (a scan per batch makes ingest quadratic).
func TestStoryQueriesUseIndexes(t *testing.T) {
	db := openTest(t)
	for _, q := range []string{
		strings.ReplaceAll(selByURL, "?", `'[1, 2]'`),
		`SELECT i.key, i.id FROM items i WHERE i.feed_id = 1 AND i.key IN (SELECT value FROM json_each('["a"]'))
		AND i.story_id IS NULL`,
		strings.ReplaceAll(updStoryOf.sql(2), "?", "1"),
		strings.ReplaceAll(insStoryRows, "?", `'[1, 2]'`),
		strings.ReplaceAll(updStoryLastSeen, "?", `'[[1, 2]]'`),
		selStoryFloors,
		strings.ReplaceAll(updMentionStories, "?", `'[1, 2]'`),
	} {
		rows, err := db.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, d := range plan {
			if strings.HasPrefix(d, "SCAN") && !strings.Contains(d, "json_each") && !strings.Contains(d, "CONSTANT") && !strings.Contains(d, "VALUES CLAUSE") && !strings.Contains(d, "VIRTUAL TABLE") {
				t.Errorf("%s\nplan: %q", q, plan)
			}
		}
	}
}
