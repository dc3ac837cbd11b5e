package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
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
	// Locale is the owner's locale as the platform gives it ("de-DE": Slack's user locale,
	// Discord's interaction locale), or "" when it gives none. The intake speaks its language,
	// unless the owner's message or choice says otherwise.
	Locale string
	// Files are the files the owner sent with the event (a photo, a PDF, a short video).
	Files []Upload
	// Redelivered: the event may have been handled before by a process that died, or answered
	// to a client that never got the answer. If it was handled, and was the owner's last
	// event, its answer is given again (the case id, or the question waiting).
	Redelivered bool
	// Member is the owner's membership of the community the event came from, when the
	// platform sent it with the event; for the Admission.
	Member *Member
	// Invited: a moderator invited the owner to the line and vouches for them; the Admission
	// is not asked.
	Invited bool
}

// ownerTurn is what one owner event keeps across its optimistic-concurrency retries: work
// that must happen at most once per event (extraction may call a model; a case id is reserved
// once).
type ownerTurn struct {
	ev        OwnerEvent
	recent    int64 // the event's place in the owner's rate window, from its first load
	extracted map[string]string
	extractOK bool
	caseID    string // reserved for a submission
	scheduled bool   // the card-post check of caseID is queued
	// maybeSaved: a save of this event was refused as a duplicate. The client library resends
	// a command whose connection broke, so the first send may have been ours: the event then
	// counts as handled by us, and the owner must still get its answer.
	maybeSaved bool
	// label is the label of the button the owner pressed, for the dialogue.
	label string
	// kept: the turn's lines were saved with its session; nothing is left to keep.
	kept bool
	// keepWith is the case the turn's dialogue is kept with (a submission, a relayed message),
	// and since when the owner's dialogue belongs to it (the intake's start).
	keepWith string
	since    time.Time
	// owned are the ownership checks the turn made, by VIN: an outside call made once.
	owned map[string]OwnershipAnswer
	// files are the event's files as kept (nil until they are), refusals the words about
	// the files refused.
	files    []Attachment
	refusals []conversation.Reply
	// proofs are the event's files taken as proofs of ownership (nil until the turn looked),
	// proofReplies what the owner is told of them.
	proofs       []Attachment
	proofReplies []conversation.Reply
	// forgotten: the owner's data was erased at their request; nothing of the turn is kept.
	forgotten bool
	// admitted: the Admission let the owner in; a retry does not ask again.
	admitted bool
	// guess: the turn runs on the session this process saved last (see Guesser), and its save
	// is its only round trip. read: what that save found instead, when it found the guess
	// wrong: the turn runs again on it as on a Load's.
	// outside: the guessed run came to an outside call, which waits for what is stored.
	guess   *Guess
	read    *Turn
	outside bool
}

// errGuessMissed ends a turn run on a guess that did not hold, or that came to a step a guess
// does not take (a submission): the turn runs again on what is stored.
var errGuessMissed = errors.New("the turn waits for the stored session")

// HandleOwner runs one owner event and returns the replies for the owner's DM. A replayed
// event changes nothing and returns no replies, or, when ev.Redelivered, the answer again.
func (s *Service) HandleOwner(ctx context.Context, ev OwnerEvent) (_ []conversation.Reply, err error) {
	defer func(start time.Time) { s.observer.Turn(ctx, time.Since(start), err) }(time.Now())
	// Everything the owner wrote is cleaned here, where it enters, so that the dialogue, the
	// extractor and the summarizer, the card and the thread all read the same clean text.
	ev.Text, ev.Name, ev.Value = Clean(ev.Text), Clean(ownerName(ev)), Clean(ev.Value)
	t := &ownerTurn{ev: ev}
	if g, ok := s.guess(t); ok {
		t.guess = &g
		replies, err := s.attempt(ctx, t, Turn{Session: g.Session, Found: true})
		t.guess = nil
		switch {
		case errors.Is(err, errGuessMissed) && t.read != nil:
			s.observer.Guessed(ctx, GuessMissed)
		case errors.Is(err, errGuessMissed):
			s.observer.Guessed(ctx, GuessStopped)
		case err == nil:
			s.observer.Guessed(ctx, GuessSaved)
			s.remember(ctx, t, replies)
			return replies, nil
		default:
			return replies, err
		}
		// Nothing of the guessed run was stored; what it extracted was read for the guessed
		// session and is read again for the stored one.
		t.extracted, t.extractOK = nil, false
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		var turn Turn
		var err error
		switch {
		case attempt == 0 && t.read != nil:
			turn = *t.read // the guess's save read it, and counted the event
		case attempt == 0:
			turn, err = s.sessions.Load(ctx, ev.Owner, ev.ID)
		default:
			backoff(ctx, attempt)
			turn, err = s.sessions.Reload(ctx, ev.Owner, ev.ID)
		}
		if err != nil {
			return nil, fmt.Errorf("load session of %s: %w", ev.Owner, err)
		}
		// The first load counted the event and gave it its place in the rate window; a retry
		// keeps that place, whatever the events that arrived meanwhile did to the counter.
		if attempt == 0 {
			t.recent = turn.Recent
		}
		turn.Recent = t.recent
		replies, err := s.attempt(ctx, t, turn)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err == nil && !t.forgotten && (!turn.Seen || len(replies) > 0) {
			s.remember(ctx, t, replies)
		}
		return replies, err
	}
	return nil, fmt.Errorf("session of %s: %w after %d attempts", ev.Owner, ErrConflict, maxAttempts)
}

// attempt runs one attempt of an owner event over the turn Load read. ErrConflict means: read
// again and retry.
func (s *Service) attempt(ctx context.Context, t *ownerTurn, turn Turn) ([]conversation.Reply, error) {
	ev := t.ev
	now := s.clock.Now()
	if err := s.admit(ctx, t, turn); err != nil {
		return nil, err
	}
	if ev.Action != "" && s.engine != nil {
		t.label = buttonLabel(s.engine.Prompt(turn.Session, now), ev.Action, ev.Value)
	}
	t.since = turn.Session.Started
	if turn.Seen {
		if ev.Redelivered || t.maybeSaved {
			replies := s.whereOwnerStands(turn, ev, now)
			s.log.DebugContext(ctx, "event handled before; answering again", "owner", ev.Owner, "event", ev.ID, "last_event", turn.Session.LastEvent, "replies", len(replies))
			return replies, nil
		}
		return nil, nil
	}
	if b := turn.Block; b != nil && (b.Until.IsZero() || b.Until.After(now)) {
		return []conversation.Reply{blockedReply(*b, turn.Session.Language)}, nil
	}
	if turn.Recent > s.cfg.RateLimit {
		return []conversation.Reply{{Text: core.RateLimited.In(turn.Session.Language)}}, nil
	}
	if replies, handled, err := s.forgetTurn(ctx, t, turn, &turn.Session); handled || err != nil {
		return replies, err
	}
	if isVerdict(ev) {
		return s.verdict(ctx, ev)
	}
	sess := turn.Session
	if !turn.Found && turn.OpenCase != "" {
		// The session expired while the case is still open: keep relaying to it.
		sess = conversation.Session{Owner: string(ev.Owner), Stage: conversation.StageSubmitted, CaseID: turn.OpenCase}
		turn.Found = true
	}
	if turn.Found && sess.Stage == conversation.StageSubmitted && sess.CaseID != "" {
		replies, relayed, err := s.relay(ctx, t, sess)
		if relayed || err != nil {
			t.keepWith = sess.CaseID
			return replies, err
		}
		if r, wait := s.cooldown(ctx, sess.CaseID); wait {
			return []conversation.Reply{r}, nil
		}
		// The case has ended: the owner starts over.
		turn.Found = false
	}
	if turn.Pause != nil {
		return []conversation.Reply{pausedReply(*turn.Pause, turn.Session.Language)}, nil
	}

	// The owner was asked for a photo of the registration: a photo or PDF sent now is that
	// proof, for the moderators; the other files are the case's.
	var proofNotes []conversation.Reply
	if turn.Found && len(ev.Files) > 0 && s.intakeWaitsForProof(sess) {
		var err error
		if proofNotes, err = s.takeProofs(ctx, t, sess.Ownership.VIN, "", sess.Language); err != nil {
			return nil, err
		}
		ev = t.ev
	}
	// Files sent during the intake are kept with the session until the case is submitted.
	kept, notes, err := s.keepFiles(ctx, t, sess.Language, s.cfg.SessionTTL)
	if err != nil {
		return nil, err
	}
	for _, a := range kept {
		notes = append(notes, conversation.Reply{Text: core.FileKept.F(sess.Language, a.Name)})
	}
	notes = append(proofNotes, notes...)
	if turn.Found && strings.TrimSpace(ev.Text) == "" && ev.Action == "" {
		// An owner who comes back without saying anything (/escalate again, an empty message)
		// gets the question we are waiting for; nothing changes but the files they sent.
		if prompt := s.engine.Prompt(sess, now); len(prompt) > 0 {
			if len(ev.Files) == 0 {
				if len(proofNotes) > 0 {
					return append(proofNotes, prompt...), nil
				}
				return append([]conversation.Reply{{Text: core.CarryOn.In(sess.Language)}}, prompt...), nil
			}
			sess.Files = withFiles(sess.Files, kept)
			sess.LastEvent = ev.ID
			replies := append(notes, prompt...)
			if err := s.save(ctx, t, sess, s.keeping(t, replies)); err != nil {
				return nil, err
			}
			return replies, nil
		}
	}
	res := s.step(ctx, t, turn, now)
	if res.Session.Stage != conversation.StageCancelled {
		res.Session.Files = withFiles(res.Session.Files, kept)
	}
	if checks := s.checkSession(ctx, t, &res.Session); len(checks) > 0 {
		// Said before the next question, which the owner answers.
		res.Replies = append(checks, res.Replies...)
	}
	res.Replies = append(notes, res.Replies...)
	switch res.Outcome {
	case conversation.OutcomeSubmit:
		if err := s.reserve(ctx, t); err != nil {
			return nil, err
		}
		res.Session.CaseID = t.caseID
	case conversation.OutcomeStatus:
		res.Replies = append(res.Replies, s.intakeStatus(res.Session))
	}

	res.Session.LastEvent = ev.ID
	// An ordinary turn's lines are saved with the session (no round trip of their own); a
	// submission's are kept after it, when its answer is known.
	var keep Record
	if res.Outcome != conversation.OutcomeSubmit {
		keep = s.keeping(t, res.Replies)
	}
	if err := s.save(ctx, t, res.Session, keep); err != nil {
		return nil, err
	}
	if res.Outcome == conversation.OutcomeSubmit {
		// The submission is committed: from here on a failure delays the case, never loses it.
		replies, keepWith := s.submit(ctx, ev, res.Session)
		res.Replies = append(res.Replies, replies...)
		t.keepWith, t.since = keepWith, res.Session.Started
	}
	return res.Replies, nil
}

// guess returns the session this process saved last for the event's owner, when the turn may
// run on it before anything is read: a turn of an intake under way that only the intake's step
// and the session's save would touch. A turn that could erase, relay or keep a file is left to
// the ordinary path, and a guessed run that comes to a case's reservation or to an outside call
// (a model, the maker's records) stops there (see outside): on a wrong guess it would have
// done what the stored session does not call for.
func (s *Service) guess(t *ownerTurn) (Guess, bool) {
	ev := t.ev
	if s.guesser == nil || s.engine == nil || len(ev.Files) > 0 || isVerdict(ev) {
		return Guess{}, false
	}
	typed := ev.Action == ""
	if typed && (strings.TrimSpace(ev.Text) == "" || conversation.ForgetMe(ev.Text)) {
		return Guess{}, false
	}
	g, ok := s.guesser.Guess(ev.Owner)
	if !ok {
		return Guess{}, false
	}
	// An owner in an intake: no relay to a case, and no Admission to ask.
	if !continuing(Turn{Session: g.Session, Found: true}) || !g.Session.ForgetAsked.IsZero() {
		return Guess{}, false
	}
	return g, true
}

// save commits the session a turn computed, with the turn's lines (keep). ErrConflict means:
// read again and retry; errGuessMissed: run the turn again on t.read.
func (s *Service) save(ctx context.Context, t *ownerTurn, sess conversation.Session, keep Record) error {
	if t.guess != nil {
		if t.outside {
			return errGuessMissed
		}
		turn, committed, err := s.guesser.SaveGuess(ctx, *t.guess, sess, t.ev.ID, s.cfg.SessionTTL, keep, s.cfg.RateLimit)
		switch {
		case err != nil:
			return fmt.Errorf("save session of %s: %w", t.ev.Owner, err)
		case !committed:
			t.read = &turn
			return errGuessMissed
		}
		t.recent = turn.Recent
		t.kept = len(keep.Lines) > 0
		return nil
	}
	err := s.sessions.Save(ctx, sess, t.ev.ID, s.cfg.SessionTTL, keep)
	switch {
	case errors.Is(err, ErrConflict):
		return err
	case errors.Is(err, ErrDuplicateEvent):
		// Read again: if this event is the owner's last, it is answered (see maybeSaved).
		t.maybeSaved = true
		return ErrConflict
	case err != nil:
		return fmt.Errorf("save session of %s: %w", t.ev.Owner, err)
	}
	t.kept = len(keep.Lines) > 0
	return nil
}

// withFiles adds the ids of kept files to a session's, once each.
func withFiles(ids []string, kept []Attachment) []string {
	for _, a := range kept {
		if !slices.Contains(ids, a.ID) {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// step runs the dialogue engine: a new session for a newcomer, else one turn.
func (s *Service) step(ctx context.Context, t *ownerTurn, turn Turn, now time.Time) conversation.Result {
	sess, ev := turn.Session, t.ev
	text := strings.TrimSpace(ev.Text)
	if !turn.Found || sess.Stage == conversation.StageCancelled || sess.Stage == conversation.StageSubmitted {
		// A new intake, in the language of the platform or of the first message, keeping what
		// the first message already said so the owner is not asked again. The owner has not
		// consented yet, so only the rules read it: nothing leaves for a model. The owner's
		// language outlives an earlier intake.
		fresh := conversation.Session{Owner: string(ev.Owner), Version: sess.Version, Language: sess.Language, LanguageFrom: sess.LanguageFrom}
		in := conversation.Input{Text: text, Locale: ev.Locale}
		if ev.Action == conversation.ActionLanguage {
			in = conversation.Input{Action: ev.Action, Value: ev.Value, Locale: ev.Locale}
		}
		if text != "" {
			in.Extracted = s.extractWith(ctx, t, s.rules)
		}
		res := s.engine.Open(fresh, in, now)
		return res
	}
	in := conversation.Input{Text: ev.Text, Action: ev.Action, Value: ev.Value, Locale: ev.Locale}
	if ev.Action == "" && text != "" && sess.Stage == conversation.StageIntake && s.extractable(sess) {
		in.Extracted = s.extractWith(ctx, t, s.extractor)
	}
	return s.engine.Handle(sess, in, now)
}

// extractable reports whether the session still lacks a field free text often carries; once
// they are answered, reading every later answer for them (a model call) is wasted time.
func (s *Service) extractable(sess conversation.Session) bool {
	for _, k := range s.extractKeys {
		if _, ok := sess.Answers[k]; !ok {
			return true
		}
	}
	return false
}

func (s *Service) extractWith(ctx context.Context, t *ownerTurn, x conversation.Extractor) map[string]string {
	if !t.extractOK {
		if _, rules := x.(*conversation.RuleExtractor); t.guess != nil && x != nil && !rules {
			t.outside = true
			return nil
		}
		t.extracted, t.extractOK = s.extract(ctx, x, t.ev.Text), true
	}
	return t.extracted
}

// reserve takes a case id for the submission and queues the check that posts its card, both
// before the session is committed, so a crash right after the commit still ends in a posted
// case.
func (s *Service) reserve(ctx context.Context, t *ownerTurn) error {
	if t.guess != nil {
		return errGuessMissed // a case id is reserved for what is stored only
	}
	if t.caseID == "" {
		id, err := s.cases.NextID(ctx)
		if err != nil {
			return fmt.Errorf("reserve case id for %s: %w", t.ev.Owner, err)
		}
		t.caseID = id
	}
	if !t.scheduled {
		s.schedulePost(ctx, t.caseID, t.ev.Owner)
		t.scheduled = true
	}
	return nil
}

// extract runs an extractor; a failure only means nothing is pre-filled.
func (s *Service) extract(ctx context.Context, x conversation.Extractor, text string) map[string]string {
	if x == nil {
		return nil
	}
	// The owner waits for this turn: extraction gets a short budget, and a miss only means
	// nothing is pre-filled.
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ExtractTimeout)
	defer cancel()
	fields, err := x.Extract(ctx, text)
	if err != nil {
		s.log.WarnContext(ctx, "extract fields", "err", err)
		return nil
	}
	// A model's extractor writes what it likes; the answers it fills in are cleaned like the
	// owner's own.
	for k, v := range fields {
		fields[k] = Clean(v)
	}
	return fields
}

// submit creates the case of a committed submission (sess.CaseID is its reserved id), posts
// its card and returns what the owner is told. A second submission by the same owner finds
// the open case; a submission for a vehicle with an open case is attached to that case.
// keepWith is the case the owner's dialogue belongs to: not another owner's case.
func (s *Service) submit(ctx context.Context, ev OwnerEvent, sess conversation.Session) (_ []conversation.Reply, keepWith string) {
	c, err := s.materialize(ctx, sess, ownerName(ev), false)
	switch {
	case err == nil && c.Status == StatusPending:
		return []conversation.Reply{{Text: owned.Held.F(sess.Language, c.ID)}}, c.ID
	case errors.Is(err, ErrOwnerHasOpenCase):
		s.repoint(ctx, ev.Owner, sess.CaseID, c.ID)
		return []conversation.Reply{{Text: core.OwnerHasOpenCase.F(sess.Language, c.ID)}}, c.ID
	case errors.Is(err, ErrVINHasOpenCase):
		s.repoint(ctx, ev.Owner, sess.CaseID, c.ID)
		return []conversation.Reply{{Text: core.VINHasOpenCase.F(sess.Language, c.ID)}}, ""
	case err != nil:
		// The submission is committed and its post check is queued: the case will be created
		// and posted by the next attempt, so the owner can rely on the id.
		s.log.ErrorContext(ctx, "create case, will retry", "case", sess.CaseID, "owner", ev.Owner, "err", err)
	}
	return []conversation.Reply{s.submittedNow(sess.CaseID, sess.Language)}, sess.CaseID
}

func submitted(caseID, lang string) conversation.Reply {
	return conversation.Reply{Text: core.Submitted.F(lang, caseID)}
}

// submittedNow is the submission's answer, with the support hours when they are closed.
func (s *Service) submittedNow(caseID, lang string) conversation.Reply {
	r := submitted(caseID, lang)
	if note := s.afterHours(s.clock.Now(), lang); note != "" {
		r.Text += " " + note
	}
	return r
}

// whereOwnerStands answers again an event handled before whose answer may have been lost with
// a process: the case id once submitted, else the question waiting. Only for the owner's last
// event: after a later one the owner has moved on and was answered since, and a question asked
// twice makes a person answer it twice.
func (s *Service) whereOwnerStands(turn Turn, ev OwnerEvent, now time.Time) []conversation.Reply {
	sess := turn.Session
	switch {
	case !turn.Found || ev.ID == "" || sess.LastEvent != ev.ID:
		return nil
	case sess.Stage == conversation.StageSubmitted && sess.CaseID != "":
		return []conversation.Reply{submitted(sess.CaseID, sess.Language)}
	}
	return s.engine.Prompt(sess, now)
}

// materialize turns a submitted session into its case and posts the card. It is idempotent:
// the due queue calls it again (recovering) when a first attempt failed, and then a card that
// may have been posted is looked for before it is posted.
func (s *Service) materialize(ctx context.Context, sess conversation.Session, name string, recovering bool) (Case, error) {
	now := s.clock.Now()
	owner := Identity(sess.Owner)
	var answers []Answer
	// Executives read the case in the operator's language; what the owner wrote stays as written.
	for _, f := range s.engine.FieldsIn(sess, s.cfg.Language) {
		// A case names its answers by role, so the summary, the card and dedupe read the same
		// keys whatever the flow file calls its steps.
		key := f.Key
		if f.Role != "" {
			key = f.Role
		}
		// Answers were cleaned as they came in; a session saved by an older version was not.
		answers = append(answers, Answer{Key: key, Label: f.Label, Value: Clean(f.Value), Choice: f.Choice})
	}
	in := SummaryInput{
		Answers:       answers,
		Safe:          s.engine.Answer(sess, conversation.RoleSafe),
		Language:      s.engine.Language(s.cfg.Language),
		OwnerLanguage: s.engine.Language(sess.Language),
	}
	vin := s.engine.Answer(sess, conversation.RoleVIN)
	ownership := s.caseOwnership(ctx, sess, vin)
	status := StatusOpen
	if s.holds(ownership) {
		status = StatusPending
	}
	c := Case{
		ID:        sess.CaseID,
		Status:    status,
		Owner:     owner,
		OwnerName: Clean(name),
		Language:  sess.Language,
		VIN:       vin,
		Ownership: ownership,
		Answers:   answers,
		Summary:   s.summarize(ctx, in),
		CreatedAt: now,
		UpdatedAt: now,
		Hooks:     s.hookCursors(),
	}
	c.Pattern = patternKey(c)
	if len(s.hooks) > 0 {
		c.FollowUp = s.followUp(c.ID) // the creation's webhook event
	}
	created, err := s.cases.Create(ctx, c)
	switch {
	case errors.Is(err, ErrVINHasOpenCase):
		text := Truncate(fmt.Sprintf("%s: %s", c.OwnerName, c.Summary.Text), 1000)
		entry := AuditEntry{At: now, Actor: owner, Name: c.OwnerName, Action: "attach", Text: text, EventID: "attach:" + c.ID}
		if aerr := s.record(ctx, created.ID, entry); aerr != nil && !errors.Is(aerr, ErrDuplicateEvent) {
			return Case{}, fmt.Errorf("attach %s to %s: %w", c.ID, created.ID, aerr)
		}
		if ferr := s.postIntakeFiles(ctx, created, s.sessionFiles(ctx, sess)); ferr != nil {
			return Case{}, ferr
		}
		return created, err
	case err != nil:
		return created, err
	}
	s.log.InfoContext(ctx, "case created", "case", created.ID, "owner", owner, "severity", created.Summary.Severity, "safety", created.Summary.Safety)
	// One read of the pattern serves the card and the alert.
	var pattern patternCases
	if created.Status != StatusPending {
		pattern = s.patternOf(ctx, created)
		s.postCard(ctx, created, recovering, pattern)
	}
	if err := s.postIntakeFiles(ctx, created, s.sessionFiles(ctx, sess)); err != nil {
		// The card check queued at submission records them when it runs.
		s.log.WarnContext(ctx, "record the intake files", "case", created.ID, "err", err)
	}
	if c.FollowUp != nil {
		s.deliverNow(ctx, created, AuditEntry{At: now, Actor: owner, Name: c.OwnerName, Action: "created", Seq: 1}, c.FollowUp)
	}
	if created.Status != StatusPending {
		s.alertPattern(ctx, created, pattern)
	}
	s.scheduleOwnershipCheck(ctx, created)
	if err := s.startClocks(ctx, created); err != nil {
		// The card check queued at submission starts them when it runs.
		s.log.WarnContext(ctx, "start case clocks", "case", created.ID, "err", err)
	}
	return created, nil
}

// summarize runs the summarizer within its time budget; the template stands in on failure.
// A model may raise a case's severity but never lower it below the keyword triage, nor clear
// a safety flag the owner's answers set; and what it writes is cleaned like owner text, so it
// may not ping anyone nor hide text behind bidi controls.
func (s *Service) summarize(ctx context.Context, in SummaryInput) Summary {
	tmpl := TemplateSummary(in)
	budget := s.cfg.SummaryTimeout
	if dl, ok := ctx.Deadline(); ok {
		// Leave the caller (a platform job with its own deadline) time to create and post the
		// case after the summary.
		budget = min(budget, max(time.Until(dl)-5*time.Second, time.Second))
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	sum, err := s.summarizer.Summarize(ctx, in)
	if err != nil {
		s.log.WarnContext(ctx, "summarizer failed, using the template", "err", err)
		return tmpl
	}
	if sum.Automatic {
		return sum
	}
	sum.Safety = sum.Safety || tmpl.Safety
	if severityRank[sum.Severity] < severityRank[tmpl.Severity] {
		sum.Severity = tmpl.Severity
	}
	sum.Title = Truncate(Clean(sum.Title), MaxTitle)
	sum.Text = Truncate(Clean(sum.Text), MaxSummary)
	sum.Ask = Clean(sum.Ask)
	// A translation is of the owner's words into the operator's language: none when the owner
	// wrote in it.
	sum.Translation = Truncate(Clean(sum.Translation), MaxTranslation)
	sum.TranslatedFrom = in.OwnerLanguage
	if sum.Translation == "" || in.OwnerLanguage == in.Language || in.OwnerLanguage == "" {
		sum.Translation, sum.TranslatedFrom = "", ""
	}
	for i, f := range sum.KeyFacts {
		sum.KeyFacts[i] = Clean(f)
	}
	if sum.Category == "" {
		sum.Category = tmpl.Category
	}
	return sum
}

var severityRank = map[Severity]int{SeverityLow: 1, SeverityMedium: 2, SeverityHigh: 3, SeverityCritical: 4}

// repoint moves the owner's session from a reserved case id to the case it joined instead.
func (s *Service) repoint(ctx context.Context, owner Identity, from, to string) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		turn, err := s.sessions.Reload(ctx, owner, "")
		if err != nil || !turn.Found || turn.Session.CaseID != from {
			return
		}
		turn.Session.CaseID = to
		if err := s.sessions.Save(ctx, turn.Session, "", s.cfg.SessionTTL, Record{}); !errors.Is(err, ErrConflict) {
			return
		}
		backoff(ctx, attempt)
	}
}

func ownerName(ev OwnerEvent) string {
	if ev.Name != "" {
		return ev.Name
	}
	return string(ev.Owner)
}

// relay handles a message from an owner whose intake is done: it goes to the case. relayed
// is false when the case has ended and the owner should start a new intake.
func (s *Service) relay(ctx context.Context, t *ownerTurn, sess conversation.Session) (replies []conversation.Reply, relayed bool, err error) {
	ev := t.ev
	c, err := s.cases.Get(ctx, sess.CaseID)
	if err != nil && !isNotFound(err) {
		return nil, true, fmt.Errorf("relay to %s: %w", sess.CaseID, err)
	}
	if isNotFound(err) && sess.UpdatedAt.After(s.clock.Now().Add(-time.Hour)) {
		// Just submitted; the case is being created.
		return []conversation.Reply{{Text: core.BeingFiled.F(sess.Language, sess.CaseID)}}, true, nil
	}
	if in := (conversation.Input{Text: strings.TrimSpace(ev.Text), Action: ev.Action, Value: ev.Value}); err == nil && conversation.LanguageRequest(in) {
		return s.switchLanguage(ctx, ev, sess, c, in)
	}
	if err == nil && c.Status == StatusPending && c.Owner == ev.Owner && len(ev.Files) > 0 {
		return s.heldFiles(ctx, t, c)
	}
	if err == nil && c.Status == StatusPending {
		// Nobody reads the case before a moderator verifies its owner: the owner hears why.
		return []conversation.Reply{{Text: owned.HeldStatus.F(c.Language, c.ID)}}, true, nil
	}
	if err == nil && !c.Open() {
		replies, ok, err := s.comment(ctx, ev, c)
		return replies, ok, err
	}
	if err != nil {
		return nil, false, nil
	}
	text := strings.TrimSpace(ev.Text)
	files := len(ev.Files) > 0
	if !files && (strings.EqualFold(text, "status") || (ev.Action == conversation.ActionControl && ev.Value == "status")) {
		return []conversation.Reply{{Text: later.StatusIs.F(c.Language, c.ID, statusWords(c))}}, true, nil
	}
	if text == "" && !files {
		return []conversation.Reply{{Text: later.StatusWrite.F(c.Language, c.ID, statusWords(c))}}, true, nil
	}
	now := s.clock.Now()
	name := ownerName(ev) // ev was cleaned in HandleOwner
	if text != "" {
		entry := AuditEntry{At: now, Actor: ev.Owner, Name: name, Action: "owner_message", Text: Truncate(text, 4000), EventID: ev.ID}
		// The audit append is the delivery: it is deduplicated by the event id and refused once
		// the case has ended, in one atomic step, so a message is neither lost nor doubled.
		switch err := s.record(ctx, c.ID, entry); {
		case errors.Is(err, ErrDuplicateEvent):
			if !files {
				return nil, true, nil
			}
		case errors.Is(err, ErrWrongStatus):
			return nil, false, nil
		case err != nil:
			return nil, true, fmt.Errorf("relay to %s: %w", c.ID, err)
		}
	}
	var refusals []conversation.Reply
	if files {
		// Each file is its own change, deduplicated by the event and the file.
		refusals, err = s.relayFiles(ctx, t, c)
		switch {
		case errors.Is(err, ErrWrongStatus):
			return nil, text != "", nil
		case err != nil:
			return nil, true, err
		}
		if text == "" && len(t.files) == 0 {
			return refusals, true, nil
		}
	}
	// Saving keeps the relay session alive; the message is already delivered, so a conflict
	// with another event needs no retry.
	sess.LastEvent = ev.ID
	if err := s.sessions.Save(ctx, sess, ev.ID, s.cfg.SessionTTL, Record{}); err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrDuplicateEvent) {
		s.log.WarnContext(ctx, "refresh relay session", "owner", ev.Owner, "err", err)
	}
	return append([]conversation.Reply{{Text: strings.TrimSpace(later.Added.F(c.Language, c.ID) + " " + s.afterHours(now, c.Language))}}, refusals...), true, nil
}

// sessionFiles are the files an owner sent during the intake of sess, as kept.
func (s *Service) sessionFiles(ctx context.Context, sess conversation.Session) []Attachment {
	var out []Attachment
	for _, id := range sess.Files {
		if s.files == nil {
			break
		}
		a, err := s.files.Info(ctx, id)
		if err != nil {
			s.log.WarnContext(ctx, "read an intake file", "case", sess.CaseID, "file", id, "err", err)
			continue
		}
		out = append(out, a)
	}
	return out
}

// switchLanguage answers an owner who asks, after submission, to be written to in another
// language: the session and the case take it (the case's news to the owner follow it), the
// owner is answered in it, and nothing reaches the executives but a line in the history.
func (s *Service) switchLanguage(ctx context.Context, ev OwnerEvent, sess conversation.Session, c Case, in conversation.Input) ([]conversation.Reply, bool, error) {
	now := s.clock.Now()
	res := s.engine.Handle(sess, in, now)
	if res.Session.Language == c.Language && res.Session.Language == sess.Language {
		return res.Replies, true, nil // no language named, or the one already spoken
	}
	entry := AuditEntry{At: now, Actor: ev.Owner, Name: ownerName(ev), Action: "language", Text: res.Session.Language, EventID: ev.ID}
	switch err := s.cases.AddAudit(ctx, c.ID, entry); {
	case errors.Is(err, ErrDuplicateEvent):
		return nil, true, nil
	case err != nil:
		return nil, true, fmt.Errorf("language of %s: %w", c.ID, err)
	}
	res.Session.LastEvent = ev.ID
	if err := s.sessions.Save(ctx, res.Session, ev.ID, s.cfg.SessionTTL, Record{}); err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrDuplicateEvent) {
		s.log.WarnContext(ctx, "save the owner's language", "owner", ev.Owner, "err", err)
	}
	return res.Replies, true, nil
}

func statusWords(c Case) string {
	switch c.Status {
	case StatusOpen:
		return later.Waiting.In(c.Language)
	case StatusClaimed:
		return later.HandledBy.F(c.Language, c.ClaimedByName)
	case StatusResolved:
		return later.Resolved.In(c.Language)
	}
	return later.Ended.In(c.Language)
}

func (s *Service) intakeStatus(sess conversation.Session) conversation.Reply {
	if sess.CaseID != "" {
		return conversation.Reply{Text: core.CaseIs.F(sess.Language, sess.CaseID)}
	}
	return conversation.Reply{Text: core.NoCaseYet.F(sess.Language, len(sess.Answers))}
}

func blockedReply(b Block, lang string) conversation.Reply {
	text := core.Blocked.In(lang)
	if !b.Until.IsZero() {
		text += core.BlockedUntil.F(lang, b.Until.UTC().Format("2 Jan 2006 15:04 MST"))
	}
	if b.Reason != "" {
		text += core.BlockedReason.F(lang, b.Reason)
	}
	return conversation.Reply{Text: text + core.BlockedEnd.In(lang)}
}

func pausedReply(p Pause, lang string) conversation.Reply {
	msg := p.Message
	if msg == "" {
		msg = core.Paused.In(lang)
	}
	return conversation.Reply{Text: msg}
}
