package store

import (
	"bytes"
	"errors"

	"github.com/fxamacker/cbor/v2"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
)

// Up to schema 2, items were stored as CBOR (RFC 8949) under their JSON
// field names, times as unix microseconds. This build writes the record
// format of record.go and reads CBOR only to upgrade (migrateRecords).
var decMode = mustDec(cbor.DecOptions{})

func mustDec(o cbor.DecOptions) cbor.DecMode {
	m, err := o.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

// decodeValue reads an item record's value: the state byte, then the
// record format or, in a store not yet upgraded, CBOR.
func decodeValue(b []byte, it *Item) error {
	if len(b) < 2 {
		return errors.New("record too short")
	}
	if b[1] == recBinary {
		return decodeFields(string(b[2:]), it)
	}
	return decMode.Unmarshal(b[1:], it)
}

// decodeString is decodeValue over a copy of the value.
func decodeString(v string, it *Item) error {
	if len(v) >= 2 && v[1] == recBinary {
		return decodeFields(v[2:], it)
	}
	return decodeValue([]byte(v), it)
}

// sameArtifact reports whether a and b would be stored identically.
func sameArtifact(a, b *connectors.Artifact) bool {
	var x, y recWriter
	x.fields(artifactFields, &Item{Artifact: *a})
	y.fields(artifactFields, &Item{Artifact: *b})
	return bytes.Equal(x.b, y.b)
}

// sameClass reports whether a and b would be stored identically.
func sameClass(a, b *classify.Result) bool {
	var x, y recWriter
	x.fields(classFields, &Item{Class: *a})
	y.fields(classFields, &Item{Class: *b})
	return bytes.Equal(x.b, y.b)
}
