// Package errs holds Implique's one error type: a category that maps to an
// HTTP status, and a translation key that is safe to show to the user.
// Any other error is an internal one: logged, and shown as a polite 500.
package errs

import (
	"errors"
	"sort"
)

// Code is the category of an error.
type Code string

const (
	NotFound     Code = "not_found"    // 404
	Invalid      Code = "invalid"      // 422
	Conflict     Code = "conflict"     // 409
	Forbidden    Code = "forbidden"    // 403
	Unauthorized Code = "unauthorized" // 401
	TooMany      Code = "too_many"     // 429
)

// Error is an error whose message can be shown. Key is a catalog key;
// Fields maps a form field to the catalog key of its problem.
type Error struct {
	Code   Code
	Key    string
	Fields map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return string(e.Code) + ": " + e.Key
	}
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f+"="+e.Fields[f])
	}
	sort.Strings(names)
	s := string(e.Code) + ": " + e.Key
	for _, n := range names {
		s += " " + n
	}
	return s
}

// New returns an error of code with the message key.
func New(code Code, key string) *Error { return &Error{Code: code, Key: key} }

// Fields collects per-field problems; Err returns nil when there are none.
type Fields map[string]string

// Add records the first problem of a field.
func (f Fields) Add(field, key string) {
	if _, ok := f[field]; !ok {
		f[field] = key
	}
}

// Err returns an Invalid error listing the fields, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Key: "errors.invalid", Fields: f}
}

// CodeOf returns the code of err, or "" when it is an internal error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// As returns err as an *Error when it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err is an *Error of code.
func Is(err error, code Code) bool { return CodeOf(err) == code }
