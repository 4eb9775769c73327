//go:build linux

package variancescaling

import "syscall"

// threadID is the OS thread the calling goroutine runs on (for logging).
func threadID() int { return syscall.Gettid() }
