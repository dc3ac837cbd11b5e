package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"escalation-bot/conversation"
)

// The owner's verdict on a resolution: after Resolve the owner is asked whether the problem
// is solved. "Still a problem" gives the case back to its claimer; "solved" asks for a rating
// from 1 to 5, and the owner's next message within commentWindow is kept as its comment. No
// answer within Config.ConfirmResolutionWithin leaves the case resolved.

// Owner actions of the verdict; the button value is "<verdict>:<case id>" or "<1-5>:<case id>".
const (
	ActionResolution = "resolution" // value "solved:ESC-1" or "unsolved:ESC-1"
	ActionRate       = "rate"       // value "4:ESC-1"
)

// commentWindow is how long after rating the owner's next message is taken as the comment.
const commentWindow = time.Hour

// resolvedNews asks the owner whether the resolution solved it.
func (s *Service) resolvedNews(c Case, e AuditEntry) conversation.Reply {
	lang := c.Language
	text := later.ResolvedBy.F(lang, c.ID, e.Name, e.Text)
	if s.cfg.ConfirmResolutionWithin <= 0 {
		return conversation.Reply{Text: text + later.ResolvedThanks.In(lang)}
	}
	return conversation.Reply{
		Text: text + later.ResolvedAsk.In(lang),
		Buttons: []conversation.Button{
			{Label: later.Solved.In(lang), Action: ActionResolution, Value: "solved:" + c.ID},
			{Label: later.Unsolved.In(lang), Action: ActionResolution, Value: "unsolved:" + c.ID},
		},
	}
}

// isVerdict reports whether an owner event answers the resolution questions.
func isVerdict(ev OwnerEvent) bool { return ev.Action == ActionResolution || ev.Action == ActionRate }

// verdict handles the owner's answer to "is it solved?" and the rating.
func (s *Service) verdict(ctx context.Context, ev OwnerEvent) ([]conversation.Reply, error) {
	answer, id, _ := strings.Cut(ev.Value, ":")
	c, err := s.getCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Owner != ev.Owner {
		return nil, Errorf(CodeForbidden, "That question was about someone else's case.")
	}
	now := s.clock.Now()
	switch {
	case c.Status == StatusClaimed && ev.Action == ActionResolution:
		return reply(later.WithAgain.F(c.Language, c.ID, c.ClaimedByName)), nil
	case c.Status != StatusResolved:
		return reply(later.NothingToConfirm.F(c.Language, c.ID)), nil
	case s.cfg.ConfirmResolutionWithin <= 0 || now.After(c.EndedAt.Add(s.cfg.ConfirmResolutionWithin)):
		return reply(later.Late.F(c.Language, c.ID)), nil
	}
	owner := Actor{ID: ev.Owner, Name: ev.Name}
	if ev.Action == ActionRate {
		return s.rate(ctx, owner, c, answer, ev.ID)
	}
	if !c.ConfirmedAt.IsZero() {
		return reply(later.ConfirmedAlready.F(c.Language, c.ID)), nil
	}
	switch answer {
	case "solved":
		entry := AuditEntry{At: now, Actor: owner.ID, Name: owner.Name, Action: "confirm", EventID: "confirm:" + c.ID}
		switch err := s.record(ctx, c.ID, entry); {
		case errors.Is(err, ErrDuplicateEvent):
		case errors.Is(err, ErrWrongStatus):
			return reply(later.Changed.F(c.Language, c.ID)), nil
		case err != nil:
			return nil, fmt.Errorf("confirm %s: %w", c.ID, err)
		}
		return []conversation.Reply{{
			Text:    later.AskRating.In(c.Language),
			Buttons: ratingButtons(c.ID, c.Language),
		}}, nil
	case "unsolved":
		_, err := s.transition(ctx, owner, c.ID, Transition{
			From: []Status{StatusResolved}, To: StatusClaimed, Action: "dispute",
			Claimer: c.ClaimedBy, ClaimerName: c.ClaimedByName,
		})
		var e *Error
		if errors.As(err, &e) {
			return []conversation.Reply{{Text: e.Message}}, nil
		}
		if err != nil {
			return nil, err
		}
		return reply(later.Sorry.F(c.Language, c.ID, c.ClaimedByName)), nil
	}
	return nil, Errorf(CodeInvalid, "Please answer with one of the buttons.")
}

func reply(text string) []conversation.Reply {
	return []conversation.Reply{{Text: text}}
}

func ratingButtons(id, lang string) []conversation.Button {
	labels := []string{later.Poor.In(lang), "2", "3", "4", later.Excellent.In(lang)}
	buttons := make([]conversation.Button, len(labels))
	for i, l := range labels {
		buttons[i] = conversation.Button{Label: l, Action: ActionRate, Value: strconv.Itoa(i+1) + ":" + id}
	}
	return buttons
}

// rate keeps the owner's first rating of a resolved case.
func (s *Service) rate(ctx context.Context, owner Actor, c Case, answer, eventID string) ([]conversation.Reply, error) {
	n, err := strconv.Atoi(answer)
	if err != nil || n < 1 || n > 5 {
		return nil, Errorf(CodeInvalid, "Please rate from 1 to 5 with the buttons.")
	}
	if c.Rating > 0 {
		return reply(later.RatedAlready.F(c.Language, c.ID, c.Rating)), nil
	}
	entry := AuditEntry{At: s.clock.Now(), Actor: owner.ID, Name: owner.Name, Action: "rate", Text: strconv.Itoa(n), EventID: "rate:" + c.ID}
	switch err := s.record(ctx, c.ID, entry); {
	case errors.Is(err, ErrDuplicateEvent):
	case errors.Is(err, ErrWrongStatus):
		return reply(later.ChangedRating.F(c.Language, c.ID)), nil
	case err != nil:
		return nil, fmt.Errorf("rate %s: %w", c.ID, err)
	}
	return reply(later.Rated.F(c.Language, c.ID, n)), nil
}

// comment keeps an owner's message right after their rating as its comment; ok is false when
// the message is not one.
func (s *Service) comment(ctx context.Context, ev OwnerEvent, c Case) (replies []conversation.Reply, ok bool, err error) {
	text := strings.TrimSpace(ev.Text)
	if c.Status != StatusResolved || c.Rating == 0 || c.RatingComment != "" || text == "" ||
		s.clock.Now().After(c.RatedAt.Add(commentWindow)) {
		return nil, false, nil
	}
	entry := AuditEntry{At: s.clock.Now(), Actor: ev.Owner, Name: ev.Name, Action: "comment", Text: Truncate(text, 1000), EventID: ev.ID}
	switch err := s.record(ctx, c.ID, entry); {
	case errors.Is(err, ErrDuplicateEvent):
		return nil, true, nil
	case errors.Is(err, ErrWrongStatus):
		return nil, false, nil
	case err != nil:
		return nil, true, fmt.Errorf("comment on %s: %w", c.ID, err)
	}
	return reply(later.CommentThanks.In(c.Language)), true, nil
}

// cooldown tells an owner whose last case ended lately when they may open a new one.
func (s *Service) cooldown(ctx context.Context, id string) (conversation.Reply, bool) {
	if s.cfg.CooldownAfterCase <= 0 {
		return conversation.Reply{}, false
	}
	c, err := s.cases.Get(ctx, id)
	if err != nil || c.Open() || c.EndedAt.IsZero() {
		return conversation.Reply{}, false
	}
	from := c.EndedAt.Add(s.cfg.CooldownAfterCase)
	if !s.clock.Now().Before(from) {
		return conversation.Reply{}, false
	}
	return conversation.Reply{Text: later.Cooldown.F(c.Language, c.ID, from.UTC().Format("Mon 2 Jan 15:04 MST"))}, true
}

// afterHours is what an owner who writes outside the support hours is told, or "".
func (s *Service) afterHours(now time.Time, lang string) string {
	h := s.cfg.SupportHours
	if h.Open(now) {
		return ""
	}
	next := h.NextOpen(now)
	return later.AfterHours.F(lang, h, next.In(h.loc).Format("Mon 2 Jan 15:04 MST"))
}
