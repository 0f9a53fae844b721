// Package all registers every source type evident reads with config, as
// Telegraf's plugins/inputs/all does: importing it makes config read their
// sections. A new source is its folder and one line here.
package all

import (
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors/confluence"
	"github.com/evident-sync/evident/connectors/gdocs"
	"github.com/evident-sync/evident/connectors/github"
	"github.com/evident-sync/evident/connectors/jira"
	"github.com/evident-sync/evident/connectors/rfc"
)

// Types are the source types, in the order status lists sources in.
var Types = []config.SourceType{
	github.Type,
	jira.Type,
	rfc.Type,
	confluence.Type,
	gdocs.Type,
}

func init() {
	for _, t := range Types {
		config.RegisterSource(t)
	}
}
