package bot

import (
	"context"
	"fmt"
	"time"
)

// Hook is a receiver of the case's events outside chat: a CRM, a ticket system (a webhook).
// Every change with an outbox item goes to every hook once it is its turn: a receiver gets a
// case's events in order, at least once; the same event sent again has the same ID.
type Hook interface {
	// Name is short and stable ([a-z0-9]{1,32}): it names the receiver's cursor on each case.
	Name() string
	// Send delivers the event; an error means: send it again later.
	Send(ctx context.Context, ev HookEvent) error
}

// HookEvent is one event a hook receives.
type HookEvent struct {
	ID   string    `json:"id"`   // the same for every attempt: "<case>:<seq>"
	Type string    `json:"type"` // case.created, case.claimed, ...
	At   time.Time `json:"at"`
	// Actor and Name are who caused the event; Text is what they wrote (a message, a note).
	Actor Identity `json:"actor"`
	Name  string   `json:"name"`
	Text  string   `json:"text,omitempty"`
	Case  Case     `json:"case"`
}

// hookTypes are the event types of the audit actions that hooks hear of; the other changes
// (reminders, ratings, ...) only move the receivers' cursors.
var hookTypes = map[string]string{
	"created":       "case.created",
	"claim":         "case.claimed",
	"assign":        "case.claimed",
	"release":       "case.released",
	"escalate":      "case.escalated",
	"owner_message": "case.message",
	"file":          "case.message",
	"exec_message":  "case.message",
	"resolve":       "case.resolved",
	"confirm":       "case.confirmed",
	"dispute":       "case.disputed",
	"close":         "case.closed",
	"reopen":        "case.reopened",
	"verify":        "case.verified",
	"unverify":      "case.unverified",
	"erase":         "owner.forgotten",
}

// hookMessages are the hook steps of a change: one per receiver, each waiting for the
// receiver's previous event of the case, sending this one (if hooks hear of it) and moving the
// receiver's cursor.
func (s *Service) hookMessages(c Case, e AuditEntry) []outMessage {
	if e.Seq == 0 {
		return nil
	}
	var out []outMessage
	for _, h := range s.hooks {
		name := h.Name()
		out = append(out, outMessage{key: "hook:" + name, send: func(ctx context.Context, _ Delivery) error {
			if cur, known := c.Hooks[name]; known {
				switch {
				case cur >= e.Seq:
					return nil // sent before
				case cur < e.Seq-1:
					latest, err := s.cases.Get(ctx, c.ID)
					if err != nil {
						return err
					}
					if latest.Hooks[name] < e.Seq-1 {
						return fmt.Errorf("webhook %s: %w", name, errNotYet)
					}
				}
			}
			if typ, ok := hookTypes[e.Action]; ok {
				ev := HookEvent{ID: fmt.Sprintf("%s:%d", c.ID, e.Seq), Type: typ, At: e.At, Actor: e.Actor, Name: e.Name, Text: e.Text, Case: c}
				if err := h.Send(ctx, ev); err != nil {
					return fmt.Errorf("webhook %s: %w", name, err)
				}
			}
			return s.cases.HookDone(ctx, c.ID, name, e.Seq)
		}})
	}
	return out
}

// hookCursors are the cursors a new case starts with: every receiver at 0.
func (s *Service) hookCursors() map[string]int64 {
	if len(s.hooks) == 0 {
		return nil
	}
	m := make(map[string]int64, len(s.hooks))
	for _, h := range s.hooks {
		m[h.Name()] = 0
	}
	return m
}

// skipHooks moves every receiver's cursor past a change given up on, so the case's later
// events are not held up by it for ever.
func (s *Service) skipHooks(ctx context.Context, id string, seq int64) {
	for _, h := range s.hooks {
		if err := s.cases.HookDone(ctx, id, h.Name(), seq); err != nil {
			s.log.ErrorContext(ctx, "skip a webhook event", "case", id, "hook", h.Name(), "err", err)
		}
	}
}
