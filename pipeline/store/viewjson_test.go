package store

import (
	"bytes"
	"encoding/json"
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
			it.Artifact.Kind, it.Class.Signals.Kind = kind, string(kind)
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
	it.Artifact.Kind, it.Class.Signals.Kind = connectors.KindReview, string(connectors.KindReview)
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
