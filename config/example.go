package config

import _ "embed"

// Example is the commented configuration `evident init` writes.
//
//go:embed example.yaml
var Example []byte
