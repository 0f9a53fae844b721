package pipeline

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a goroutine outlives them: the
// runner, the syncer and the store must stop everything they start.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
