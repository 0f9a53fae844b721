package confluencetest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors/connectorstest"
)

// schemas are Atlassian's published response schemas (testdata/README.md).
func schemas(t *testing.T) map[string]map[string]any {
	b, err := os.ReadFile("testdata/schemas.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schemas map[string]map[string]any `json:"schemas"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Schemas
}

// conforms checks v against schema name: every required property there,
// no property the schema does not define, recursively through $refs.
func conforms(t *testing.T, all map[string]map[string]any, name string, v any, at string) {
	t.Helper()
	sc := all[name]
	obj, ok := v.(map[string]any)
	if !ok || sc == nil {
		return
	}
	props, _ := sc["properties"].(map[string]any)
	for _, r := range asList(sc["required"]) {
		if _, ok := obj[r]; !ok {
			t.Errorf("%s (%s): required %q missing", at, name, r)
		}
	}
	for k, val := range obj {
		p, ok := props[k].(map[string]any)
		if !ok {
			if props != nil {
				t.Errorf("%s (%s): %q is not in the schema", at, name, k)
			}
			continue
		}
		if ref, ok := p["$ref"].(string); ok {
			conforms(t, all, strings.TrimPrefix(ref, "#/components/schemas/"), val, at+"."+k)
		}
		if items, ok := p["items"].(map[string]any); ok {
			if ref, ok := items["$ref"].(string); ok {
				for _, e := range asAny(val) {
					conforms(t, all, strings.TrimPrefix(ref, "#/components/schemas/"), e, at+"."+k+"[]")
				}
			}
		}
	}
}

func asList(v any) []string {
	var out []string
	for _, e := range asAny(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func asAny(v any) []any { l, _ := v.([]any); return l }

// The fake's bodies follow Atlassian's schemas, send only the expansions
// asked for (the rest under _expandable), and page as each deployment
// does: Cloud by cursor (refusing start), Data Center by start.
func TestServer_BodiesFollowTheSchemasAndPageAsTheServicesDo(t *testing.T) {
	all := schemas(t)
	for _, dep := range []string{Cloud, DataCenter} {
		clock := connectorstest.NewClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
		s := New(dep, User{AccountID: "a1", Username: "alice", UserKey: "k1", DisplayName: "Alice"}, clock)
		s.Email, s.Token = "alice@acme.example", "tok"
		for i := range 30 {
			s.Add(&Page{ID: string(rune('a'+i%26)) + "x" + string(rune('0'+i/26)), Space: "ENG", Title: "T", Labels: []string{"rfc"},
				Versions: []Version{{By: "a1", When: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}}, Comments: []Comment{{ID: "c", By: "a1", When: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}}})
		}
		srv := httptest.NewServer(s.Handler())
		prefix := srv.URL + "/rest/api/"
		if dep == Cloud {
			prefix = srv.URL + "/wiki/rest/api/"
		}
		get := func(path string) (int, map[string]any) {
			req, _ := http.NewRequest(http.MethodGet, prefix+path, nil)
			if dep == Cloud {
				req.SetBasicAuth("alice@acme.example", "tok")
			} else {
				req.Header.Set("Authorization", "Bearer tok")
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var v map[string]any
			json.NewDecoder(res.Body).Decode(&v)
			return res.StatusCode, v
		}
		cql := "cql=" + strings.ReplaceAll(`type = page AND (creator = "a1" OR contributor = "a1") ORDER BY lastmodified ASC`, " ", "%20")
		if dep != Cloud {
			cql = strings.ReplaceAll(cql, "a1", "alice")
		}
		code, body := get("content/search?" + cql + "&limit=100")
		if code != 200 {
			t.Fatalf("%s search: %d %v", dep, code, body)
		}
		conforms(t, all, "ContentArray", body, dep+" search")
		results := asAny(body["results"])
		wantCap := map[string]int{Cloud: 25, DataCenter: 20}[dep]
		links, _ := body["_links"].(map[string]any)
		next, _ := links["next"].(string)
		if len(results) != wantCap || next == "" {
			t.Errorf("%s: %d results (cap %d), next %q", dep, len(results), wantCap, next)
		}
		if dep == Cloud && !strings.Contains(next, "cursor=") || dep != Cloud && !strings.Contains(next, "start=20") {
			t.Errorf("%s pages by the wrong means: %q", dep, next)
		}
		if dep == Cloud {
			if code, _ := get("content/search?" + cql + "&start=25"); code != 400 {
				t.Errorf("Cloud's content search took start: %d", code)
			}
		}
		first := results[0].(map[string]any)
		exp, _ := first["_expandable"].(map[string]any)
		if _, ok := first["body"]; ok || exp["body"] == nil || exp["space"] == nil {
			t.Errorf("%s: unexpanded fields were sent: %v", dep, first)
		}
		id := first["id"].(string)
		_, page := get("content/" + id + "?expand=history,history.lastUpdated,version,space,metadata.labels,body.storage")
		conforms(t, all, "Content", page, dep+" content")
		if page["body"] == nil || page["space"] == nil || page["history"] == nil {
			t.Errorf("%s: expanded fields missing: %v", dep, page)
		}
		_, versions := get("content/" + id + "/version")
		conforms(t, all, "VersionArray", versions, dep+" versions")
		_, comments := get("content/" + id + "/child/comment?expand=version,history,extensions.location&depth=all")
		conforms(t, all, "ContentArray", comments, dep+" comments")
		_, me := get("user/current")
		conforms(t, all, "User", me, dep+" user")
		req, _ := http.NewRequest(http.MethodGet, prefix+"user/current", nil)
		res, _ := http.DefaultClient.Do(req)
		if res.StatusCode != 401 || res.Header.Get("Date") == "" {
			t.Errorf("%s without credentials: %d, Date %q", dep, res.StatusCode, res.Header.Get("Date"))
		}
		res.Body.Close()
		srv.Close()
	}
}
