package localapi

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// filterQuery encodes f for a URL query, exactly (times to the
// nanosecond): the local API carries filters so.
func filterQuery(f store.Filter) url.Values {
	q := url.Values{}
	for _, s := range f.States {
		q.Add("state", string(s))
	}
	if f.Scope != "" {
		q.Set("scope", string(f.Scope))
	}
	if f.Source != "" {
		q.Set("source", f.Source)
	}
	if f.Kind != "" {
		q.Set("kind", string(f.Kind))
	}
	if f.Strength != "" {
		q.Set("strength", string(f.Strength))
	}
	if !f.Since.IsZero() {
		q.Set("since", f.Since.Format(time.RFC3339Nano))
	}
	if !f.Until.IsZero() {
		q.Set("until", f.Until.Format(time.RFC3339Nano))
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if f.FollowUpsDue != "" {
		q.Set("follow_ups_due", f.FollowUpsDue)
	}
	return q
}

// queryFilter decodes what filterQuery encoded.
func queryFilter(q url.Values) (store.Filter, error) {
	var f store.Filter
	for _, s := range q["state"] {
		if s == "all" { // every state: no filter
			f.States = nil
			break
		}
		st, err := store.ParseState(s)
		if err != nil {
			return f, err
		}
		f.States = append(f.States, st)
	}
	if s := q.Get("scope"); s != "" {
		sc, err := classify.ParseScope(s)
		if err != nil {
			return f, err
		}
		f.Scope = sc
	}
	f.Source = q.Get("source")
	f.Kind = connectors.Kind(q.Get("kind"))
	if s := q.Get("strength"); s != "" {
		st, err := classify.ParseStrength(s)
		if err != nil {
			return f, err
		}
		f.Strength = st
	}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return f, fmt.Errorf("%s: %w", p.name, err)
			}
			*p.t = t
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return f, fmt.Errorf("limit: %w", err)
		}
		f.Limit = n
	}
	if v := q.Get("follow_ups_due"); v != "" {
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return f, fmt.Errorf("follow_ups_due: %w", err)
		}
		f.FollowUpsDue = v
	}
	return f, nil
}
