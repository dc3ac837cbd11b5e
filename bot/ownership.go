package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"escalation-bot/conversation"
)

// Ownership is what the core knows of whether a case's owner owns its vehicle.
type Ownership string

const (
	OwnershipNone       Ownership = ""           // no check ran: checks are off, or no VIN yet
	OwnershipVerified   Ownership = "verified"   // the maker's records or a moderator say so
	OwnershipUnverified Ownership = "unverified" // the records say the VIN is not the owner's
	OwnershipUnknown    Ownership = "unknown"    // the check could not be made
)

// VerifyMode is what the line does with ownership (REQUIRE_VERIFIED_OWNER).
type VerifyMode string

const (
	VerifyOff     VerifyMode = "off"     // no check
	VerifyFlag    VerifyMode = "flag"    // check and show the result on the card
	VerifyRequire VerifyMode = "require" // hold a case not verified (StatusPending) until a moderator approves
)

// ParseVerifyMode reads off, flag or require ("" is off).
func ParseVerifyMode(s string) (VerifyMode, error) {
	switch m := VerifyMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "", VerifyOff:
		return VerifyOff, nil
	case VerifyFlag, VerifyRequire:
		return m, nil
	}
	return "", fmt.Errorf("%q is not off, flag or require", s)
}

// OwnershipQuery asks whether Identity owns the vehicle VIN.
type OwnershipQuery struct {
	Identity Identity
	VIN      string
	// Ticket is the owner's ticket number with the maker, when the intake asked for it.
	Ticket string
	// Email is the owner's e-mail address when their platform tells it (EmailDirectory).
	Email string
}

// EmailDirectory is implemented by messengers that can tell a user's e-mail address; an owners
// file may name owners by it.
type EmailDirectory interface {
	Email(ctx context.Context, id Identity) (string, error)
}

// OwnershipAnswer is a check's answer: verified, or unverified with a reason the owner may
// read. A checker that cannot tell returns an error, which the core takes as unknown.
type OwnershipAnswer struct {
	Result Ownership
	Reason string
}

// OwnershipChecker asks the maker's records who owns a vehicle (a CRM, an owners file). Its
// answer for a VIN that is unknown and for one that is someone else's must read the same.
type OwnershipChecker interface {
	CheckOwnership(ctx context.Context, q OwnershipQuery) (OwnershipAnswer, error)
}

// Proof is a photo of a vehicle's registration an owner sent for a moderator to look at.
type Proof struct {
	ID        string    `json:"id"`
	Owner     Identity  `json:"owner"`
	OwnerName string    `json:"owner_name"`
	Language  string    `json:"language,omitempty"`
	VIN       string    `json:"vin"`
	CaseID    string    `json:"case,omitempty"`
	At        time.Time `json:"at"`
	// Decision is "" while it waits, then ProofApproved or ProofRejected, by By.
	Decision string   `json:"decision,omitempty"`
	By       Identity `json:"by,omitempty"`
	Photo    File     `json:"-"`
}

// About says, for the moderators, whose photo it is and what it should show; the platforms
// show it with the photo.
func (p Proof) About() string {
	text := fmt.Sprintf("Registration photo from %s (%s) for VIN %s", p.OwnerName, p.Owner, p.VIN)
	if p.VIN == "" {
		text = fmt.Sprintf("Registration photo from %s (%s), whose case has no VIN", p.OwnerName, p.Owner)
	}
	if p.CaseID != "" {
		text += ", case " + p.CaseID
	}
	return text + ". Does it show that they own the vehicle?"
}

// Decisions on a proof.
const (
	ProofApproved = "approved"
	ProofRejected = "rejected"
)

// Proof actions: the buttons moderators press, with the proof's id as value.
const (
	ActionApproveOwner = "approve_owner"
	ActionRejectOwner  = "reject_owner"
)

// Buttons are a waiting proof's Approve and Reject.
func (p Proof) Buttons() []conversation.Button {
	if p.Decision != "" {
		return nil
	}
	return []conversation.Button{
		{Label: "Approve", Action: ActionApproveOwner, Value: p.ID},
		{Label: "Reject", Action: ActionRejectOwner, Value: p.ID},
	}
}

// Verifications keep the moderators' word on ownership: pairs of an owner and a VIN they
// verified by hand, and the photos waiting for them.
type Verifications interface {
	// Verify records that user owns vin; Unverify takes it back and reports whether it was there.
	Verify(ctx context.Context, user Identity, vin string) error
	Unverify(ctx context.Context, user Identity, vin string) (bool, error)
	Verified(ctx context.Context, user Identity, vin string) (bool, error)
	// AddProof keeps a proof for ttl and lists it as waiting; a proof whose id is kept
	// already is left as it is, with ErrDuplicateEvent.
	AddProof(ctx context.Context, p Proof, ttl time.Duration) error
	// GetProof returns a proof with its photo, or ErrNotFound.
	GetProof(ctx context.Context, id string) (Proof, error)
	// DecideProof records the decision of a waiting proof, atomically: a proof decided before
	// is returned unchanged with ErrWrongStatus; a missing one gives ErrNotFound.
	DecideProof(ctx context.Context, id, decision string, by Identity) (Proof, error)
	// WaitingProofs lists the proofs not decided yet, oldest first, without their photos.
	WaitingProofs(ctx context.Context, limit int) ([]Proof, error)
	// ProofsOf lists the proofs owner sent, waiting or decided, without their photos.
	ProofsOf(ctx context.Context, owner Identity) ([]Proof, error)
}

// ProofPoster is implemented by messengers that can show moderators an owner's proof with
// Approve and Reject buttons, in an escalation channel.
type ProofPoster interface {
	PostProof(ctx context.Context, channel string, p Proof) error
}

// ProofEraser is implemented by ProofPosters that can take back what PostProof posted (the
// photo and the words naming its owner) once the owner's data is erased; a post gone already
// is no error.
type ProofEraser interface {
	EraseProof(ctx context.Context, channel string, p Proof) error
}

// Limits of a proof photo.
const (
	MaxProofBytes = 10 << 20
	proofTTL      = 30 * 24 * time.Hour
)

// ownershipOn reports whether ownership is checked.
func (s *Service) ownershipOn() bool {
	return s.cfg.VerifyOwner != "" && s.cfg.VerifyOwner != VerifyOff
}

// checkOwnership asks whether q.Identity owns q.VIN: a moderator's verification first, then
// the maker's records. It never fails: what cannot be checked is unknown.
func (s *Service) checkOwnership(ctx context.Context, q OwnershipQuery) OwnershipAnswer {
	if s.verifications != nil {
		ok, err := s.verifications.Verified(ctx, q.Identity, q.VIN)
		if err != nil {
			s.log.WarnContext(ctx, "read verifications", "owner", q.Identity, "err", err)
		}
		if ok {
			return OwnershipAnswer{Result: OwnershipVerified}
		}
	}
	if s.ownership == nil {
		return OwnershipAnswer{Result: OwnershipUnknown}
	}
	if m, _, ok := s.messenger(string(q.Identity)); ok && q.Email == "" {
		if d, ok := m.(EmailDirectory); ok {
			email, err := d.Email(ctx, q.Identity)
			if err != nil {
				s.log.WarnContext(ctx, "read the owner's e-mail address", "owner", q.Identity, "err", err)
			}
			q.Email = email
		}
	}
	ans, err := s.ownership.CheckOwnership(ctx, q)
	if err != nil {
		s.log.WarnContext(ctx, "ownership check failed", "owner", q.Identity, "err", err)
		return OwnershipAnswer{Result: OwnershipUnknown}
	}
	switch ans.Result {
	case OwnershipVerified:
		return OwnershipAnswer{Result: OwnershipVerified}
	case OwnershipUnverified:
		return OwnershipAnswer{Result: OwnershipUnverified, Reason: Truncate(Clean(ans.Reason), 300)}
	}
	return OwnershipAnswer{Result: OwnershipUnknown}
}

// checkSession runs the ownership check when the session's VIN answer is new or changed, keeps
// the result in the session and returns what the owner is told. A turn checks a VIN once,
// whatever its retries.
func (s *Service) checkSession(ctx context.Context, t *ownerTurn, sess *conversation.Session) []conversation.Reply {
	if !s.ownershipOn() || s.engine == nil {
		return nil
	}
	switch sess.Stage {
	case conversation.StageIntake, conversation.StageReview, conversation.StageSubmitted:
	default:
		return nil
	}
	vin := s.engine.Answer(*sess, conversation.RoleVIN)
	if vin == "" || vin == sess.Ownership.VIN {
		return nil
	}
	ans, ok := t.owned[vin]
	if !ok && t.guess != nil {
		t.outside = true // asked for the stored session only
		return nil
	}
	if !ok {
		ans = s.checkOwnership(ctx, OwnershipQuery{Identity: t.ev.Owner, VIN: vin, Ticket: s.engine.Answer(*sess, conversation.RoleTicket)})
		if t.owned == nil {
			t.owned = map[string]OwnershipAnswer{}
		}
		t.owned[vin] = ans
	}
	sess.Ownership = conversation.Ownership{VIN: vin, Result: string(ans.Result), Reason: ans.Reason}
	return []conversation.Reply{{Text: s.ownershipWords(ans, sess.Language)}}
}

// ownershipWords is what the owner reads about a check's answer.
func (s *Service) ownershipWords(ans OwnershipAnswer, lang string) string {
	if ans.Result == OwnershipVerified {
		return owned.Verified.In(lang)
	}
	text := owned.Unknown.In(lang)
	if ans.Result == OwnershipUnverified {
		text = owned.NotVerified.In(lang)
		if ans.Reason != "" {
			text += " " + ans.Reason
		}
	}
	if s.cfg.VerifyOwner == VerifyRequire {
		return text + " " + owned.CarryOnHold.In(lang)
	}
	return text + " " + owned.CarryOnFlag.In(lang)
}

// caseOwnership is the ownership of a case about to be created from sess: the session's check
// of the same VIN, or a check now.
func (s *Service) caseOwnership(ctx context.Context, sess conversation.Session, vin string) Ownership {
	if !s.ownershipOn() {
		return OwnershipNone
	}
	if vin == "" {
		return OwnershipUnknown
	}
	if sess.Ownership.VIN == vin && sess.Ownership.Result == string(OwnershipVerified) {
		return OwnershipVerified
	}
	// A moderator may have verified the owner since, or the records were down.
	ans := s.checkOwnership(ctx, OwnershipQuery{Identity: Identity(sess.Owner), VIN: vin, Ticket: s.engine.Answer(sess, conversation.RoleTicket)})
	return ans.Result
}

// holds reports whether a case with this ownership waits for a moderator before it is posted.
func (s *Service) holds(o Ownership) bool {
	return s.cfg.VerifyOwner == VerifyRequire && o != OwnershipVerified
}

// normalizeVIN reads a VIN a moderator typed.
func normalizeVIN(raw string) (string, error) {
	vin, err := conversation.ValidateVIN(raw)
	var cd *conversation.CheckDigitError
	if err != nil && !errors.As(err, &cd) {
		return "", Errorf(CodeInvalid, "%q is not a VIN: a VIN has 17 letters and digits, without I, O or Q.", Truncate(raw, 30))
	}
	return vin, nil
}

// VerifyOwner records, as moderator a, that user owns vin: their case of that vehicle held
// for verification goes to the escalation channels, an open one shows ownership verified. It
// returns what the moderator reads.
func (s *Service) VerifyOwner(ctx context.Context, a Actor, user Identity, rawVIN string) (string, error) {
	if !s.IsModerator(a) {
		return "", errNotModerator()
	}
	if strings.TrimSpace(rawVIN) == "" {
		return s.verifyWithoutVIN(ctx, a, user)
	}
	vin, err := normalizeVIN(rawVIN)
	if err != nil {
		return "", err
	}
	if s.verifications == nil {
		return "", Errorf(CodeUnavailable, "Verifications are not kept on this line.")
	}
	if err := s.verifications.Verify(ctx, user, vin); err != nil {
		return "", fmt.Errorf("verify %s: %w", user, err)
	}
	s.log.InfoContext(ctx, "owner verified", "owner", user, "by", a.ID)
	name := s.label(ctx, user)
	c, ok, err := s.caseOfVehicle(ctx, user, vin)
	if err != nil || !ok {
		return fmt.Sprintf("%s is verified as the owner of %s.", name, vin), err
	}
	switch {
	case c.Status == StatusPending:
		card, err := s.transition(ctx, a, c.ID, Transition{From: []Status{StatusPending}, To: StatusOpen, Action: "verify", Note: "released"})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s is verified as the owner of %s; %s went to the escalation channels.", name, vin, card.ID), nil
	case c.Open() && c.Ownership != OwnershipVerified:
		err := s.record(ctx, c.ID, AuditEntry{At: s.clock.Now(), Actor: a.ID, Name: a.Name, Action: "verify"})
		if err != nil && !errors.Is(err, ErrWrongStatus) {
			return "", fmt.Errorf("verify %s: %w", c.ID, err)
		}
		return fmt.Sprintf("%s is verified as the owner of %s; %s shows it.", name, vin, c.ID), nil
	}
	return fmt.Sprintf("%s is verified as the owner of %s.", name, vin), nil
}

// verifyWithoutVIN lets through user's case filed without a VIN (a flow without a VIN step, an
// owner who skipped an optional one): there is no vehicle to record, only the case.
func (s *Service) verifyWithoutVIN(ctx context.Context, a Actor, user Identity) (string, error) {
	name := s.label(ctx, user)
	c, ok, err := s.caseOfVehicle(ctx, user, "")
	if err != nil {
		return "", err
	}
	if !ok {
		return "", Errorf(CodeNotFound, "%s has no case filed without a VIN; give the VIN to verify them as the owner of a vehicle.", name)
	}
	s.log.InfoContext(ctx, "owner verified without a VIN", "owner", user, "case", c.ID, "by", a.ID)
	switch {
	case c.Status == StatusPending:
		card, err := s.transition(ctx, a, c.ID, Transition{From: []Status{StatusPending}, To: StatusOpen, Action: "verify", Note: "released"})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s is verified as the owner of the vehicle of %s, filed without a VIN; it went to the escalation channels.", name, card.ID), nil
	case c.Ownership != OwnershipVerified:
		err := s.record(ctx, c.ID, AuditEntry{At: s.clock.Now(), Actor: a.ID, Name: a.Name, Action: "verify"})
		if err != nil && !errors.Is(err, ErrWrongStatus) {
			return "", fmt.Errorf("verify %s: %w", c.ID, err)
		}
		return fmt.Sprintf("%s is verified as the owner of the vehicle of %s, filed without a VIN; %s shows it.", name, c.ID, c.ID), nil
	}
	return fmt.Sprintf("%s is verified as the owner of the vehicle of %s already.", name, c.ID), nil
}

// UnverifyOwner takes a verification back: user's open case of vin shows ownership not
// verified again.
func (s *Service) UnverifyOwner(ctx context.Context, a Actor, user Identity, rawVIN string) (string, error) {
	if !s.IsModerator(a) {
		return "", errNotModerator()
	}
	vin, err := normalizeVIN(rawVIN)
	if err != nil {
		return "", err
	}
	if s.verifications == nil {
		return "", Errorf(CodeUnavailable, "Verifications are not kept on this line.")
	}
	had, err := s.verifications.Unverify(ctx, user, vin)
	if err != nil {
		return "", fmt.Errorf("unverify %s: %w", user, err)
	}
	c, ok, err := s.caseOfVehicle(ctx, user, vin)
	if err != nil {
		return "", err
	}
	name := s.label(ctx, user)
	if ok && c.Open() && c.Ownership == OwnershipVerified {
		err := s.record(ctx, c.ID, AuditEntry{At: s.clock.Now(), Actor: a.ID, Name: a.Name, Action: "unverify"})
		if err != nil && !errors.Is(err, ErrWrongStatus) {
			return "", fmt.Errorf("unverify %s: %w", c.ID, err)
		}
		s.log.InfoContext(ctx, "owner unverified", "owner", user, "case", c.ID, "by", a.ID)
		return fmt.Sprintf("%s is no longer verified as the owner of %s; %s shows it.", name, vin, c.ID), nil
	}
	if !had {
		return "", Errorf(CodeNotFound, "%s was not verified by a moderator as the owner of %s.", name, vin)
	}
	s.log.InfoContext(ctx, "owner unverified", "owner", user, "by", a.ID)
	return fmt.Sprintf("%s is no longer verified as the owner of %s.", name, vin), nil
}

// caseOfVehicle is user's case that holds or waits (open, claimed or pending) for vin; a held
// case without a VIN counts, since verifying is then the only way out for it. With vin "" it
// is the user's case filed without a VIN.
func (s *Service) caseOfVehicle(ctx context.Context, user Identity, vin string) (Case, bool, error) {
	turn, err := s.sessions.Reload(ctx, user, "")
	if err != nil {
		return Case{}, false, fmt.Errorf("session of %s: %w", user, err)
	}
	id := turn.OpenCase
	if id == "" && turn.Found && turn.Session.Stage == conversation.StageSubmitted {
		id = turn.Session.CaseID
	}
	if id == "" {
		return Case{}, false, nil
	}
	c, err := s.cases.Get(ctx, id)
	if isNotFound(err) {
		return Case{}, false, nil
	}
	if err != nil {
		return Case{}, false, fmt.Errorf("get %s: %w", id, err)
	}
	if c.Owner != user || !(c.Open() || c.Status == StatusPending) {
		return Case{}, false, nil
	}
	switch {
	case vin == "" && c.VIN != "":
		// Without a VIN, only a case filed without one.
		return Case{}, false, nil
	case c.VIN != vin && !(c.VIN == "" && c.Status == StatusPending):
		return Case{}, false, nil
	}
	return c, true, nil
}

// SubmitProof takes a photo of the registration from an owner whose vehicle is not verified
// (in the intake, or their case), keeps it and shows it to the moderators with Approve and
// Reject. It returns what the owner is told.
func (s *Service) SubmitProof(ctx context.Context, owner Identity, name string, photo File) ([]conversation.Reply, error) {
	turn, err := s.sessions.Reload(ctx, owner, "")
	if err != nil {
		return nil, fmt.Errorf("session of %s: %w", owner, err)
	}
	lang := turn.Session.Language
	if !s.ownershipOn() || s.verifications == nil {
		return []conversation.Reply{{Text: owned.ProofNotNeeded.In(lang)}}, nil
	}
	if len(photo.Data) == 0 || len(photo.Data) > MaxProofBytes || !proofType(photo.ContentType) {
		return nil, Errorf(CodeInvalid, "Please send a photo (JPEG, PNG, WebP, HEIC) or a PDF of at most %d MB.", MaxProofBytes>>20)
	}
	p := Proof{ID: newRef(), Owner: owner, OwnerName: Truncate(Clean(name), 100), Language: lang, At: s.clock.Now(), Photo: photo}
	p.Photo.Name = Truncate(Clean(photo.Name), 100)
	c, ok, err := s.waitingCase(ctx, owner, turn)
	switch {
	case err != nil:
		return nil, err
	case ok:
		p.VIN, p.CaseID, p.Language = c.VIN, c.ID, c.Language
	case turn.Found && turn.Session.Ownership.VIN != "" && turn.Session.Ownership.Result != string(OwnershipVerified) &&
		turn.Session.Stage != conversation.StageCancelled && turn.Session.Stage != conversation.StageSubmitted:
		p.VIN = turn.Session.Ownership.VIN
	default:
		return []conversation.Reply{{Text: owned.ProofNotNeeded.In(lang)}}, nil
	}
	if err := s.keepProof(ctx, p); err != nil {
		return nil, err
	}
	return []conversation.Reply{{Text: owned.ProofThanks.In(p.Language)}}, nil
}

// proofType reports whether a content type may be a registration's photo.
func proofType(ct string) bool {
	ct, _, _ = strings.Cut(strings.ToLower(ct), ";")
	switch strings.TrimSpace(ct) {
	case "image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "application/pdf":
		return true
	}
	return false
}

// waitingCase is the owner's case that waits for its ownership: held, or open and not verified.
func (s *Service) waitingCase(ctx context.Context, owner Identity, turn Turn) (Case, bool, error) {
	id := turn.OpenCase
	if id == "" && turn.Found && turn.Session.Stage == conversation.StageSubmitted {
		id = turn.Session.CaseID
	}
	if id == "" {
		return Case{}, false, nil
	}
	c, err := s.cases.Get(ctx, id)
	if isNotFound(err) {
		return Case{}, false, nil
	}
	if err != nil {
		return Case{}, false, fmt.Errorf("get %s: %w", id, err)
	}
	waiting := c.Status == StatusPending || (c.Open() && c.Ownership != OwnershipVerified && c.VIN != "")
	return c, c.Owner == owner && waiting, nil
}

// showProof posts the proof in every escalation channel whose platform can show it.
func (s *Service) showProof(ctx context.Context, p Proof) {
	shown := 0
	for _, ch := range s.cfg.Channels {
		m, id, ok := s.messenger(ch)
		if !ok {
			continue
		}
		pp, ok := m.(ProofPoster)
		if !ok {
			continue
		}
		if err := pp.PostProof(ctx, id, p); err != nil {
			s.log.ErrorContext(ctx, "show ownership proof", "proof", p.ID, "channel", ch, "err", err)
			continue
		}
		shown++
	}
	if shown == 0 {
		s.log.WarnContext(ctx, "ownership proof shown in no channel; moderators find it in the playground or with "+CommandPrefix+" list pending", "proof", p.ID)
	}
}

// DecideProof approves or rejects a proof (moderators only). Approving verifies the owner of
// the proof's VIN as /escalations verify does; either way the owner is told. A proof decided
// before is not decided again.
func (s *Service) DecideProof(ctx context.Context, a Actor, id string, approve bool) (string, error) {
	if !s.IsModerator(a) {
		return "", errNotModerator()
	}
	if s.verifications == nil {
		return "", Errorf(CodeNotFound, "There is no such photo.")
	}
	decision := ProofRejected
	if approve {
		decision = ProofApproved
	}
	p, err := s.verifications.DecideProof(ctx, id, decision, a.ID)
	switch {
	case isNotFound(err):
		return "", Errorf(CodeNotFound, "There is no such photo; it may have expired.")
	case errors.Is(err, ErrWrongStatus):
		return "", Errorf(CodeConflict, "This photo was %s already by %s.", p.Decision, s.label(ctx, p.By))
	case err != nil:
		return "", fmt.Errorf("decide proof %s: %w", id, err)
	}
	s.log.InfoContext(ctx, "ownership proof decided", "proof", p.ID, "owner", p.Owner, "decision", decision, "by", a.ID)
	if !approve {
		if err := s.tellOwner(ctx, p.Owner, Delivery{Key: "proof/" + p.ID}, conversation.Reply{Text: owned.ProofRejected.In(p.Language)}); err != nil {
			s.log.ErrorContext(ctx, "tell the owner of a rejected proof", "proof", p.ID, "err", err)
		}
		return fmt.Sprintf("Rejected; %s was told.", p.OwnerName), nil
	}
	answer, err := s.VerifyOwner(ctx, a, p.Owner, p.VIN)
	if err != nil {
		return "", err
	}
	// A case released or marked verified tells its owner through its outbox; an owner still in
	// the intake hears it here.
	if c, ok, _ := s.caseOfVehicle(ctx, p.Owner, p.VIN); !ok || c.Status == StatusPending {
		if err := s.tellOwner(ctx, p.Owner, Delivery{Key: "proof/" + p.ID}, conversation.Reply{Text: owned.ProofApproved.In(p.Language)}); err != nil {
			s.log.ErrorContext(ctx, "tell the owner of an approved proof", "proof", p.ID, "err", err)
		}
	}
	return "Approved. " + answer, nil
}

// WaitingProofs lists the photos waiting for a moderator (moderators only), without photos.
func (s *Service) WaitingProofs(ctx context.Context, a Actor) ([]Proof, error) {
	if !s.IsModerator(a) {
		return nil, errNotModerator()
	}
	if s.verifications == nil {
		return nil, nil
	}
	return s.verifications.WaitingProofs(ctx, 100)
}

// ProofPhoto returns a proof with its photo (moderators only).
func (s *Service) ProofPhoto(ctx context.Context, a Actor, id string) (Proof, error) {
	if !s.IsModerator(a) {
		return Proof{}, errNotModerator()
	}
	if s.verifications == nil {
		return Proof{}, Errorf(CodeNotFound, "There is no such photo.")
	}
	p, err := s.verifications.GetProof(ctx, id)
	if isNotFound(err) {
		return Proof{}, Errorf(CodeNotFound, "There is no such photo; it may have expired.")
	}
	return p, err
}
