//go:build !unix

package main

// privateFiles: file modes are the operating system's elsewhere.
func privateFiles() {}
