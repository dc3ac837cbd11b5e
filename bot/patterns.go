package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"escalation-bot/conversation"
)

// Patterns: open cases of the same model, model year and category are related (the store keeps
// a set of them per pattern); each card lists the others, and when PatternAlertAt of them are
// open at once the escalation channels are told, once a day per pattern, by the case that
// made the count.

// patternKey is what makes cases related: model, year and category, all known; "" otherwise.
func patternKey(c Case) string {
	model, year, category := c.Answer(conversation.RoleModel), c.Answer(conversation.RoleYear), c.Answer(conversation.RoleCategory)
	if model == "" || year == "" || category == "" {
		return ""
	}
	// A short word without the key separator: the pattern names a Redis key.
	return strings.NewReplacer(":", "", "{", "", "}", "", " ", "_").Replace(strings.ToLower(model + "|" + year + "|" + category))
}

// patternName is a pattern as people read it: "Model Y 2023, Steering".
func patternName(c Case) string {
	return fmt.Sprintf("%s %s, %s", c.Answer(conversation.RoleModel), c.Answer(conversation.RoleYear), c.Answer(conversation.RoleCategory))
}

// related are the open cases in c's pattern other than c; a failure to read them leaves the
// card without them.
func (s *Service) related(ctx context.Context, c Case) []string {
	ids, err := s.cases.OpenWith(ctx, c.Pattern)
	if err != nil {
		s.log.WarnContext(ctx, "related cases", "case", c.ID, "err", err)
		return nil
	}
	return slices.DeleteFunc(ids, func(id string) bool { return id == c.ID })
}

// alertPattern tells the escalation channels when a new case brings its pattern to
// PatternAlertAt open cases. The alert is an audit entry of that case, so it goes out through
// the outbox, once a day per pattern (its event id).
func (s *Service) alertPattern(ctx context.Context, c Case) {
	at := s.cfg.PatternAlertAt
	if at <= 0 || c.Pattern == "" {
		return
	}
	ids, err := s.cases.OpenWith(ctx, c.Pattern)
	if err != nil {
		s.log.WarnContext(ctx, "pattern alert", "case", c.ID, "err", err)
		return
	}
	n := len(ids)
	if n < at {
		return
	}
	day := s.clock.Now().UTC().Format("2006-01-02")
	entry := AuditEntry{At: s.clock.Now(), Actor: botActor, Name: botName, Action: "pattern",
		EventID: "pattern:" + c.Pattern + ":" + day,
		Text:    fmt.Sprintf("%d open cases: %s (%s)", n, patternName(c), strings.Join(ids, ", "))}
	if err := s.record(ctx, c.ID, entry); err != nil && !errors.Is(err, ErrDuplicateEvent) {
		s.log.WarnContext(ctx, "pattern alert", "case", c.ID, "err", err)
	}
}
