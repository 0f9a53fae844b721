package main

import (
	"context"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline/store"
)

// serveUntilDone serves the web UI over st until ctx is done, then closes st.
func (a *app) serveUntilDone(ctx context.Context, st *store.Store, c *config.Config, addr string) error {
	defer st.Close()
	return a.serveUI(ctx, st, c, addr)
}
