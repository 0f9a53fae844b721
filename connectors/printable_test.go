package connectors

import "testing"

// Control characters become U+FFFD (line breaks and tabs a space); clean
// text is returned as it is.
func TestPrintable_ReplacesControlCharacters(t *testing.T) {
	for in, want := range map[string]string{
		"Add idempotency keys":       "Add idempotency keys",
		"a\x1b[2Jb":                  "a\uFFFD[2Jb",
		"line\nbreak\ttab":           "line break tab",
		"osc\x1b]0;t\x07":            "osc\uFFFD]0;t\uFFFD",
		"c1 \u009b31m and del \x7f.": "c1 \uFFFD31m and del \uFFFD.",
		"ünïcödé — fine":             "ünïcödé — fine",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}
