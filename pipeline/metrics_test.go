package pipeline

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// The item counts follow the store: counted again once something was
// written, whatever the time since the last scrape.
func TestMetrics_ItemCountsFollowTheStore(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir())
	defer st.Close()
	reg := prometheus.NewRegistry()
	NewMetrics(ctx, reg, st)
	commit := func(key string) {
		a := connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindReview, Key: key, Roles: []connectors.Role{connectors.RoleReviewer}}
		if _, err := st.Commit(ctx, "github", []store.Ingest{{Artifact: a, Class: classify.Result{Scope: classify.ScopeCrossTeam}}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	want := func(n int) {
		t.Helper()
		fams, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fams {
			if f.GetName() != "evident_items" {
				continue
			}
			for _, m := range f.GetMetric() {
				var labels []string
				for _, l := range m.GetLabel() {
					labels = append(labels, l.GetName()+"="+l.GetValue())
				}
				got = append(got, strings.Join(labels, ",")+" "+strconv.Itoa(int(m.GetGauge().GetValue())))
			}
		}
		if w := "scope=cross-team,state=suggested " + strconv.Itoa(n); len(got) != 1 || got[0] != w {
			t.Errorf("evident_items: %q, want %q", got, w)
		}
	}
	commit("github:acme/a#1")
	want(1)
	want(1)
	commit("github:acme/a#2")
	want(2)
}
