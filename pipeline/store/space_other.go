//go:build !unix

package store

// freeSpace cannot be measured here; the check is skipped.
func freeSpace(string) (uint64, bool) { return 0, false }

// mountPoint cannot be told here.
func mountPoint(string) string { return "" }
