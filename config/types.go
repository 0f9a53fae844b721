package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a time.Duration written as "15m", "1h30m".
type Duration struct{ D time.Duration }

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if days, ok := strings.CutSuffix(n.Value, "d"); ok && err != nil {
		// Whole days, as people write a backup schedule: 7d.
		if k, cerr := strconv.Atoi(days); cerr == nil && k < 1<<16 {
			v, err = time.Duration(k)*24*time.Hour, nil
		}
	}
	if err != nil || n.Kind != yaml.ScalarNode {
		return typeError(n, fmt.Sprintf("%q is not a duration (write it like 15m, 1h, 90s or 7d)", n.Value))
	}
	if v <= 0 {
		return typeError(n, fmt.Sprintf("duration %q must be positive", n.Value))
	}
	d.D = v
	return nil
}

// Date is a calendar date written YYYY-MM-DD, as midnight UTC.
type Date struct{ time.Time }

// UnmarshalYAML reads a YYYY-MM-DD date.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	t, err := time.Parse(time.DateOnly, n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return typeError(n, fmt.Sprintf("%q is not a date (write it as YYYY-MM-DD)", n.Value))
	}
	d.Time = t
	return nil
}

// typeError reports a problem the way yaml.v3 does, so the decoder keeps
// going and collects every problem with its line.
func typeError(n *yaml.Node, msg string) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, msg)}}
}
