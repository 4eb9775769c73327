//go:build !linux

package variancescaling

// threadID is unknown here; TestErrorMessagePerCall only logs it.
func threadID() int { return 0 }
