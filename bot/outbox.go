package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"escalation-bot/conversation"
)

// The outbox: every case change that people must hear of (a claim, a resolution, a relayed
// message) is stored together with a due item naming its audit entry. The process that made
// the change delivers at once and removes the item; a process that stops first, or a platform
// that fails, leaves it to the due queue, which delivers again with the platform checking for
// what already arrived. So a change is told once, even across a crash.

// deliverGrace is when a change's outbox item falls due if its process did not deliver it:
// long enough for a normal delivery through a slow platform, short for a crash.
const deliverGrace = 15 * time.Second

// maxDeliverAttempts bounds the retries of an outbox item a platform keeps refusing (the
// owner left the workspace, the channel was deleted): about a day of backoff.
const maxDeliverAttempts = 150

// followUp is a new outbox item for a change of case id, or nil without a due queue.
func (s *Service) followUp(id string) *DueItem {
	if s.due == nil {
		return nil
	}
	return &DueItem{Kind: DueDeliver, CaseID: id, Ref: newRef(), At: s.clock.Now().Add(deliverGrace)}
}

// newRef names an audit entry for its outbox item.
func newRef() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// deliverNow delivers a change its process just stored and takes its outbox item off the
// queue. What failed stays queued, with what was delivered noted, for the due queue. A change
// whose case has an earlier change still untold (its process died a moment ago, another
// replica is telling it now) waits a little for its turn, then leaves it to the due queue:
// people read a case's news in the order it happened.
func (s *Service) deliverNow(ctx context.Context, c Case, e AuditEntry, item *DueItem) {
	if item == nil {
		s.deliver(ctx, c, e, nil, false)
		return
	}
	e.Ref = item.Ref
	turn, seq, err := s.awaitTurn(ctx, c.ID, item.Ref)
	if err != nil || !turn {
		if err != nil {
			s.log.WarnContext(ctx, "outbox order unknown; the due queue tells the change", "case", c.ID, "err", err)
		}
		return
	}
	if seq > 0 {
		e.Seq = seq // the store's place for the change, which the caller could not know
	}
	sent, ok := s.deliver(ctx, c, e, nil, false)
	s.attempted(ctx, c.ID, *item, sent, ok)
}

// record appends an audit entry with its outbox item and tells it at once. Like AddAudit it
// returns ErrDuplicateEvent when the entry's event was recorded before (that first run tells
// it) and ErrWrongStatus when the case is in no status the action takes; then nothing is
// stored. The case is read again to tell it: cards show the case as it is now.
func (s *Service) record(ctx context.Context, id string, e AuditEntry) error {
	e.FollowUp = s.followUp(id)
	if err := s.cases.AddAudit(ctx, id, e); err != nil {
		return err
	}
	c, err := s.cases.Get(ctx, id)
	if err != nil {
		s.log.WarnContext(ctx, "read the case to tell a change; the due queue tells it", "case", id, "err", err)
		return nil
	}
	s.deliverNow(ctx, c, e, e.FollowUp)
	return nil
}

// turnWait bounds how long a change waits inline for an earlier one of its case to be told.
const turnWait = 2 * time.Second

// awaitTurn reports whether the change ref is the case's oldest untold one, waiting up to
// turnWait for the earlier ones, and the change's place (seq) among the case's changes.
func (s *Service) awaitTurn(ctx context.Context, id, ref string) (turn bool, seq int64, err error) {
	deadline := time.Now().Add(turnWait)
	for pause := 20 * time.Millisecond; ; pause = min(2*pause, 400*time.Millisecond) {
		pending, err := s.cases.Undelivered(ctx, id)
		if err != nil {
			return false, 0, err
		}
		i := pendingIndex(pending, ref)
		if i <= 0 {
			if i == 0 {
				return true, pending[0].Seq, nil
			}
			return false, 0, nil // told already, by the due queue of another process
		}
		if time.Now().After(deadline) {
			return false, 0, nil
		}
		select {
		case <-ctx.Done():
			return false, 0, ctx.Err()
		case <-time.After(pause):
		}
	}
}

func pendingIndex(pending []Pending, ref string) int {
	return slices.IndexFunc(pending, func(p Pending) bool { return p.Ref == ref })
}

// attempted records an attempt at an outbox item: it leaves the case's order (later changes
// may go out), and is finished, or kept with what went out for the due queue to retry.
func (s *Service) attempted(ctx context.Context, id string, item DueItem, sent []string, ok bool) {
	if !ok {
		next := item
		next.Sent = sent
		if err := s.due.Reschedule(ctx, item, next); err != nil {
			s.log.ErrorContext(ctx, "note partial delivery", "case", id, "err", err)
		}
		item = next
	}
	if err := s.cases.Delivered(ctx, id, item, ok); err != nil {
		// The item comes back from the due queue and is delivered again, which the platforms
		// deduplicate.
		s.log.WarnContext(ctx, "outbox item done", "case", id, "err", err)
	}
}

// errNotYet is an outbox item waiting for an earlier change of its case.
var errNotYet = errors.New("an earlier change of the case is not told yet")

// runDeliver is the due queue's delivery of an outbox item: the change's process did not
// deliver all of it. Every message may have arrived before, so each is rechecked. It records
// the attempt itself (handled is true) unless the item must wait for an earlier change.
func (s *Service) runDeliver(ctx context.Context, it DueItem) error {
	c, err := s.cases.Get(ctx, it.CaseID)
	if isNotFound(err) {
		return s.cases.Delivered(ctx, it.CaseID, it, true)
	}
	if err != nil {
		return fmt.Errorf("get %s: %w", it.CaseID, err)
	}
	pending, err := s.cases.Undelivered(ctx, it.CaseID)
	if err != nil {
		return err
	}
	if pendingIndex(pending, it.Ref) > 0 {
		return errNotYet
	}
	entries, err := s.cases.Audit(ctx, it.CaseID)
	if err != nil {
		return fmt.Errorf("audit %s: %w", it.CaseID, err)
	}
	i := slices.IndexFunc(entries, func(e AuditEntry) bool { return e.Ref == it.Ref })
	if i < 0 {
		s.log.WarnContext(ctx, "outbox item names no audit entry, dropped", "case", it.CaseID, "ref", it.Ref)
		return s.cases.Delivered(ctx, it.CaseID, it, true)
	}
	sent, ok := s.deliver(ctx, c, entries[i], it.Sent, true)
	if ok {
		s.log.InfoContext(ctx, "case change delivered by the due queue", "case", c.ID, "action", entries[i].Action)
		return s.cases.Delivered(ctx, it.CaseID, it, true)
	}
	next := it
	next.Attempt++
	next.Sent = sent
	if next.Attempt > maxDeliverAttempts {
		s.log.ErrorContext(ctx, "case change not delivered, giving up", "case", it.CaseID, "attempts", it.Attempt, "delivered", sent)
		s.skipHooks(ctx, it.CaseID, entries[i].Seq)
		return s.cases.Delivered(ctx, it.CaseID, it, true)
	}
	next.At = s.clock.Now().Add(retryDelay(next.Attempt))
	if err := s.due.Reschedule(ctx, it, next); err != nil {
		return fmt.Errorf("reschedule the delivery of %s: %w", it.CaseID, err)
	}
	s.log.ErrorContext(ctx, "case change not fully delivered, will retry", "case", it.CaseID, "action", entries[i].Action, "attempt", next.Attempt)
	return s.cases.Delivered(ctx, it.CaseID, next, false)
}

// outMessage is one message a change sends: its key (unique within the change) and how to
// send it.
type outMessage struct {
	key  string
	send func(ctx context.Context, d Delivery) error
}

// deliver sends what entry e of case c tells everyone, skipping the keys in skip, and
// returns the keys sent (skip included) and whether all went out. c is the case as it is
// now: cards show the current state, while the words come from the entry.
func (s *Service) deliver(ctx context.Context, c Case, e AuditEntry, skip []string, recheck bool) (sent []string, ok bool) {
	sent, ok = slices.Clone(skip), true
	for _, m := range s.outMessages(c, e) {
		if slices.Contains(skip, m.key) {
			continue
		}
		d := Delivery{Recheck: recheck}
		if e.Ref != "" {
			d.Key = c.ID + "/" + e.Ref + "/" + m.key
		}
		if err := m.send(ctx, d); err != nil {
			s.log.ErrorContext(ctx, "deliver case change", "case", c.ID, "action", e.Action, "to", m.key, "err", err)
			ok = false
			continue
		}
		sent = append(sent, m.key)
	}
	return sent, ok
}

// outMessages lists what an audit entry tells: the cards (a status change), the line in the
// card's thread in every channel, the owner's DM (and the watchers' for status changes), a
// private word to the claimer, and the clocks the change starts.
func (s *Service) outMessages(c Case, e AuditEntry) []outMessage {
	var out []outMessage
	line := &ThreadMessage{CaseID: c.ID, From: e.Name, Role: "bot", Text: describeAudit(e), At: e.At}
	var tell, private *conversation.Reply
	watchers, clocks := false, false
	switch e.Action {
	case "claim", "assign", "release", "resolve", "close", "reopen", "dispute":
		out = append(out, s.cardsUpdate(c))
		if r, ok := s.statusNews(c, e); ok {
			tell, watchers = &r, true
		}
		if e.Action == "dispute" {
			private = &conversation.Reply{Text: fmt.Sprintf("%s says %s is not solved; it is back with you.", c.OwnerName, c.ID)}
		}
		clocks = true
	case "exec_message":
		line.Role, line.Text = "executive", e.Text
		tell = &conversation.Reply{Text: later.ExecWrote.F(c.Language, e.Name, c.ID, e.Text)}
	case "owner_message":
		line.Role, line.Text = "owner", e.Text
		clocks = true // the claimer's silence starts again
	case "attach":
		line.Role = "owner"
	case "verify", "unverify":
		// A held case is posted now; a posted one shows its ownership.
		out = append(out, outMessage{key: "cards", send: func(ctx context.Context, _ Delivery) error {
			latest, err := s.cases.Get(ctx, c.ID)
			if err != nil {
				return err
			}
			if missing := s.postCase(ctx, latest, true); missing > 0 {
				return fmt.Errorf("card of %s missing in %d channel(s)", c.ID, missing)
			}
			return s.refreshCards(ctx, latest)
		}})
		if e.Text == "released" {
			// Nobody read the held case: the files its owner sent meanwhile go to the
			// thread of the card just posted.
			out = append(out, outMessage{key: "files", send: func(ctx context.Context, d Delivery) error {
				return s.postHeldFiles(ctx, c.ID, d)
			}})
		}
		switch {
		case e.Action == "verify":
			text := owned.ProofApproved.In(c.Language)
			if e.Actor == botActor {
				text = owned.Verified.In(c.Language) // the records, asked again
			}
			if e.Text == "released" {
				text += " " + owned.ProofReleased.F(c.Language, c.ID)
			}
			tell = &conversation.Reply{Text: strings.Join(strings.Fields(text), " ")}
			clocks = true
		case e.Actor == botActor:
			tell = &conversation.Reply{Text: ownershipNews(c, e.Text)}
		}
	case "file":
		line.Role, line.Text, line.File = "owner", e.Text, e.File
	case "escalate":
		out = append(out, outMessage{key: "cards", send: func(ctx context.Context, _ Delivery) error {
			if missing := s.postCase(ctx, c, true); missing > 0 {
				return fmt.Errorf("card of %s missing in %d channel(s)", c.ID, missing)
			}
			latest, err := s.cases.Get(ctx, c.ID)
			if err != nil {
				return err
			}
			return s.refreshCards(ctx, latest)
		}})
		line, tell, _ = s.clockNews(c, e)
		watchers = true
	case "pattern":
		news := ThreadMessage{CaseID: c.ID, From: e.Name, Role: "bot", Text: "Pattern: " + e.Text, At: e.At, Mentions: s.cfg.OnCall}
		for _, ch := range s.cfg.Channels {
			out = append(out, outMessage{key: "announce:" + ch, send: func(ctx context.Context, d Delivery) error {
				m, id, ok := s.messenger(ch)
				if !ok {
					return nil
				}
				return m.Announce(ctx, id, news, d)
			}})
		}
		line = nil
	case "remind", "nudge":
		line, _, private = s.clockNews(c, e)
		if e.Action == "remind" {
			out = append(out, s.cardsUpdate(c))
		}
	case "confirm", "rate", "comment":
		line.Role = "owner"
		if e.Action != "confirm" {
			out = append(out, s.cardsUpdate(c))
		}
	case "erase":
		// The people's lines go before the erasure's own line is written.
		out = append(out, s.cardsUpdate(c))
		for _, p := range c.Posts {
			out = append(out, s.unsay(c, p))
		}
	default:
		// created: the card itself says it (the due queue's card post)
		line = nil
	}
	out = append(out, s.hookMessages(c, e)...)
	if line != nil {
		for _, p := range c.Posts {
			if p.Channel == e.Via {
				continue // written there by the executive
			}
			out = append(out, outMessage{key: "thread:" + p.Channel, send: func(ctx context.Context, d Delivery) error {
				m, id, ok := s.messenger(p.Channel)
				if !ok {
					return nil
				}
				msg, err := s.withFile(ctx, *line)
				if err != nil {
					return err
				}
				return m.PostThread(ctx, id, p.Ref, msg, d)
			}})
		}
	}
	if tell != nil {
		to := []Identity{c.Owner}
		if watchers {
			to = append(to, c.Watchers...)
		}
		for _, who := range to {
			out = append(out, outMessage{key: "dm:" + string(who), send: func(ctx context.Context, d Delivery) error {
				keep := ""
				if who == c.Owner {
					keep = c.ID
				}
				return s.tellOwnerOf(ctx, who, keep, d, *tell)
			}})
		}
	}
	if private != nil && c.ClaimedBy != "" {
		out = append(out, outMessage{key: "claimer:" + string(c.ClaimedBy), send: func(ctx context.Context, d Delivery) error {
			return s.tellOwner(ctx, c.ClaimedBy, d, *private)
		}})
	}
	if e.Action == "resolve" || e.Action == "close" || e.Action == "confirm" {
		out = append(out, outMessage{key: "retention", send: func(ctx context.Context, _ Delivery) error {
			latest, err := s.cases.Get(ctx, c.ID)
			if err != nil {
				return err
			}
			return s.scheduleRetention(ctx, latest)
		}})
	}
	if clocks && s.clocksOn() {
		out = append(out, outMessage{key: "clocks", send: func(ctx context.Context, _ Delivery) error {
			// The change may be older than the case (a delivery by the due queue), and the
			// clocks run from the case as it is.
			latest, err := s.cases.Get(ctx, c.ID)
			if err != nil {
				return err
			}
			return s.startClocks(ctx, latest)
		}})
	}
	return out
}

// cardsUpdate is the step that shows a change on every card of the case.
func (s *Service) cardsUpdate(c Case) outMessage {
	return outMessage{key: "cards", send: func(ctx context.Context, _ Delivery) error {
		return s.refreshCards(ctx, c)
	}}
}

// statusNews is what the owner reads about a status change, from its audit entry.
func (s *Service) statusNews(c Case, e AuditEntry) (conversation.Reply, bool) {
	var text string
	switch e.Action {
	case "claim":
		text = later.Claimed.F(c.Language, e.Name, c.ID)
	case "assign":
		text = later.Claimed.F(c.Language, e.Text, c.ID)
	case "resolve":
		return s.resolvedNews(c, e), true
	case "close":
		text = later.Closed.F(c.Language, c.ID, e.Text)
	case "reopen":
		text = later.Reopened.F(c.Language, c.ID)
	default:
		return conversation.Reply{}, false
	}
	return conversation.Reply{Text: text}, true
}
