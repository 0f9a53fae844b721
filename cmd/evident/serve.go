package main

import (
	"context"
	"fmt"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline/store"
)

// serveUntilDone serves the web UI over st until ctx is done.
func (a *app) serveUntilDone(ctx context.Context, st *store.Store, c *config.Config, addr string) error {
	defer st.Close()
	fmt.Fprintf(a.stderr, "The web UI is not built yet; nothing to serve on %s.\n", addr)
	return nil
}
