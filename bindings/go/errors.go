package variancescaling

import (
	"errors"
	"strings"
)

// Status is the library's vs_status: 0 is success, every error has its own
// number. The numbers are ABI and never change within a major version.
//
// A Status is also an error, and every *Error unwraps to its Status, so
// errors.Is(err, StatusInvalidScale) tests the kind of an error. (As an
// error, fmt's %v prints a Status with its Error text; String gives the
// bare name.)
type Status int32

// The statuses, one per vs_status value of the C library. What each one
// means is documented once, on vs_status in variance_scaling.h; the
// library's short text for each (vs_status_str) gives String and Error
// here. The notes below are what this package adds.
const (
	StatusOK                  Status = 0
	StatusNullArgument        Status = 1 // also: a method of a closed or nil Initializer (ErrClosed)
	StatusInvalidScale        Status = 2
	StatusInvalidMode         Status = 3
	StatusInvalidDistribution Status = 4
	StatusInvalidDtype        Status = 5
	StatusInvalidShape        Status = 6
	StatusBufferSize          Status = 7
	StatusInvalidConfig       Status = 8 // also: a Go string with a NUL byte, which C cannot take
	StatusInternal            Status = 9
	StatusInvalidAlgorithm    Status = 10
	StatusInvalidLayout       Status = 11
)

// String returns the C name, such as "VS_ERR_INVALID_SCALE" (the part of
// the library's vs_status_str text before ": "), or "Status(N)" for a
// number the library does not define.
func (s Status) String() string {
	if name, _, ok := strings.Cut(statusText(s), ": "); ok && strings.HasPrefix(name, "VS_") {
		return name
	}
	return "Status(" + itoa(int64(s)) + ")"
}

// Error returns the library's fixed description of the status
// (vs_status_str), such as
// "VS_ERR_INVALID_SCALE: scale must be a finite number > 0".
func (s Status) Error() string { return statusText(s) }

// Error is the error every function and method of this package returns. It
// carries the status and the library's message for the call that failed
// (vs_last_error_message, read in that same cgo call), which names the
// argument and the value received.
type Error struct {
	Op      string // the Go function or method that failed, such as "Fill32"
	Status  Status // the library's status; never StatusOK
	Message string // the library's message ("" if it could not be copied)
	closed  bool   // the Initializer was closed (matches ErrClosed)
}

// Error formats as "variancescaling: OP: STATUS: MESSAGE".
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Status.Error()
	}
	return "variancescaling: " + e.Op + ": " + e.Status.String() + ": " + msg
}

// Unwrap returns the Status, so errors.Is(err, StatusBufferSize) and
// errors.As(err, &status) work.
func (e *Error) Unwrap() error { return e.Status }

// Is reports whether target is ErrClosed and e comes from a closed
// Initializer. (Status comparisons go through Unwrap.)
func (e *Error) Is(target error) bool {
	return target == ErrClosed && e.closed
}

// ErrClosed matches (with errors.Is) the error of any method called on a
// closed or nil *Initializer. That error is an *Error with
// StatusNullArgument, the status the library gives a NULL handle.
var ErrClosed = errors.New("variancescaling: Initializer is closed")

func closedError(op string) error {
	return &Error{Op: op, Status: StatusNullArgument,
		Message: "the Initializer is closed (or nil)", closed: true}
}

func itoa(v int64) string {
	if v < 0 {
		return "-" + uitoa(uint64(-v))
	}
	return uitoa(uint64(v))
}
