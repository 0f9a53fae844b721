package store

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The array is valid JSON with or without elements, one element a line
// for the CLI and on one line for the web, and ends however the listing
// ended.
func TestViewArray_WritesValidJSONEitherWay(t *testing.T) {
	items := []Item{
		{ID: "a1", State: Suggested, Artifact: artifact(1, 0).Artifact},
		{ID: "b2", State: Confirmed, Artifact: artifact(2, 0).Artifact},
	}
	for _, c := range []struct {
		lines bool
		n     int
		want  string // the shape, elements elided
	}{
		{true, 0, "[]\n"}, {false, 0, "[]\n"},
		{true, 2, "[\n{…},\n{…}\n]\n"}, {false, 2, "[{…},{…}]\n"},
	} {
		var buf bytes.Buffer
		a := NewViewArray(&buf, nil, c.lines)
		for i := range c.n {
			if err := a.Add(&items[i]); err != nil {
				t.Fatal(err)
			}
		}
		a.Close()
		a.Close() // a second close writes nothing
		var vs []View
		if err := json.Unmarshal(buf.Bytes(), &vs); err != nil || len(vs) != c.n || a.Len() != c.n {
			t.Errorf("lines %v, %d items: %v, %d decoded\n%s", c.lines, c.n, err, len(vs), buf.String())
		}
		if c.n == 2 && (vs[0].ID != "a1" || vs[1].ID != "b2") {
			t.Errorf("order: %+v", vs)
		}
		shape := buf.Bytes()
		for i := range c.n {
			v := items[i].View(nil)
			shape = bytes.Replace(shape, v.AppendJSON(nil), []byte("{…}"), 1)
		}
		if string(shape) != c.want {
			t.Errorf("lines %v, %d items: shape %q, want %q", c.lines, c.n, shape, c.want)
		}
	}
}
