package store

import (
	"bytes"

	"github.com/fxamacker/cbor/v2"
)

// Items are stored as CBOR (RFC 8949) under their JSON field names: it
// decodes several times faster than encoding/json, which is what keeps a
// listing of 50,000 items well under a second. Times are stored as unix
// microseconds, so a record's bytes do not depend on the time zone its
// times were read in.
var (
	encMode = mustEnc(cbor.EncOptions{Time: cbor.TimeUnixMicro, Sort: cbor.SortNone})
	decMode = mustDec(cbor.DecOptions{})
)

func mustEnc(o cbor.EncOptions) cbor.EncMode {
	m, err := o.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustDec(o cbor.DecOptions) cbor.DecMode {
	m, err := o.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

func marshal(v any) ([]byte, error) { return encMode.Marshal(v) }

func unmarshal(b []byte, v any) error { return decMode.Unmarshal(b, v) }

// same reports whether a and b encode identically.
func same(a, b any) bool {
	x, err1 := marshal(a)
	y, err2 := marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
