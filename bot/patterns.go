package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"escalation-bot/conversation"
)

// Patterns: open cases of the same model, model year and category are related (the store keeps
// an index of them per pattern); each card names the newest others and counts the rest, and
// when PatternAlertAt of them are open at once the escalation channels are told, once a day
// per pattern, by the case that made the count.

// patternKey is what makes cases related: model, year and category, all known; "" otherwise.
func patternKey(c Case) string {
	model, year, category := c.Answer(conversation.RoleModel), c.Answer(conversation.RoleYear), c.Answer(conversation.RoleCategory)
	if model == "" || year == "" || category == "" {
		return ""
	}
	// A short word without the key separator: the pattern names a Redis key.
	return strings.Map(patternRune, strings.ToLower(model+"|"+year+"|"+category))
}

// patternRune drops the characters of a Redis key's structure (the separator, the hash tag's
// braces) and makes spaces underscores.
func patternRune(r rune) rune {
	switch r {
	case ':', '{', '}':
		return -1
	case ' ':
		return '_'
	}
	return r
}

// patternName is a pattern as people read it: "Model Y 2023, Steering".
func patternName(c Case) string {
	return fmt.Sprintf("%s %s, %s", c.Answer(conversation.RoleModel), c.Answer(conversation.RoleYear), c.Answer(conversation.RoleCategory))
}

// maxRelated is how many other open cases of its pattern a card names; it counts the rest.
const maxRelated = 10

// patternCases is what a card and the pattern alert read of a case's pattern: the newest open
// cases (the case itself among them when it is open) and how many are open in all.
type patternCases struct {
	newest []string
	total  int
}

// patternOf reads c's pattern; a failure to read it leaves the card without related cases and
// raises no alert.
func (s *Service) patternOf(ctx context.Context, c Case) patternCases {
	if c.Pattern == "" {
		return patternCases{}
	}
	ids, total, err := s.cases.OpenWith(ctx, c.Pattern, maxRelated+1)
	if err != nil {
		s.log.WarnContext(ctx, "related cases", "case", c.ID, "err", err)
		return patternCases{}
	}
	return patternCases{newest: ids, total: total}
}

// related are the open cases in c's pattern other than c, the newest maxRelated of them, and
// how many more there are.
func (p patternCases) related(c Case) (ids []string, more int) {
	others := p.total
	if c.Open() {
		others-- // c is in the pattern's count, whether or not among the newest
	}
	for _, id := range p.newest {
		if id != c.ID {
			ids = append(ids, id)
		}
	}
	if len(ids) > maxRelated {
		ids = ids[len(ids)-maxRelated:]
	}
	return ids, max(0, others-len(ids))
}

// alertPattern tells the escalation channels when a new case brings its pattern to
// PatternAlertAt open cases. The alert is an audit entry of that case, so it goes out through
// the outbox, once a day per pattern (its event id).
func (s *Service) alertPattern(ctx context.Context, c Case, p patternCases) {
	at := s.cfg.PatternAlertAt
	if at <= 0 || c.Pattern == "" || p.total < at {
		return
	}
	day := s.clock.Now().UTC().Format("2006-01-02")
	s.alertedMu.Lock()
	done := s.alerted[c.Pattern] == day
	s.alertedMu.Unlock()
	if done {
		return
	}
	named := strings.Join(p.newest, ", ")
	if more := p.total - len(p.newest); more > 0 {
		named = fmt.Sprintf("%s, +%d", named, more)
	}
	entry := AuditEntry{At: s.clock.Now(), Actor: botActor, Name: botName, Action: "pattern",
		EventID: "pattern:" + c.Pattern + ":" + day,
		Text:    fmt.Sprintf("%d open cases: %s (%s)", p.total, patternName(c), named)}
	if err := s.record(ctx, c.ID, entry); err != nil && !errors.Is(err, ErrDuplicateEvent) {
		s.log.WarnContext(ctx, "pattern alert", "case", c.ID, "err", err)
		return
	}
	s.alertedMu.Lock()
	if s.alerted == nil {
		s.alerted = map[string]string{}
	}
	s.alerted[c.Pattern] = day // one entry a pattern: the map grows with the patterns, not the days
	s.alertedMu.Unlock()
}

// compareCaseIDs orders case ids by number, ESC-9 before ESC-10: ids share their prefix and
// their numbers have no leading zeros, so the shorter id is the smaller.
func compareCaseIDs(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}
