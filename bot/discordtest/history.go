package discordtest

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

// SetHistoryHidden makes GET /channels/{id}/messages answer 403 Missing
// Permissions for channelID while hidden is true, as Discord does when the
// bot may send messages there but lacks Read Message History.
func (f *Fake) SetHistoryHidden(channelID string, hidden bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noHistory == nil {
		f.noHistory = map[string]bool{}
	}
	f.noHistory[channelID] = hidden
}

// listMessages answers GET /channels/{id}/messages as Discord documents it:
// at most one of before, after and around (message ids, or any snowflake);
// limit 1–100, default 50; the answer is newest first. With after it holds
// the limit oldest messages after that id (newest first within the page),
// with before the limit newest before it, with around about half on each
// side of it, and with none the newest. f.mu is held.
func (f *Fake) listMessages(channelID string, q url.Values) restReply {
	if code := f.channelCode[channelID]; code != 0 {
		if code == http.StatusNotFound {
			return restReply{status: code, body: errorBody(10003, "Unknown Channel")}
		}
		return restReply{status: code, body: errorBody(50001, "Missing Access")}
	}
	if f.noHistory[channelID] {
		return restReply{status: http.StatusForbidden, body: errorBody(50013, "Missing Permissions")}
	}
	invalid := func(msg string) restReply {
		return restReply{status: http.StatusBadRequest, body: errorBody(50035, "Invalid Form Body: "+msg)}
	}
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return invalid("limit: int value should be less than or equal to 100 and greater than or equal to 1.")
		}
		limit = n
	}
	var mode string
	var pivot uint64
	for _, k := range []string{"before", "after", "around"} {
		v := q.Get(k)
		if v == "" {
			continue
		}
		if mode != "" {
			return invalid("before, after and around are mutually exclusive.")
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return invalid(k + ": Value \"" + v + "\" is not snowflake.")
		}
		mode, pivot = k, n
	}
	all := f.messages[channelID]
	ids := make([]uint64, len(all))
	for i, m := range all {
		ids[i], _ = strconv.ParseUint(m.ID, 10, 64)
	}
	// all is in creation order, so ids ascend.
	first := sort.Search(len(ids), func(i int) bool { return ids[i] >= pivot })
	var lo, hi int
	switch mode {
	case "before":
		lo, hi = max(0, first-limit), first
	case "after":
		start := sort.Search(len(ids), func(i int) bool { return ids[i] > pivot })
		lo, hi = start, min(len(all), start+limit)
	case "around":
		lo = max(0, first-limit/2)
		hi = min(len(all), lo+limit)
	default:
		lo, hi = max(0, len(all)-limit), len(all)
	}
	out := make([]map[string]any, 0, hi-lo)
	for i := hi - 1; i >= lo; i-- {
		out = append(out, f.listedJSON(all[i]))
	}
	return restReply{status: http.StatusOK, body: out}
}
