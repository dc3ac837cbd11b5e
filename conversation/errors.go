package conversation

import "fmt"

// InvalidError is an answer the owner must correct. Reason is written for the owner, so an
// adapter may show it as is.
type InvalidError struct {
	Reason string // in English
	// text and args say it in the owner's language.
	text *msg
	args []any
}

func (e *InvalidError) Error() string { return e.Reason }

// in is the reason in lang.
func (e *InvalidError) in(lang string) string {
	if e.text == nil {
		return e.Reason
	}
	return e.text.F(lang, e.args...)
}

func invalid(m msg, args ...any) error {
	return &InvalidError{Reason: m.F(LangEnglish, args...), text: &m, args: args}
}

// FlowError is a problem in a flow definition. Path names the offending value the way the YAML
// file spells it ("steps[2].kind"); File, Line and Column are set when the flow came from a file.
type FlowError struct {
	File   string
	Line   int
	Column int
	Path   string
	Reason string
	Err    error // the decoder's error, when there was one
}

func (e *FlowError) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Reason)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Reason)
	case e.Path != "":
		return fmt.Sprintf("flow: %s: %s", e.Path, e.Reason)
	default:
		return "flow: " + e.Reason
	}
}

func (e *FlowError) Unwrap() error { return e.Err }
