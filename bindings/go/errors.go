package variancescaling

import "errors"

// Status is the library's vs_status: 0 is success, every error has its own
// number. The numbers are ABI and never change within a major version.
//
// A Status is also an error, and every *Error unwraps to its Status, so
// errors.Is(err, StatusInvalidScale) tests the kind of an error. (As an
// error, fmt's %v prints a Status with its Error text; String gives the
// bare name.)
type Status int32

const (
	StatusOK                  Status = 0  // VS_OK: success
	StatusNullArgument        Status = 1  // VS_ERR_NULL_ARGUMENT: a required pointer was NULL (here: a closed Initializer)
	StatusInvalidScale        Status = 2  // VS_ERR_INVALID_SCALE: scale not a finite number > 0
	StatusInvalidMode         Status = 3  // VS_ERR_INVALID_MODE: not fan_in, fan_out, fan_avg
	StatusInvalidDistribution Status = 4  // VS_ERR_INVALID_DISTRIBUTION: not a known distribution
	StatusInvalidDtype        Status = 5  // VS_ERR_INVALID_DTYPE: a config's dtype is not a floating-point type
	StatusInvalidShape        Status = 6  // VS_ERR_INVALID_SHAPE: negative dimension, overflow, axis out of range, box outside the tensor
	StatusBufferSize          Status = 7  // VS_ERR_BUFFER_SIZE: wrong length, or a range past the end
	StatusInvalidConfig       Status = 8  // VS_ERR_INVALID_CONFIG: bad JSON config, only one axes list, or a NUL byte in a string for C
	StatusInternal            Status = 9  // VS_ERR_INTERNAL: should never happen
	StatusInvalidAlgorithm    Status = 10 // VS_ERR_INVALID_ALGORITHM: not a known Algorithm number
	StatusInvalidLayout       Status = 11 // VS_ERR_INVALID_LAYOUT: not a known Layout number
)

var statusNames = [...]string{
	StatusOK:                  "VS_OK",
	StatusNullArgument:        "VS_ERR_NULL_ARGUMENT",
	StatusInvalidScale:        "VS_ERR_INVALID_SCALE",
	StatusInvalidMode:         "VS_ERR_INVALID_MODE",
	StatusInvalidDistribution: "VS_ERR_INVALID_DISTRIBUTION",
	StatusInvalidDtype:        "VS_ERR_INVALID_DTYPE",
	StatusInvalidShape:        "VS_ERR_INVALID_SHAPE",
	StatusBufferSize:          "VS_ERR_BUFFER_SIZE",
	StatusInvalidConfig:       "VS_ERR_INVALID_CONFIG",
	StatusInternal:            "VS_ERR_INTERNAL",
	StatusInvalidAlgorithm:    "VS_ERR_INVALID_ALGORITHM",
	StatusInvalidLayout:       "VS_ERR_INVALID_LAYOUT",
}

// String returns the C name, such as "VS_ERR_INVALID_SCALE", or
// "Status(N)" for a number the library does not define.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
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
