package bot

import (
	"errors"
	"fmt"
)

// Code classifies a domain outcome so every adapter can map it the same way
// (HTTP status, Slack or Discord ephemeral answer).
type Code string

const (
	CodeConflict    Code = "conflict"    // the action lost a race or the case is in another state
	CodeInvalid     Code = "invalid"     // the input does not make sense
	CodeNotFound    Code = "not_found"   // unknown case or user
	CodeForbidden   Code = "forbidden"   // the actor may not do this
	CodeUnavailable Code = "unavailable" // paused, blocked or rate limited: try later
	CodeInternal    Code = "internal"
)

// Error is a domain error with a message written for the person who reads it.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf builds a domain error with a human message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, or CodeInternal for anything that is not a domain error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Retryable reports whether err means the work could not be done for now rather than that it
// was refused: anything but a domain error, mostly Redis being away. Work that arrived through
// the inbox is then run again later, and the person is told nothing yet.
func Retryable(err error) bool {
	return err != nil && ErrorCode(err) == CodeInternal
}

// ErrorMessage returns the text that may be shown to a user: a domain error's own message,
// and a generic apology for anything else, whose detail belongs in the log only.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Sorry, something went wrong on our side. Please try again in a moment."
}

// Sentinel errors returned by the stores; the service turns them into domain errors.
var (
	ErrNotFound         = errors.New("not found")
	ErrWrongStatus      = errors.New("case is not in a status that allows this")
	ErrNotClaimer       = errors.New("case is claimed by someone else")
	ErrConflict         = errors.New("version conflict")
	ErrDuplicateEvent   = errors.New("event already handled")
	ErrOwnerHasOpenCase = errors.New("owner already has an open case")
	ErrVINHasOpenCase   = errors.New("vehicle already has an open case")
)
