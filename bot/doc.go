// Package bot is the domain of the escalation bot: intake turns, cases and their life
// (claims, replies, resolutions, the owner's verdict), moderation, the outbox that tells
// people of every change, the case clocks, patterns, the digest and exports.
//
// It declares the ports it needs (ports.go, hooks.go, observe.go) and imports no adapter, no
// platform SDK and no DI framework: NewService takes a plain Params struct. The adapters
// implement the ports; corefx wires the service into an fx application. docs/ARCHITECTURE.md
// has the picture.
package bot
