package redact

import (
	"context"
	"fmt"
	"log/slog"
)

// Logger returns a logger that applies clean to the message and to every string, error and
// Stringer attribute of a record before l's handler sees them: whatever logs through it cannot
// write what clean removes.
func Logger(l *slog.Logger, clean func(string) string) *slog.Logger {
	return slog.New(handler{next: l.Handler(), clean: clean})
}

type handler struct {
	next  slog.Handler
	clean func(string) string
}

func (h handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.clean(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return handler{next: h.next.WithAttrs(clean), clean: h.clean}
}

func (h handler) WithGroup(name string) slog.Handler {
	return handler{next: h.next.WithGroup(name), clean: h.clean}
}

func (h handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.clean(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = h.attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, h.clean(safeString(x.Error)))
		case fmt.Stringer:
			return slog.String(a.Key, h.clean(safeString(x.String)))
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
