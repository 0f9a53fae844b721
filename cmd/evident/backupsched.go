package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/store"
)

// backupState is the name the scheduled backup's state is kept under among
// the sources' states (no source name can start with '@').
const backupState = "@backup"

// backupSchedule is the daemon's scheduled backup, or nil when backup.every
// is not set. Each run writes a rotating backup into backup.dir; how it went
// is kept for evident status.
func backupSchedule(ctx context.Context, c *config.Config, st *store.Store, log *slog.Logger) *pipeline.Periodic {
	b := c.Backup
	if b.Every.D == 0 {
		return nil
	}
	var last time.Time
	if prev, err := st.SourceStates(ctx); err == nil {
		last = prev[backupState].LastSuccess
	}
	return &pipeline.Periodic{
		Every: b.Every.D,
		Last:  last,
		Log:   log,
		Job: func(ctx context.Context) error {
			path, err := pipeline.WriteBackup(ctx, st, b.Dir, b.Keep, time.Now())
			if err == nil {
				log.Info("backup written", "path", path)
			}
			return err
		},
		OnRun: recordRuns(st, backupState, "backup", log),
	}
}
