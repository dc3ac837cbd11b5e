package discord

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
)

// An interaction token lets whoever holds it answer the interaction and post as the bot in its
// channel for 15 minutes. discordgo puts it into the path of the callback
// (/interactions/<id>/<token>/callback) and of the followups (/webhooks/<app>/<token>…), and
// those URLs reach the log through its RateLimit events and through transport errors
// (*url.Error prints the URL). tokenPath finds the token segment of both.
var tokenPath = regexp.MustCompile(`(/(?:webhooks|interactions)/[^/\s"'?#]+/)[^/\s"'?#]+`)

// redactTokens rewrites /webhooks/<app>/<token>… to /webhooks/<app>/…, and
// /interactions/<id>/<token>/callback to /interactions/<id>/…/callback.
func redactTokens(s string) string {
	return tokenPath.ReplaceAllString(s, "${1}…")
}

// redactingHandler applies redactTokens to the message and to every string, error and
// Stringer attribute of a record before the handler it wraps sees them: whatever logs through
// the adapter's logger (its own lines, the job runner's) cannot write an interaction token.
type redactingHandler struct{ next slog.Handler }

// redactLogger wraps l's handler; wrapping twice is harmless.
func redactLogger(l *slog.Logger) *slog.Logger {
	if _, ok := l.Handler().(redactingHandler); ok {
		return l
	}
	return slog.New(redactingHandler{next: l.Handler()})
}

func (h redactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, redactTokens(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = redactAttr(a)
	}
	return redactingHandler{next: h.next.WithAttrs(clean)}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{next: h.next.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, redactTokens(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = redactAttr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, redactTokens(safeString(x.Error)))
		case fmt.Stringer:
			return slog.String(a.Key, redactTokens(safeString(x.String)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// safeString calls f as slog would, a panic (a nil pointer's method) becoming the text.
func safeString(f func() string) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("!PANIC: %v", r)
		}
	}()
	return f()
}
