package pipeline

import (
	"context"
	"errors"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/jira"
)

// notYet is a connector for a source type this build cannot read yet.
type notYet struct{ what string }

func (n notYet) Fetch(context.Context, connectors.Cursor) (connectors.Page, error) {
	return connectors.Page{RateLimitRemaining: -1}, errors.New(n.what + " sources are not supported by this build yet")
}

func newJira(c *config.Config, s config.JiraSource, o BuildOptions) (connectors.Connector, error) {
	return jira.New(jira.Config{
		Name: s.Name, BaseURL: s.URL, Deployment: s.Deployment, Email: s.Email,
		Token: connectors.TokenSource{Env: s.TokenEnv, Command: s.TokenCommand},
		User:  c.Me.Jira, Projects: s.Projects, Since: s.Since.Time, Clock: o.Clock, Base: o.Base,
	})
}

func newRFC(*config.Config, config.RFCSource, BuildOptions) (connectors.Connector, error) {
	return notYet{"RFC"}, nil
}
