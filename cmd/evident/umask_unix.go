//go:build unix

package main

import "syscall"

// privateFiles makes every file evident creates readable by the user
// alone (umask 077): the store's tables hold titles and notes.
func privateFiles() { syscall.Umask(0o077) }
