package pipeline

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a goroutine outlives them: the
// runner, the syncer and the store must stop everything they start. As a
// helper process (see kill_test.go) it syncs and waits to be killed.
func TestMain(m *testing.M) {
	if os.Getenv(killHelperEnv) != "" {
		killHelper()
		return
	}
	goleak.VerifyTestMain(m)
}
