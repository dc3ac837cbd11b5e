package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// matches reports whether the actor is named by any entry of a permission list:
// an identity, a role ("role:123", "group:S1"), a platform wildcard ("web:*"), an identity
// with wildcard segments ("slack:*:U123", any workspace) or "*".
func (a Actor) matches(list []string) bool {
	for _, entry := range list {
		entry = strings.TrimSpace(entry)
		switch {
		case entry == "*":
			return true
		case strings.HasSuffix(entry, ":*") && strings.Count(entry, ":") == 1 && a.ID.Platform() == strings.TrimSuffix(entry, ":*"):
			return true
		case segmentsMatch(entry, string(a.ID)):
			return true
		}
		for _, r := range a.Roles {
			if r == entry {
				return true
			}
		}
	}
	return false
}

// segmentsMatch compares colon-separated segments, "*" matching any one segment.
func segmentsMatch(pattern, id string) bool {
	p, s := strings.Split(pattern, ":"), strings.Split(id, ":")
	if len(p) != len(s) {
		return false
	}
	for i := range p {
		if p[i] != "*" && p[i] != s[i] {
			return false
		}
	}
	return true
}

// CanClaim reports whether the actor may claim cases. Claimer lists are per platform: an
// entry about Slack ("group:S1", "slack:*:U1") restricts Slack users only, so naming a Slack
// user group does not lock Discord or the playground out. On a platform the list says nothing
// about, anyone who can see the escalation channel may claim.
func (s *Service) CanClaim(a Actor) bool {
	var relevant []string
	for _, e := range s.cfg.Claimers {
		if p := entryPlatform(e); p == "" || p == a.ID.Platform() {
			relevant = append(relevant, e)
		}
	}
	return len(relevant) == 0 || a.matches(relevant) || s.IsModerator(a)
}

// entryPlatform is the platform a permission entry is about, or "" for every platform.
// Roles are Discord's ("role:", "perm:") and user groups Slack's ("group:").
func entryPlatform(entry string) string {
	kind, _, _ := strings.Cut(strings.TrimSpace(entry), ":")
	switch kind {
	case "*":
		return ""
	case "role", "perm":
		return "discord"
	case "group":
		return "slack"
	}
	return kind
}

// IsModerator reports whether the actor may run moderator commands.
func (s *Service) IsModerator(a Actor) bool { return a.matches(s.cfg.Moderators) }

// Claim gives the case to the actor. Exactly one of many concurrent claims wins; the others get
// a conflict naming the winner.
func (s *Service) Claim(ctx context.Context, a Actor, id string) (Card, error) {
	return s.claim(ctx, a, id, "")
}

func (s *Service) claim(ctx context.Context, a Actor, id, eventID string) (Card, error) {
	if !s.CanClaim(a) {
		return Card{}, Errorf(CodeForbidden, "Only executives of the escalation line may claim cases.")
	}
	return s.transition(ctx, a, id, Transition{
		From: []Status{StatusOpen}, To: StatusClaimed, Action: "claim",
		Claimer: a.ID, ClaimerName: a.Name, EventID: eventID,
	})
}

// Assign gives the case to a user, claimed or not (moderators only). The user must be one
// valid identity and, where the platform can tell (see Directory), someone who exists; their
// display name comes from there too.
func (s *Service) Assign(ctx context.Context, a Actor, id string, to Identity) (Card, error) {
	if !s.IsModerator(a) {
		return Card{}, errNotModerator()
	}
	if !ValidIdentity(to) {
		return Card{}, Errorf(CodeInvalid, "Assign to whom? Name one executive as %s.", IdentityNotation)
	}
	c, err := s.getCase(ctx, id)
	if err != nil {
		return Card{}, err
	}
	if c.Owner == to || slices.Contains(c.Watchers, to) {
		return Card{}, Errorf(CodeInvalid, "%s reported %s; assign it to an executive instead.", to, c.ID)
	}
	toName, err := s.person(ctx, to)
	if err != nil {
		return Card{}, err
	}
	return s.transition(ctx, a, id, Transition{
		From: []Status{StatusOpen, StatusClaimed}, To: StatusClaimed, Action: "assign",
		Claimer: to, ClaimerName: toName, Note: toName,
	})
}

// Release gives a claimed case back to the channel (its claimer or a moderator).
func (s *Service) Release(ctx context.Context, a Actor, id string) (Card, error) {
	return s.release(ctx, a, id, "")
}

func (s *Service) release(ctx context.Context, a Actor, id, eventID string) (Card, error) {
	return s.transition(ctx, a, id, Transition{From: []Status{StatusClaimed}, To: StatusOpen, Action: "release", OnlyClaimer: s.onlyClaimer(a), EventID: eventID})
}

// onlyClaimer limits a transition to the actor's own claim, unless the actor moderates; the
// store checks it atomically with the status, so a claim that changes hands in between
// cannot be released or resolved by the wrong person.
func (s *Service) onlyClaimer(a Actor) Identity {
	if s.IsModerator(a) {
		return ""
	}
	return a.ID
}

// Resolve ends a claimed case with a note the owner reads (its claimer or a moderator).
func (s *Service) Resolve(ctx context.Context, a Actor, id, note string) (Card, error) {
	return s.resolve(ctx, a, id, note, "")
}

func (s *Service) resolve(ctx context.Context, a Actor, id, note, eventID string) (Card, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		return Card{}, Errorf(CodeInvalid, "Please add a short resolution note; the owner will read it.")
	}
	return s.transition(ctx, a, id, Transition{From: []Status{StatusClaimed}, To: StatusResolved, Action: "resolve", Note: Truncate(note, MaxNote), OnlyClaimer: s.onlyClaimer(a), EventID: eventID})
}

// Close ends an open or claimed case with a reason (moderators only).
func (s *Service) Close(ctx context.Context, a Actor, id, reason string) (Card, error) {
	if !s.IsModerator(a) {
		return Card{}, errNotModerator()
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Card{}, Errorf(CodeInvalid, "Please give a reason: /escalations close %s <reason>", NormalizeCaseID(id))
	}
	return s.transition(ctx, a, id, Transition{From: []Status{StatusPending, StatusOpen, StatusClaimed}, To: StatusClosed, Action: "close", Note: Truncate(reason, MaxNote)})
}

// Reopen brings a resolved or closed case back to open (moderators only).
func (s *Service) Reopen(ctx context.Context, a Actor, id string) (Card, error) {
	if !s.IsModerator(a) {
		return Card{}, errNotModerator()
	}
	c, err := s.getCase(ctx, id)
	if err != nil {
		return Card{}, err
	}
	if !c.ErasedAt.IsZero() {
		// Its owner can no longer be told or reached: the case is a record only.
		return Card{}, Errorf(CodeConflict, "%s cannot be reopened: its personal data was erased.", c.ID)
	}
	return s.transition(ctx, a, id, Transition{From: []Status{StatusResolved, StatusClosed}, To: StatusOpen, Action: "reopen"})
}

// notWriting says why nobody can write to the owner of the case now.
func (s *Service) notWriting(c Case) error {
	if c.Status == StatusOpen {
		return Errorf(CodeConflict, "Claim %s before writing to its owner.", c.ID)
	}
	return Errorf(CodeConflict, "%s has ended; the reply was not sent.", c.ID)
}

// What the core keeps of what an executive writes, in characters: a message to the owner, a
// resolution note or close reason. The platforms' forms offer no more (see presentation).
const (
	MaxReply = 4000
	MaxNote  = 2000
)

func errNotModerator() error {
	return Errorf(CodeForbidden, "Only moderators of the escalation line may do that.")
}

// transition runs one status change and tells everyone who needs to know.
func (s *Service) transition(ctx context.Context, a Actor, id string, t Transition) (Card, error) {
	id, err := ParseCaseID(id)
	if err != nil {
		return Card{}, err
	}
	t.Actor, t.Name, t.At = a.ID, a.Name, s.clock.Now()
	t.FollowUp = s.followUp(id)
	c, err := s.cases.Transition(ctx, id, t)
	switch {
	case errors.Is(err, ErrDuplicateEvent):
		return s.cardOf(c), nil // done when this event was first handled; its outbox tells
	case isNotFound(err):
		return Card{}, Errorf(CodeNotFound, "There is no case %s.", id)
	case errors.Is(err, ErrWrongStatus):
		return Card{}, s.refusal(c, t)
	case errors.Is(err, ErrNotClaimer):
		return Card{}, Errorf(CodeForbidden, "%s is claimed by %s; only they or a moderator can do that.", c.ID, c.ClaimedByName)
	case errors.Is(err, ErrOwnerHasOpenCase):
		return Card{}, Errorf(CodeConflict, "%s cannot be reopened: its owner has another open case.", id)
	case errors.Is(err, ErrVINHasOpenCase):
		return Card{}, Errorf(CodeConflict, "%s cannot be reopened: its vehicle has another open case.", id)
	case err != nil:
		return Card{}, fmt.Errorf("%s %s: %w", t.Action, id, err)
	}
	s.log.InfoContext(ctx, "case "+t.Action, "case", id, "actor", a.ID, "status", c.Status)
	s.deliverNow(ctx, c, AuditEntry{At: t.At, Actor: t.Actor, Name: t.Name, Action: t.Action, Text: t.Note}, t.FollowUp)
	return s.cardOf(c), nil
}

// refusal explains why a transition did not happen, naming who got there first.
func (s *Service) refusal(c Case, t Transition) error {
	now := s.clock.Now()
	switch c.Status {
	case StatusClaimed:
		if c.ClaimedBy == t.Actor && t.To == StatusClaimed {
			return Errorf(CodeConflict, "You already claimed %s.", c.ID)
		}
		return Errorf(CodeConflict, "%s is already claimed by %s (%s).", c.ID, c.ClaimedByName, ago(now, c.ClaimedAt))
	case StatusOpen:
		return Errorf(CodeConflict, "%s is open and not claimed by anyone.", c.ID)
	case StatusPending:
		return Errorf(CodeConflict, "%s waits for a moderator to verify its owner.", c.ID)
	case StatusResolved:
		return Errorf(CodeConflict, "%s was already resolved (%s).", c.ID, ago(now, c.EndedAt))
	case StatusClosed:
		return Errorf(CodeConflict, "%s was closed (%s): %s", c.ID, ago(now, c.EndedAt), c.Note)
	}
	return Errorf(CodeConflict, "%s is %s.", c.ID, c.Status)
}

// Reply relays an executive's message to the owner (the claimer or a moderator).
func (s *Service) Reply(ctx context.Context, a Actor, id, text string) (Card, error) {
	return s.reply(ctx, a, id, text, "", "")
}

// ThreadReply relays a message the claimer (or a moderator) wrote in the case card's thread in
// channel (platform-qualified), as Reply does; the thread already shows it, so it is not
// written there again. Anyone else's message is refused as Reply refuses it (CodeForbidden,
// CodeConflict while the case is not claimed), which adapters take as chatter: a thread is
// also where executives talk among themselves.
func (s *Service) ThreadReply(ctx context.Context, a Actor, id, text, eventID, channel string) (Card, error) {
	return s.reply(ctx, a, id, text, eventID, channel)
}

func (s *Service) reply(ctx context.Context, a Actor, id, text, eventID, via string) (Card, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Card{}, Errorf(CodeInvalid, "The reply is empty.")
	}
	c, err := s.getCase(ctx, id)
	if err != nil {
		return Card{}, err
	}
	// Who may write is read from the claim, which an ended case keeps: a reply run again after
	// the case ended meanwhile is then found to be a repeat below, not refused.
	if c.ClaimedBy != a.ID && !s.IsModerator(a) {
		if c.Status == StatusClaimed {
			return Card{}, Errorf(CodeForbidden, "%s is claimed by %s; only they can write to the owner.", c.ID, c.ClaimedByName)
		}
		return Card{}, s.notWriting(c)
	}
	if c.Status == StatusOpen {
		return Card{}, s.notWriting(c)
	}
	text = Truncate(text, MaxReply)
	now := s.clock.Now()
	entry := AuditEntry{At: now, Actor: a.ID, Name: a.Name, Action: "exec_message", Text: text, Via: via}
	if eventID != "" {
		entry.EventID = "reply:" + eventID
	}
	switch err := s.record(ctx, c.ID, entry); {
	case errors.Is(err, ErrDuplicateEvent):
		return s.cardOf(c), nil // relayed when this event was first handled
	case errors.Is(err, ErrWrongStatus):
		latest, _ := s.cases.Get(ctx, c.ID)
		return Card{}, s.notWriting(latest)
	case err != nil:
		return Card{}, fmt.Errorf("reply on %s: %w", c.ID, err)
	}
	return s.cardOf(c), nil
}
