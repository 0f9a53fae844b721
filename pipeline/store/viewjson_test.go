package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
)

func encodingJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestView_AppendJSONIsEncodingJSON(t *testing.T) {
	nasty := []string{"", "plain", `quote " and \ backslash`, "<b>&amp;</b>", "tab\tnew\nline\rcr\bbs\fff",
		"\x00\x01\x1f\x7f", "é中文🙂", "bad \xff utf8 \xc3", "line\u2028para\u2029end"}
	var views []View
	for _, kind := range []connectors.Kind{connectors.KindReview, connectors.KindPR, connectors.KindRFC, connectors.KindJiraIssue} {
		for _, s := range nasty {
			var it Item
			n := 0
			fillAll(reflect.ValueOf(&it).Elem(), &n)
			it.Artifact.Kind, it.Class.Signals.Kind = kind, kind
			it.Artifact.Title, it.User.Title, it.User.Note, it.Class.Summary = s, "", s, s
			it.Class.Teams = []string{s, "payments"}
			it.Class.Signals.Role, it.Class.Signals.Status, it.Class.Signals.Priority = s, s, s
			views = append(views, it.View([]classify.Criterion{{ID: s, Domain: it.Class.Domain}}))
		}
	}
	var zero Item
	views = append(views, zero.View(nil), View{}) // nil lists print null
	for i := range views {
		got := views[i].AppendJSON(nil)
		if want := encodingJSON(t, views[i]); !bytes.Equal(got, want) {
			t.Errorf("view %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func BenchmarkView_AppendJSON(b *testing.B) {
	var it Item
	n := 0
	fillAll(reflect.ValueOf(&it).Elem(), &n)
	it.Artifact.Kind, it.Class.Signals.Kind = connectors.KindReview, connectors.KindReview
	v := it.View(nil)
	b.Run("append", func(b *testing.B) {
		var buf []byte
		for range b.N {
			buf = v.AppendJSON(buf[:0])
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for range b.N {
			buf.Reset()
			enc.Encode(v)
		}
	})
}

// The wire's signals are the engine's, field for field: a fact classify
// learns is on the wire too, by the same JSON name, and signalsOf carries
// every one.
func TestSignalsOf_CarriesEveryFieldByItsName(t *testing.T) {
	var s classify.Signals
	n := 0
	fillAll(reflect.ValueOf(&s).Elem(), &n)
	wire := signalsOf(&s)
	from, to := reflect.ValueOf(s), reflect.ValueOf(wire)
	if from.NumField() != to.NumField() {
		t.Errorf("classify.Signals has %d fields, apitype.Signals %d", from.NumField(), to.NumField())
	}
	for i := range from.NumField() {
		f := from.Type().Field(i)
		g, ok := to.Type().FieldByName(f.Name)
		if !ok {
			t.Errorf("apitype.Signals lacks %s", f.Name)
			continue
		}
		if f.Tag.Get("json") != g.Tag.Get("json") {
			t.Errorf("%s: JSON name %q on the engine, %q on the wire", f.Name, f.Tag.Get("json"), g.Tag.Get("json"))
		}
		if got, want := fmt.Sprint(to.FieldByName(f.Name).Interface()), fmt.Sprint(from.Field(i).Interface()); got != want {
			t.Errorf("%s: %s on the wire, %s in classify", f.Name, got, want)
		}
	}
}
