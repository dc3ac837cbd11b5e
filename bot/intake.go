package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"escalation-bot/conversation"
)

// maxAttempts bounds the optimistic-concurrency retries of one turn. A conflict means another
// event for the same owner won the race; each round has a winner, so with the jittered pause
// between attempts even a burst of a few dozen events on one session gets through.
const maxAttempts = 32

// backoff waits a little before a retry, longer after each conflict, so that the events of a
// burst spread out instead of colliding again.
func backoff(ctx context.Context, attempt int) {
	d := time.Duration(1+rand.IntN(1+min(attempt, 10)*2)) * time.Millisecond
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// OwnerEvent is what an owner did in the DM: wrote text or pressed a button.
type OwnerEvent struct {
	ID     string // the platform's event id, for dedupe; empty when the platform has none
	Owner  Identity
	Name   string // display name, shown to executives
	Text   string
	Action string
	Value  string
}

// HandleOwner runs one owner event and returns the replies for the owner's DM. A replayed
// event returns no replies and changes nothing.
func (s *Service) HandleOwner(ctx context.Context, ev OwnerEvent) ([]conversation.Reply, error) {
	var extracted map[string]string
	extractedOnce := false
	for attempt := 0; attempt < maxAttempts; attempt++ {
		load := s.sessions.Load
		if attempt > 0 {
			backoff(ctx, attempt)
			load = s.sessions.Reload
		}
		turn, err := load(ctx, ev.Owner, ev.ID)
		if err != nil {
			return nil, fmt.Errorf("load session of %s: %w", ev.Owner, err)
		}
		if turn.Seen {
			return nil, nil
		}
		now := s.clock.Now()
		if b := turn.Block; b != nil && (b.Until.IsZero() || b.Until.After(now)) {
			return []conversation.Reply{blockedReply(*b)}, nil
		}
		if turn.Recent > s.cfg.RateLimit {
			return []conversation.Reply{{Text: "You are sending messages faster than we can read them. Please wait a minute, then carry on; nothing you sent before is lost."}}, nil
		}
		sess := turn.Session
		if turn.Found && sess.Stage == conversation.StageSubmitted && sess.CaseID != "" {
			replies, err, done := s.relay(ctx, ev, sess)
			if errors.Is(err, ErrConflict) {
				continue
			}
			if done || err != nil {
				return replies, err
			}
			// The case has ended: the owner starts over below.
			turn.Found = false
		}
		if turn.Pause != nil {
			return []conversation.Reply{pausedReply(*turn.Pause)}, nil
		}

		var res conversation.Result
		if !turn.Found || sess.Stage == conversation.StageCancelled || sess.Stage == conversation.StageSubmitted {
			res = s.engine.Start(string(ev.Owner), now)
			res.Session.Version = sess.Version
			greeting := res.Replies
			if strings.TrimSpace(ev.Text) != "" {
				if !extractedOnce {
					extracted, extractedOnce = s.extract(ctx, ev.Text), true
				}
				if len(extracted) > 0 {
					// Keep what the first message already said, so the owner is not asked again.
					next := s.engine.Handle(res.Session, conversation.Input{Extracted: extracted}, now)
					res.Session = next.Session
					res.Replies = append(greeting, next.Replies...)
				}
			}
		} else {
			in := conversation.Input{Text: ev.Text, Action: ev.Action, Value: ev.Value}
			if ev.Action == "" && strings.TrimSpace(ev.Text) != "" && sess.Stage == conversation.StageIntake {
				if !extractedOnce {
					extracted, extractedOnce = s.extract(ctx, ev.Text), true
				}
				in.Extracted = extracted
			}
			res = s.engine.Handle(sess, in, now)
		}

		var created *Case
		switch res.Outcome {
		case conversation.OutcomeSubmit:
			c, replies, err := s.submit(ctx, ev, res.Session)
			if err != nil {
				return nil, err
			}
			res.Session.CaseID = c.ID
			res.Replies = append(res.Replies, replies...)
			created = &c
		case conversation.OutcomeStatus:
			res.Replies = append(res.Replies, s.intakeStatus(res.Session))
		}

		err = s.sessions.Save(ctx, res.Session, ev.ID, s.cfg.SessionTTL)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if errors.Is(err, ErrDuplicateEvent) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("save session of %s: %w", ev.Owner, err)
		}
		if created != nil && len(created.Posts) < len(s.cfg.Channels) {
			s.schedulePost(ctx, *created)
			s.postCase(ctx, *created)
		}
		return res.Replies, nil
	}
	return nil, fmt.Errorf("session of %s: %w after %d attempts", ev.Owner, ErrConflict, maxAttempts)
}

// extract runs the extractor; a failure only means nothing is pre-filled.
func (s *Service) extract(ctx context.Context, text string) map[string]string {
	if s.extractor == nil {
		return nil
	}
	fields, err := s.extractor.Extract(ctx, text)
	if err != nil {
		s.log.WarnContext(ctx, "extract fields", "err", err)
		return nil
	}
	return fields
}

// submit creates the case of a finished intake. A second submission by the same owner finds
// the open case; a submission for a vehicle with an open case is attached to that case.
func (s *Service) submit(ctx context.Context, ev OwnerEvent, sess conversation.Session) (Case, []conversation.Reply, error) {
	now := s.clock.Now()
	var answers []Answer
	for _, f := range s.engine.Fields(sess) {
		answers = append(answers, Answer{Key: f.Key, Label: f.Label, Value: Neutralize(f.Value)})
	}
	in := SummaryInput{Answers: answers, Safety: sess.Safety}
	summary, err := s.summarizer.Summarize(ctx, in)
	if err != nil {
		s.log.WarnContext(ctx, "summarizer failed, using the template", "err", err)
		summary = TemplateSummary(in)
	}
	c := Case{
		Status:    StatusOpen,
		Owner:     ev.Owner,
		OwnerName: Neutralize(ownerName(ev)),
		VIN:       sess.Answers["vin"],
		Answers:   answers,
		Summary:   summary,
		CreatedAt: now,
		UpdatedAt: now,
	}
	created, err := s.cases.Create(ctx, c)
	switch {
	case errors.Is(err, ErrOwnerHasOpenCase):
		return created, []conversation.Reply{{Text: fmt.Sprintf(
			"You already have an open case, %s. Anything you write here goes to the team handling it.", created.ID)}}, nil
	case errors.Is(err, ErrVINHasOpenCase):
		text := Truncate(fmt.Sprintf("%s: %s", c.OwnerName, summary.Text), 1000)
		if err := s.cases.AddAudit(ctx, created.ID, AuditEntry{At: now, Actor: ev.Owner, Name: c.OwnerName, Action: "attach", Text: text}); err != nil {
			return Case{}, nil, fmt.Errorf("attach to %s: %w", created.ID, err)
		}
		s.thread(ctx, created, ThreadMessage{From: c.OwnerName, Role: "owner", Text: "Another report for this vehicle: " + text})
		return created, []conversation.Reply{{Text: fmt.Sprintf(
			"This vehicle already has an open case, %s. I added your report to it, and anything you write here goes to the team handling it.", created.ID)}}, nil
	case err != nil:
		return Case{}, nil, fmt.Errorf("create case for %s: %w", ev.Owner, err)
	}
	s.log.InfoContext(ctx, "case created", "case", created.ID, "owner", ev.Owner, "severity", summary.Severity, "safety", summary.Safety)
	return created, []conversation.Reply{{Text: fmt.Sprintf(
		"Thank you. Your case is %s and it is now with the executive team. You will hear here when someone picks it up; anything you write here is added to the case.", created.ID)}}, nil
}

func ownerName(ev OwnerEvent) string {
	if ev.Name != "" {
		return ev.Name
	}
	return string(ev.Owner)
}

// relay handles a message from an owner whose intake is done: it goes to the case. done is
// false when the case has ended and the owner should start a new intake.
func (s *Service) relay(ctx context.Context, ev OwnerEvent, sess conversation.Session) ([]conversation.Reply, error, bool) {
	c, err := s.cases.Get(ctx, sess.CaseID)
	if err != nil && !isNotFound(err) {
		return nil, fmt.Errorf("relay to %s: %w", sess.CaseID, err), true
	}
	if err != nil || !c.Open() {
		return nil, nil, false
	}
	text := strings.TrimSpace(ev.Text)
	isStatus := strings.EqualFold(text, "status") || (ev.Action == conversation.ActionControl && ev.Value == "status")
	if text == "" && !isStatus {
		return []conversation.Reply{{Text: fmt.Sprintf("Your case %s is %s. Write here to add anything to it.", c.ID, statusWords(c))}}, nil, true
	}
	// Saving first marks the event seen, so a replay cannot relay twice.
	if err := s.sessions.Save(ctx, sess, ev.ID, s.cfg.SessionTTL); err != nil {
		if errors.Is(err, ErrDuplicateEvent) {
			return nil, nil, true
		}
		return nil, err, true
	}
	if isStatus {
		return []conversation.Reply{{Text: fmt.Sprintf("Your case %s is %s.", c.ID, statusWords(c))}}, nil, true
	}
	now := s.clock.Now()
	text = Truncate(Neutralize(text), 4000)
	name := Neutralize(ownerName(ev))
	if err := s.cases.AddAudit(ctx, c.ID, AuditEntry{At: now, Actor: ev.Owner, Name: name, Action: "owner_message", Text: text}); err != nil {
		return nil, fmt.Errorf("relay to %s: %w", c.ID, err), true
	}
	s.thread(ctx, c, ThreadMessage{From: name, Role: "owner", Text: text, At: now})
	return []conversation.Reply{{Text: fmt.Sprintf("Added to your case %s.", c.ID)}}, nil, true
}

func statusWords(c Case) string {
	switch c.Status {
	case StatusOpen:
		return "waiting for an executive to pick it up"
	case StatusClaimed:
		return "being handled by " + c.ClaimedByName
	case StatusResolved:
		return "resolved"
	}
	return string(c.Status)
}

func (s *Service) intakeStatus(sess conversation.Session) conversation.Reply {
	if sess.CaseID != "" {
		return conversation.Reply{Text: fmt.Sprintf("Your case is %s.", sess.CaseID)}
	}
	return conversation.Reply{Text: fmt.Sprintf("You have no case yet: we are still collecting the details (%d answered so far). Carry on where we stopped, or type help.", len(sess.Answers))}
}

func blockedReply(b Block) conversation.Reply {
	text := "Sorry, this escalation line is not available to you at the moment"
	if !b.Until.IsZero() {
		text += " (until " + b.Until.UTC().Format("2 Jan 2006 15:04 MST") + ")"
	}
	if b.Reason != "" {
		text += ". Reason: " + b.Reason
	}
	return conversation.Reply{Text: text + ". Your regular service channels are still open to you."}
}

func pausedReply(p Pause) conversation.Reply {
	msg := p.Message
	if msg == "" {
		msg = "The escalation line is paused for a short while. Please try again later; your regular service channels are open."
	}
	return conversation.Reply{Text: msg}
}
