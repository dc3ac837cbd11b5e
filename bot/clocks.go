package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"escalation-bot/conversation"
)

// The clocks of a case. An unclaimed case reminds the on-call people every
// RemindUnclaimedAfter and escalates to the backup channels after EscalateUnclaimedAfter; a
// claimed case whose claimer has not written to the owner since the claim (or since the
// owner's last message) reminds the claimer after RemindClaimedSilentAfter. Every clock is a
// due item that names the start of its period (Ref, Unix ms): the item does nothing when the
// case has moved on since (claimed, released, written to), so a claim anywhere stops the
// reminders and escalation of the period it ends, and a release starts new ones. The clocks
// run in support time (Config.SupportHours).

// Due item kinds of the clocks.
const (
	DueRemind   = "remind"   // remind the on-call people of an unclaimed case
	DueEscalate = "escalate" // post an unclaimed case to the backup channels
	DueNudge    = "nudge"    // remind a claimer who has not written to the owner
)

// botActor is who the audit names for what the clocks do.
const (
	botActor = Identity("bot")
	botName  = "Escalation line"
)

func unixMilli(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// unclaimedSince is when the case's current unclaimed period began: its creation, release or
// reopening, which is when the case was last updated while open.
func unclaimedSince(c Case) time.Time { return c.UpdatedAt }

// silentSince is when the claimer's silence began: the claim, or the owner's last message.
func silentSince(c Case) time.Time {
	if c.LastOwner.After(c.ClaimedAt) {
		return c.LastOwner
	}
	return c.ClaimedAt
}

// clockItems are the due items of the clocks the case runs in its current state, each due
// at its next deadline.
func (s *Service) clockItems(c Case) []DueItem {
	h := s.cfg.SupportHours
	var items []DueItem
	switch c.Status {
	case StatusOpen:
		since := unclaimedSince(c)
		if d := s.cfg.RemindUnclaimedAfter; d > 0 {
			n := c.Reminders + 1
			items = append(items, DueItem{Kind: DueRemind, CaseID: c.ID, Ref: unixMilli(since), Attempt: n, At: h.Add(since, time.Duration(n)*d)})
		}
		if d := s.cfg.EscalateUnclaimedAfter; d > 0 && len(s.cfg.BackupChannels) > 0 && !c.Escalated() {
			items = append(items, DueItem{Kind: DueEscalate, CaseID: c.ID, Ref: unixMilli(since), At: h.Add(since, d)})
		}
	case StatusClaimed:
		since := silentSince(c)
		if d := s.cfg.RemindClaimedSilentAfter; d > 0 && c.LastExec.Before(since) {
			items = append(items, DueItem{Kind: DueNudge, CaseID: c.ID, Ref: unixMilli(since), At: h.Add(since, d)})
		}
	}
	return items
}

// nextDeadline is the earliest deadline the case's clocks run to, or zero.
func (s *Service) nextDeadline(c Case) time.Time {
	var next time.Time
	for _, it := range s.clockItems(c) {
		if next.IsZero() || it.At.Before(next) {
			next = it.At
		}
	}
	return next
}

// clocksOn reports whether any clock runs.
func (s *Service) clocksOn() bool {
	return s.due != nil && (s.cfg.RemindUnclaimedAfter > 0 || s.cfg.EscalateUnclaimedAfter > 0 || s.cfg.RemindClaimedSilentAfter > 0)
}

// startClocks schedules the clocks of the case's current state. Scheduling is idempotent
// (an item is computed from the case, so the same state gives the same items), so every
// path that may be the first to see a state (the change's delivery, the due queue's card
// check) can call it.
func (s *Service) startClocks(ctx context.Context, c Case) error {
	if s.due == nil {
		return nil
	}
	for _, it := range s.clockItems(c) {
		if err := s.due.Schedule(ctx, it); err != nil {
			return fmt.Errorf("start the clocks of %s: %w", c.ID, err)
		}
	}
	return nil
}

// runClock handles a clock's due item.
func (s *Service) runClock(ctx context.Context, it DueItem) error {
	c, err := s.cases.Get(ctx, it.CaseID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("get %s: %w", it.CaseID, err)
	}
	now := s.clock.Now()
	var entry AuditEntry
	switch it.Kind {
	case DueRemind:
		if c.Status != StatusOpen || unixMilli(unclaimedSince(c)) != it.Ref {
			return nil // claimed, or released again: that period's clock stopped
		}
		waited := s.cfg.SupportHours.Between(unclaimedSince(c), now)
		entry = AuditEntry{Action: "remind", EventID: fmt.Sprintf("remind:%s:%s:%d", c.ID, it.Ref, it.Attempt),
			Text: fmt.Sprintf("Reminder: %s has waited %s for an executive to claim it.", c.ID, roughly(waited))}
	case DueEscalate:
		if c.Status != StatusOpen || unixMilli(unclaimedSince(c)) != it.Ref || c.Escalated() {
			return nil
		}
		waited := s.cfg.SupportHours.Between(unclaimedSince(c), now)
		entry = AuditEntry{Action: "escalate", EventID: "escalate:" + c.ID,
			Text: fmt.Sprintf("%s has waited %s unclaimed and goes to the next tier.", c.ID, roughly(waited))}
	case DueNudge:
		since := silentSince(c)
		if c.Status != StatusClaimed || unixMilli(since) != it.Ref || !c.LastExec.Before(since) {
			return nil // released, ended, or the claimer wrote
		}
		entry = AuditEntry{Action: "nudge", EventID: fmt.Sprintf("nudge:%s:%s", c.ID, it.Ref),
			Text: fmt.Sprintf("%s has not heard from you for %s.", c.OwnerName, roughly(s.cfg.SupportHours.Between(since, now)))}
	}
	entry.At, entry.Actor, entry.Name = now, botActor, botName
	switch err := s.record(ctx, c.ID, entry); {
	case errors.Is(err, ErrWrongStatus):
		return nil // the case moved on in between
	case errors.Is(err, ErrDuplicateEvent):
		// Done before by a run that stopped before finishing: its outbox item delivers it.
	case err != nil:
		return fmt.Errorf("%s %s: %w", entry.Action, c.ID, err)
	default:
		s.log.InfoContext(ctx, "case "+entry.Action, "case", c.ID)
	}
	if it.Kind != DueRemind {
		return nil
	}
	// Again every period while the case stays unclaimed, counting the reminder just made.
	if c, err = s.cases.Get(ctx, c.ID); err != nil {
		return fmt.Errorf("get %s: %w", it.CaseID, err)
	}
	return s.startClocks(ctx, c)
}

// roughly writes a duration as people say it: "45 min", "3 h", "2 days".
func roughly(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", max(1, int(d.Round(time.Minute)/time.Minute)))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Round(time.Hour)/time.Hour))
	}
	return fmt.Sprintf("%d days", int(d.Round(24*time.Hour)/(24*time.Hour)))
}

// clockNews is what a clock's audit entry tells: the thread line (naming the on-call people
// for a reminder or escalation), and, for an escalation, the owner; for a nudge, the claimer
// alone.
func (s *Service) clockNews(c Case, e AuditEntry) (line *ThreadMessage, owner *conversation.Reply, private *conversation.Reply) {
	switch e.Action {
	case "remind":
		return &ThreadMessage{CaseID: c.ID, From: e.Name, Role: "bot", Text: e.Text, At: e.At, Mentions: s.cfg.OnCall}, nil, nil
	case "escalate":
		news := conversation.Reply{Text: later.Escalated.F(c.Language, c.ID)}
		return &ThreadMessage{CaseID: c.ID, From: e.Name, Role: "bot", Text: "Escalated: " + e.Text, At: e.At, Mentions: s.cfg.OnCall}, &news, nil
	case "nudge":
		r := conversation.Reply{Text: fmt.Sprintf("Reminder about %s, which you are handling: %s Write to the owner with Reply on the case card.", c.ID, e.Text)}
		return nil, nil, &r
	}
	return nil, nil, nil
}
