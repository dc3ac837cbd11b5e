package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"escalation-bot/conversation"
)

// DueOwnership asks the maker's records again about a case whose ownership check could not be
// made (the CRM was down or slow). Its CaseID and Owner name the case; the VIN is the case's.
const DueOwnership = "ownership"

// ownershipBackoff are the waits before the first checks tried again; after them the check is
// tried every ownershipRetryEvery, maxOwnershipChecks times in all (about three days), and
// then the case is left to the moderators.
var ownershipBackoff = [...]time.Duration{5 * time.Minute, 15 * time.Minute, time.Hour}

const (
	ownershipRetryEvery = 6 * time.Hour
	maxOwnershipChecks  = len(ownershipBackoff) + 12
)

// ownershipDelay is the wait before check number n (0 is the first tried again).
func ownershipDelay(n int) time.Duration {
	if n < len(ownershipBackoff) {
		return ownershipBackoff[n]
	}
	return ownershipRetryEvery
}

// recordsName is who the history names for what the maker's records answered.
const recordsName = "The maker's records"

// scheduleOwnershipCheck queues the check tried again of a case created with its ownership
// unknown. Without a source of records nothing would answer differently later.
func (s *Service) scheduleOwnershipCheck(ctx context.Context, c Case) {
	if s.due == nil || s.ownership == nil || c.Ownership != OwnershipUnknown || c.VIN == "" {
		return
	}
	it := DueItem{Kind: DueOwnership, CaseID: c.ID, Owner: c.Owner, At: s.clock.Now().Add(ownershipDelay(0))}
	if err := s.due.Schedule(ctx, it); err != nil {
		s.log.ErrorContext(ctx, "schedule the ownership check again", "case", c.ID, "err", err)
	}
}

// runOwnershipCheck asks again about the case of it. Verified: a held case goes to the
// escalation channels (the transition from pending happens once, whichever replica or
// moderator gets there first), a posted one shows it; not verified: the case shows it and
// the owner is told; unknown again: asked again later, up to maxOwnershipChecks times. It
// takes its item off the queue, or moves it, itself.
func (s *Service) runOwnershipCheck(ctx context.Context, it DueItem) error {
	c, err := s.cases.Get(ctx, it.CaseID)
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("get %s: %w", it.CaseID, err)
	}
	if err != nil || c.Owner != it.Owner || c.VIN == "" || c.Ownership != OwnershipUnknown ||
		!(c.Open() || c.Status == StatusPending) {
		// Gone, erased, ended, or answered since (a moderator's verify, an approved photo).
		return s.due.Done(ctx, it)
	}
	ans := s.checkOwnership(ctx, OwnershipQuery{Identity: c.Owner, VIN: c.VIN, Ticket: c.Answer(conversation.RoleTicket)})
	bot := Actor{ID: botActor, Name: recordsName}
	event := fmt.Sprintf("ownership:%s:%d", c.ID, it.Attempt)
	switch ans.Result {
	case OwnershipVerified:
		if c.Status == StatusPending {
			_, err = s.transition(ctx, bot, c.ID, Transition{From: []Status{StatusPending}, To: StatusOpen, Action: "verify", Note: "released", EventID: event})
			if code := ErrorCode(err); code == CodeConflict || code == CodeNotFound {
				err = nil // released or ended by someone else meanwhile
			}
		} else {
			err = s.record(ctx, c.ID, AuditEntry{At: s.clock.Now(), Actor: botActor, Name: recordsName, Action: "verify", EventID: event})
		}
	case OwnershipUnverified:
		err = s.record(ctx, c.ID, AuditEntry{At: s.clock.Now(), Actor: botActor, Name: recordsName, Action: "unverify", Text: ans.Reason, EventID: event})
	default:
		if it.Attempt+1 >= maxOwnershipChecks {
			s.log.WarnContext(ctx, "ownership still unknown, left to the moderators", "case", c.ID, "checks", it.Attempt+1)
			return s.due.Done(ctx, it)
		}
		next := it
		next.Attempt++
		next.At = s.clock.Now().Add(ownershipDelay(next.Attempt))
		s.log.InfoContext(ctx, "ownership still unknown, will ask again", "case", c.ID, "at", next.At)
		return s.due.Reschedule(ctx, it, next)
	}
	if errors.Is(err, ErrDuplicateEvent) || errors.Is(err, ErrWrongStatus) {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("ownership of %s: %w", c.ID, err)
	}
	s.log.InfoContext(ctx, "ownership checked again", "case", c.ID, "result", ans.Result, "checks", it.Attempt+1)
	return s.due.Done(ctx, it)
}

// ownershipNews is what the owner is told when the records answered a check tried again and
// found the vehicle not registered to them: what the intake says, for a filed case.
func ownershipNews(c Case, reason string) string {
	text := owned.NotVerified.In(c.Language)
	if reason != "" {
		text += " " + reason
	}
	if c.Status == StatusPending {
		return text + " " + owned.HeldStatus.F(c.Language, c.ID)
	}
	return text + " " + owned.FlagNoted.F(c.Language, c.ID)
}
