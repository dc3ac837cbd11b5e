package prometheus

import (
	"context"

	"escalation-bot/bot"
)

// CaseStore counts what happens to cases on its way through to the store it wraps: every
// transition and audit entry the store accepted, by action, and the time to a case's first
// claim. Refused and repeated changes (a lost race, a redelivered event) count nothing.
type CaseStore struct {
	bot.CaseStore
	m *Metrics
}

// DecorateCaseStore wraps the app's bot.CaseStore (for fx.Decorate).
func DecorateCaseStore(s bot.CaseStore, m *Metrics) bot.CaseStore {
	return &CaseStore{CaseStore: s, m: m}
}

// Create counts "created" when this call stored the case. Creating a reserved id again (a
// submission recovered by the due queue) returns the case stored first, with its own
// creation time, and counts nothing.
func (s *CaseStore) Create(ctx context.Context, c bot.Case) (bot.Case, error) {
	got, err := s.CaseStore.Create(ctx, c)
	if err == nil && !c.CreatedAt.IsZero() && got.CreatedAt.UnixMilli() == c.CreatedAt.UnixMilli() {
		s.m.action("created")
	}
	return got, err
}

// Transition counts the action; a claim or assignment that is the case's first claim
// observes the time since the case was created.
func (s *CaseStore) Transition(ctx context.Context, id string, t bot.Transition) (bot.Case, error) {
	c, err := s.CaseStore.Transition(ctx, id, t)
	if err != nil {
		return c, err
	}
	s.m.action(t.Action)
	if c.Status == bot.StatusClaimed && !c.FirstClaimAt.IsZero() && c.FirstClaimAt.Equal(c.ClaimedAt) &&
		(t.Action == "claim" || t.Action == "assign") {
		s.m.timeToClaim.Observe(max(c.FirstClaimAt.Sub(c.CreatedAt).Seconds(), 0))
	}
	return c, nil
}

// AddAudit counts the entry's action: a reminder, an escalation, a message.
func (s *CaseStore) AddAudit(ctx context.Context, id string, e bot.AuditEntry) error {
	if err := s.CaseStore.AddAudit(ctx, id, e); err != nil {
		return err
	}
	s.m.action(e.Action)
	return nil
}
