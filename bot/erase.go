package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"escalation-bot/conversation"
)

// Erasure: a person's words and personal data leave the line when a moderator says
// "forget <user>", when owners ask for it themselves ("forget me"), and, for the cases that
// ended RETENTION ago, by the due queue. What is erased: the session and the dialogue; on each
// case the answers typed (choices such as the category stay, for the statistics), the summary's
// words, the owner's name and identity, the VIN, notes and comments, the transcript, and the
// words of every message in the history, in which the person's entries lose their name too.
// Cards are updated, the thread lines relayed to Slack and Discord and the files the bot
// uploaded there are taken back where the platform lets the bot, and webhook events not sent
// yet go out erased, since they are read from the case when they are sent. The person's
// registration photos go from the store and, where the messenger can, from the escalation
// channels. The history keeps that an erasure happened, by whom and when (the "erase" entry),
// and receivers hear of it as owner.forgotten.

// DueErase erases the personal data of a case that ended Config.Retention ago.
const DueErase = "erase"

// ErrErased is a case whose personal data was erased before: there is nothing left to erase.
var ErrErased = errors.New("personal data erased")

// ByOwner is the actor of an erasure owners asked for themselves: the history must not keep
// their identity to say who it was.
const ByOwner Identity = "owner"

// ErasedName stands in the history for a person whose data was erased.
const ErasedName = "(erased)"

// Eraser erases personal data where the store keeps it.
type Eraser interface {
	// CasesOf returns the ids of the cases the person owns or watches, in any status.
	CasesOf(ctx context.Context, who Identity) ([]string, error)
	// EraseCase erases personal data from case id in one atomic step and appends e (an "erase"
	// entry, with its outbox item e.FollowUp) to its history. When who is the case's owner, or
	// "", everyone's data on the case goes (owner and watchers): the case keeps its id, its
	// statuses and times, the choices of its answers and the executives' names; a live case is
	// closed, and leaves its owner, VIN and pattern indexes. When who only watches the case,
	// only who's entries and place among the watchers go. It returns the case as it is now, or
	// ErrErased (nothing changed) when there is nothing of who left on it, or ErrNotFound.
	EraseCase(ctx context.Context, id string, who Identity, e AuditEntry) (Case, error)
	// ErasePerson deletes what is kept of who outside cases, atomically: the session, the
	// dialogue, the index of their open case, their rate counter and due items naming them.
	// eventID, when set, is marked handled as a session save would (the owner's own request).
	ErasePerson(ctx context.Context, who Identity, eventID string) error
	// Ended returns the resolved and closed cases that ended before t and are not erased.
	Ended(ctx context.Context, before time.Time) ([]string, error)
}

// ThreadEraser is implemented by messengers that can take back lines they wrote under a card
// (the owner's and executives' messages relayed there) once their words are erased.
type ThreadEraser interface {
	// EraseThread deletes the bot's lines of people in the card's thread, and the owners' files
	// it uploaded there: those delivered under one of the keys (Delivery.Key prefixes
	// "<case>/<ref>/"), or, on a platform that cannot tell keys from a posted message, every
	// line of the bot that quotes a person. Its own status lines stay. Messages and files people
	// posted themselves are not the bot's to delete.
	EraseThread(ctx context.Context, channel, ref string, keys []string) error
}

// OwnerForgetter is implemented by messengers that hold something of an owner themselves
// (messages waiting for a page to open): Forget drops it.
type OwnerForgetter interface {
	Forget(owner Identity)
}

// personActions are the history entries whose words are a person's or about one: the owner's
// and executives' messages, notes, comments, and the files owners sent. Their lines in threads
// (a file's upload with them) are taken back on erasure.
var personActions = map[string]bool{"owner_message": true, "exec_message": true, "attach": true, "comment": true, "file": true}

// Forget erases who's words and personal data everywhere, for a moderator (a) or for owners
// themselves (a.ID == who; eventID then marks their request handled). It returns how many
// cases were erased.
func (s *Service) Forget(ctx context.Context, a Actor, who Identity, reason, eventID string) (int, error) {
	if s.eraser == nil {
		return 0, Errorf(CodeUnavailable, "Erasure needs the Redis store; this deployment has none.")
	}
	ids, err := s.eraser.CasesOf(ctx, who)
	if err != nil {
		return 0, fmt.Errorf("cases to erase: %w", err)
	}
	n := 0
	for _, id := range ids {
		switch _, err := s.eraseCase(ctx, id, who, a.ID, a.Name, reason); {
		case errors.Is(err, ErrErased), isNotFound(err):
		case err != nil:
			return n, err
		default:
			n++
		}
	}
	s.unpostProofs(ctx, who)
	if err := s.eraser.ErasePerson(ctx, who, eventID); err != nil {
		return n, fmt.Errorf("erase the session and dialogue: %w", err)
	}
	for _, m := range s.messengers {
		if f, ok := m.(OwnerForgetter); ok {
			f.Forget(who)
		}
	}
	// The identity is not logged: the log would keep what was just erased.
	s.log.InfoContext(ctx, "personal data erased", "by", a.ID, "cases", n)
	return n, nil
}

// unpostProofs takes back the person's registration photos from the escalation channels, where
// the messengers can, before the store forgets them. A platform that fails is logged: the
// photo stays there for a moderator to delete, and the store's copy goes all the same.
func (s *Service) unpostProofs(ctx context.Context, who Identity) {
	if s.verifications == nil {
		return
	}
	proofs, err := s.verifications.ProofsOf(ctx, who)
	if err != nil {
		s.log.WarnContext(ctx, "find the registration photos to take back", "err", err)
		return
	}
	for _, p := range proofs {
		for _, ch := range s.cfg.Channels {
			m, id, ok := s.messenger(ch)
			if !ok {
				continue
			}
			if pe, ok := m.(ProofEraser); ok {
				if err := pe.EraseProof(ctx, id, p); err != nil {
					s.log.WarnContext(ctx, "registration photo not taken back", "proof", p.ID, "channel", ch, "err", err)
				}
			}
		}
	}
}

// eraseCase erases a case's personal data (of who, or of everyone when who is "") and tells
// it: cards, thread lines taken back, the erasure's line, the webhooks.
func (s *Service) eraseCase(ctx context.Context, id string, who, by Identity, name, reason string) (Case, error) {
	e := AuditEntry{At: s.clock.Now(), Actor: by, Name: name, Action: "erase", Text: reason, FollowUp: s.followUp(id)}
	c, err := s.eraser.EraseCase(ctx, id, who, e)
	if err != nil {
		return c, fmt.Errorf("erase %s: %w", id, err)
	}
	s.deliverNow(ctx, c, e, e.FollowUp)
	return c, nil
}

// cmdForget is the moderator's forget <user>.
func (s *Service) cmdForget(ctx context.Context, a Actor, in Invocation) (string, error) {
	who := in.Arg("user").User
	n, err := s.Forget(ctx, a, who, "by a moderator", "")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is forgotten: their session and dialogue are gone, and %d %s erased (cards updated). The history keeps that you did it, and when.",
		who, n, plural(n, "case was", "cases were")), nil
}

// forgetWait is how long "forget me" waits for the owner's yes.
const forgetWait = 10 * time.Minute

// forgetTurn handles an owner's "forget me" and their answer to its question. It returns
// handled false when the event is neither; a pending question the owner did not say yes to
// is dropped (saved) and the event runs as usual. A session saved here bumps sess.Version.
func (s *Service) forgetTurn(ctx context.Context, t *ownerTurn, turn Turn, sess *conversation.Session) ([]conversation.Reply, bool, error) {
	ev, now := t.ev, s.clock.Now()
	lang := sess.Language
	switch {
	case ev.Action == "" && conversation.ForgetMe(ev.Text):
		if !turn.Found {
			*sess = conversation.Session{Owner: string(ev.Owner), Stage: conversation.StageCancelled, Language: lang}
		}
		asked := *sess
		asked.ForgetAsked = now
		asked.LastEvent = ev.ID
		if err := s.saveForget(ctx, t, asked); err != nil {
			return nil, true, err
		}
		return []conversation.Reply{{Text: forget.Ask.In(lang), Buttons: []conversation.Button{
			{Label: forget.Yes.In(lang), Action: ActionForget, Value: "yes"},
			{Label: forget.No.In(lang), Action: ActionForget, Value: "no"},
		}}}, true, nil
	case sess.ForgetAsked.IsZero():
		return nil, false, nil
	}
	yes := (ev.Action == ActionForget && ev.Value == "yes") || (ev.Action == "" && conversation.Confirms(ev.Text))
	if yes && now.Sub(sess.ForgetAsked) <= forgetWait {
		t.forgotten = true
		if _, err := s.Forget(ctx, Actor{ID: ByOwner, Name: "the owner"}, ev.Owner, "at the owner's request", ev.ID); err != nil {
			return nil, true, err
		}
		return []conversation.Reply{{Text: forget.Done.In(lang)}}, true, nil
	}
	kept := *sess
	kept.ForgetAsked = time.Time{}
	if ev.Action == ActionForget || (ev.Action == "" && conversation.Declines(ev.Text)) {
		kept.LastEvent = ev.ID
		if err := s.saveForget(ctx, t, kept); err != nil {
			return nil, true, err
		}
		replies := []conversation.Reply{{Text: forget.Kept.In(lang)}}
		if s.engine != nil && (kept.Stage == conversation.StageIntake || kept.Stage == conversation.StageReview) {
			replies = append(replies, s.engine.Prompt(kept, now)...)
		}
		return replies, true, nil
	}
	// Anything else drops the question and is read as usual.
	if err := s.sessions.Save(ctx, kept, "", s.cfg.SessionTTL, Record{}); err != nil {
		return nil, true, err
	}
	sess.ForgetAsked = time.Time{}
	sess.Version++
	return nil, false, nil
}

// saveForget saves the session of a turn that only asked or answered the question.
func (s *Service) saveForget(ctx context.Context, t *ownerTurn, sess conversation.Session) error {
	err := s.sessions.Save(ctx, sess, t.ev.ID, s.cfg.SessionTTL, Record{})
	if errors.Is(err, ErrDuplicateEvent) {
		t.maybeSaved = true
		return ErrConflict
	}
	return err
}

// ActionForget is the owner's answer to "forget me?": value yes or no.
const ActionForget = "forget"

// scheduleRetention queues the erasure of an ended case's personal data at its end plus
// Config.Retention. A case that ends again later moves the item; one reopened meanwhile is
// left alone when it falls due.
func (s *Service) scheduleRetention(ctx context.Context, c Case) error {
	if s.due == nil || s.eraser == nil || s.cfg.Retention <= 0 || c.Open() || c.EndedAt.IsZero() || !c.ErasedAt.IsZero() {
		return nil
	}
	it := DueItem{Kind: DueErase, CaseID: c.ID, At: c.EndedAt.Add(s.cfg.Retention)}
	if err := s.due.Schedule(ctx, it); err != nil {
		return fmt.Errorf("schedule the retention of %s: %w", c.ID, err)
	}
	return nil
}

// SweepRetention queues the erasure of every ended case whose retention ran out without an
// item of its own: cases that ended before RETENTION was set, or shortened, or before this
// version. It runs when the service starts.
func (s *Service) SweepRetention(ctx context.Context) {
	if s.due == nil || s.eraser == nil || s.cfg.Retention <= 0 {
		return
	}
	now := s.clock.Now()
	ids, err := s.eraser.Ended(ctx, now.Add(-s.cfg.Retention))
	if err != nil {
		s.log.WarnContext(ctx, "find ended cases past their retention", "err", err)
		return
	}
	for _, id := range ids {
		if err := s.due.Schedule(ctx, DueItem{Kind: DueErase, CaseID: id, At: now}); err != nil {
			s.log.WarnContext(ctx, "schedule a retention erasure", "case", id, "err", err)
			return
		}
	}
	if len(ids) > 0 {
		s.log.InfoContext(ctx, "ended cases past their retention queued for erasure", "cases", len(ids))
	}
}

// runRetention erases a case whose retention ran out. It takes the item off the queue itself:
// a case that ended again later is looked at again at its new end.
func (s *Service) runRetention(ctx context.Context, it DueItem) error {
	c, err := s.cases.Get(ctx, it.CaseID)
	switch {
	case isNotFound(err):
		return s.due.Done(ctx, it)
	case err != nil:
		return fmt.Errorf("get %s: %w", it.CaseID, err)
	case c.Open() || !c.ErasedAt.IsZero() || s.cfg.Retention <= 0 || s.eraser == nil:
		return s.due.Done(ctx, it) // reopened (its next end schedules again), erased, or off
	}
	if due := c.EndedAt.Add(s.cfg.Retention); s.clock.Now().Before(due) {
		next := it
		next.At = due
		return s.due.Reschedule(ctx, it, next)
	}
	_, err = s.eraseCase(ctx, c.ID, "", "retention", "Retention", "after "+roughly(s.cfg.Retention)+" (RETENTION)")
	if err != nil && !errors.Is(err, ErrErased) {
		return err
	}
	s.log.InfoContext(ctx, "ended case erased after its retention", "case", c.ID)
	return s.due.Done(ctx, it)
}

// erasedKeys are the delivery keys (prefixes) of the lines of people in the case's threads,
// for a ThreadEraser.
func (s *Service) erasedKeys(ctx context.Context, id string) ([]string, error) {
	entries, err := s.cases.Audit(ctx, id)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, e := range entries {
		if personActions[e.Action] && e.Ref != "" {
			keys = append(keys, id+"/"+e.Ref+"/")
		}
	}
	return keys, nil
}

// unsay is the step of an erasure that takes the people's lines back from a card's thread.
func (s *Service) unsay(c Case, p Post) outMessage {
	return outMessage{key: "unsay:" + p.Channel, send: func(ctx context.Context, _ Delivery) error {
		m, channel, ok := s.messenger(p.Channel)
		if !ok {
			return nil
		}
		te, ok := m.(ThreadEraser)
		if !ok {
			return nil // the playground reads its thread from the history, erased already
		}
		keys, err := s.erasedKeys(ctx, c.ID)
		if err != nil {
			return err
		}
		return te.EraseThread(ctx, channel, p.Ref, keys)
	}}
}

// describeErasure is the erasure's line under the card.
func describeErasure(e AuditEntry) string {
	return strings.TrimSpace("Personal data erased by " + e.Name + " " + e.Text)
}
