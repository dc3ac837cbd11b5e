package bot

import (
	"context"
	"fmt"
	"time"

	"escalation-bot/conversation"
)

// Admission decides whether an owner may open a case at all: a platform's restrictions on who
// the line is for (Discord's OWNER_ROLE_IDS and OWNER_MIN_MEMBER_DAYS). The core asks it in the
// turn of an owner who is not in an intake and has no open case, from what that turn read
// anyway; owners already on their way carry on, since the restriction is on opening cases.
type Admission interface {
	// Admit reports whether the owner of ev may go on; when not, reason is the refusal written
	// for the owner, in full. An error means no answer could be had for now: the turn fails
	// and is run again later. An owner the admission knows nothing of (another platform's) is
	// admitted.
	Admit(ctx context.Context, ev OwnerEvent) (ok bool, reason string, err error)
}

// Member is an owner's membership of the community an event came from, as the platform sent
// it with the event (a Discord interaction in a server carries its member). The core only
// hands it to the Admission.
type Member struct {
	Community string   // the platform's id of the community (a Discord server)
	Roles     []string // the platform's role ids
	Joined    time.Time
}

// admit asks the Admission about an owner who is about to start an intake; nil lets the turn
// go on. A refusal is a CodeForbidden error carrying the Admission's reason, so an adapter can
// show it where the owner asked (a slash command's answer) rather than in the DM, and the turn
// keeps nothing: no session, no dialogue line.
func (s *Service) admit(ctx context.Context, t *ownerTurn, turn Turn) error {
	if s.admission == nil || t.admitted || t.ev.Invited || continuing(turn) {
		return nil
	}
	ok, reason, err := s.admission.Admit(ctx, t.ev)
	switch {
	case err != nil:
		return fmt.Errorf("admit %s: %w", t.ev.Owner, err)
	case !ok:
		return Errorf(CodeForbidden, "%s", reason)
	}
	t.admitted = true
	return nil
}

// continuing reports whether the owner is in an intake or has an open case.
func continuing(turn Turn) bool {
	if turn.OpenCase != "" {
		return true
	}
	return turn.Found && (turn.Session.Stage == conversation.StageIntake || turn.Session.Stage == conversation.StageReview)
}
