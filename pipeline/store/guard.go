package store

// Damaged tables: every call into Badger runs under guard, and every
// goroutine that reads tables under shield, so that a table Badger cannot
// read is an error naming the store, never a panic or a SIGBUS.

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

// DamagedError says a table of the store could not be read: Badger
// panicked on it. The command fails in one sentence; nothing is served
// from the damaged table.
type DamagedError struct {
	Dir   string
	Cause string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("the store in %s is damaged (%s): run evident verify to see how much, then evident restore BACKUP (notes and decisions live only in the store and its backups; source data comes back with a sync)", e.Dir, e.Cause)
}

// guard runs fn, turning a table Badger cannot read (shield) into a
// *DamagedError naming the store. Any other panic, a caller's callback's,
// passes through.
func guard(dir string, fn func() error) error {
	err := shield(fn)
	var te *tableError
	if errors.As(err, &te) {
		return &DamagedError{Dir: dir, Cause: te.cause}
	}
	return err
}

// tableError is a table Badger could not read: it panicked on it, or a
// read of its mapped file faulted (a file cut short under a running
// process, a disk error).
type tableError struct{ cause string }

func (e *tableError) Error() string { return "a table cannot be read: " + e.cause }

// shield runs fn with memory faults made panics (debug.SetPanicOnFault)
// and returns a *tableError for a panic Badger raised or a fault on a
// mapped file. It must wrap every goroutine that reads Badger's tables:
// a fault there would otherwise end the process with a stack dump. Any
// other panic passes through.
func shield(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if !mappedFault(r) && !raisedInBadger(debug.Stack()) {
				panic(r)
			}
			cause := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(fmt.Sprint(r)), "==== Recovered===="))
			err = &tableError{cause: oneLine(cause)}
		}
	}()
	return fn()
}

// mappedFault says a recovered value is a fault at an address no nil
// dereference reaches: with SetPanicOnFault on, a read of a mapped file
// the disk cannot back (SIGBUS).
func mappedFault(r any) bool {
	a, ok := r.(interface{ Addr() uintptr })
	return ok && a.Addr() >= 1<<16
}

// raisedInBadger reports whether the function that called panic, in a
// stack printed by debug.Stack from a deferred recover, is Badger's.
func raisedInBadger(stack []byte) bool {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") && i+2 < len(lines) {
			return strings.HasPrefix(lines[i+2], "github.com/dgraph-io/badger/")
		}
	}
	return false
}
