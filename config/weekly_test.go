package config

import (
	"testing"
	"time"
)

func TestParseWeekly(t *testing.T) {
	for in, want := range map[string]Weekly{
		"fri 16:00": {time.Friday, 16, 0}, "Friday 09:05": {time.Friday, 9, 5}, "SUN 0:00": {time.Sunday, 0, 0}, "wed  23:59": {time.Wednesday, 23, 59},
	} {
		got, err := ParseWeekly(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "fri", "16:00", "fr 16:00", "fri 25:00", "fri 4pm", "frieday 16:00", "fri 16:00 extra"} {
		if _, err := ParseWeekly(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestWeekly_Next(t *testing.T) {
	w := Weekly{time.Friday, 16, 0}
	wed := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct{ now, want time.Time }{
		{wed, time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)},
		{time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC), time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)},
		{time.Date(2026, 12, 4, 16, 0, 1, 0, time.UTC), time.Date(2026, 12, 11, 16, 0, 0, 0, time.UTC)},
		{time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC), time.Date(2026, 12, 11, 16, 0, 0, 0, time.UTC)},
	} {
		if got := w.Next(c.now); !got.Equal(c.want) {
			t.Errorf("Next(%v) = %v, want %v", c.now, got, c.want)
		}
	}
}
