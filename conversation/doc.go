// Package conversation is the owner's intake: a flow is data (steps, kinds, roles, choices,
// translations, loadable from YAML and validated with file:line:col), and the Engine a pure
// function from a session and an input to the next session and the replies. It does no I/O
// and has no clock of its own; bot runs it inside an owner's turn. See docs/ARCHITECTURE.md.
package conversation
