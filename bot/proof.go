package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"escalation-bot/conversation"
)

// An owner who was told that their ownership could not be confirmed is asked for a photo of the
// registration "here", in the chat. While it waits for that proof (the intake after the check,
// a case held for verification), a photo or PDF the owner sends is the proof: it goes to the
// moderators with Approve and Reject, not to a case's thread. Every platform's files reach the
// core as OwnerEvent.Files, so this is decided here, once.

// intakeWaitsForProof reports whether the owner's intake waits for proof of ownership: the VIN
// it holds was checked and not verified, and the owner was told so.
func (s *Service) intakeWaitsForProof(sess conversation.Session) bool {
	if !s.ownershipOn() || s.verifications == nil || s.engine == nil {
		return false
	}
	if sess.Stage != conversation.StageIntake && sess.Stage != conversation.StageReview {
		return false
	}
	o := sess.Ownership
	return o.VIN != "" && o.Result != "" && o.Result != string(OwnershipVerified) &&
		o.VIN == s.engine.Answer(sess, conversation.RoleVIN)
}

// takeProofs takes the photos and PDFs among the turn's files as proofs that the owner owns vin
// (of the held case caseID, when there is one), and leaves the other files in t.ev.Files. Each
// proof is kept and shown to the moderators once, whatever the turn's retries and the event's
// redeliveries: its id comes from the event. It returns what the owner is told, nothing when
// no file was a proof.
func (s *Service) takeProofs(ctx context.Context, t *ownerTurn, vin, caseID, lang string) ([]conversation.Reply, error) {
	if t.proofs != nil || len(t.ev.Files) == 0 {
		return t.proofReplies, nil
	}
	if err := fetchFiles(ctx, t.ev.Files); err != nil {
		return nil, err
	}
	seed := t.ev.ID
	if seed == "" {
		seed = newRef() + newRef()
	}
	var rest []Upload
	taken := []Attachment{}
	for i, u := range t.ev.Files {
		typ, ok := proofUpload(u)
		if !ok || i >= maxFilesPerEvent {
			rest = append(rest, u)
			continue
		}
		sum := sha256.Sum256(fmt.Appendf(nil, "proof/%s/%s/%d", t.ev.Owner, seed, i))
		p := Proof{
			ID: hex.EncodeToString(sum[:16]), Owner: t.ev.Owner, OwnerName: Truncate(ownerName(t.ev), 100),
			Language: lang, VIN: vin, CaseID: caseID, At: s.clock.Now(),
			Photo: File{Name: FileName(u.Name), ContentType: typ, Data: u.Data},
		}
		if err := s.keepProof(ctx, p); err != nil {
			return nil, err
		}
		taken = append(taken, Attachment{ID: p.ID, Name: p.Photo.Name, Type: typ, Size: int64(len(u.Data))})
	}
	t.ev.Files, t.proofs = rest, taken
	if len(taken) > 0 {
		t.proofReplies = []conversation.Reply{{Text: owned.ProofThanks.In(lang)}}
	}
	return t.proofReplies, nil
}

// heldFiles takes the files an owner sends to their case held for verification: a photo or
// PDF is the registration they were asked for, for the moderators; the others are the case's,
// kept for its thread once it is let through.
func (s *Service) heldFiles(ctx context.Context, t *ownerTurn, c Case) ([]conversation.Reply, bool, error) {
	var replies []conversation.Reply
	if s.verifications != nil {
		thanks, err := s.takeProofs(ctx, t, c.VIN, c.ID, c.Language)
		if err != nil {
			return nil, true, err
		}
		replies = thanks
	}
	if len(t.ev.Files) > 0 {
		refusals, err := s.relayFiles(ctx, t, c)
		if err != nil && !errors.Is(err, ErrWrongStatus) {
			return nil, true, err
		}
		for _, a := range t.files {
			replies = append(replies, conversation.Reply{Text: core.FileKept.F(c.Language, a.Name)})
		}
		replies = append(replies, refusals...)
	}
	if len(t.proofs) == 0 {
		replies = append(replies, conversation.Reply{Text: owned.HeldStatus.F(c.Language, c.ID)})
	}
	return replies, true, nil
}

// proofUpload reports whether an owner's file may be a registration's photo, by its bytes, and
// its type.
func proofUpload(u Upload) (string, bool) {
	if len(u.Data) == 0 || len(u.Data) > MaxProofBytes || u.Size > MaxProofBytes {
		return "", false
	}
	typ, ok := FileType(FileName(u.Name), u.Type, u.Data)
	return typ, ok && proofType(typ)
}

// keepProof keeps a proof and shows it to the moderators; a proof kept before (the same event
// again) is neither kept nor shown twice.
func (s *Service) keepProof(ctx context.Context, p Proof) error {
	err := s.verifications.AddProof(ctx, p, proofTTL)
	switch {
	case errors.Is(err, ErrDuplicateEvent):
		return nil
	case err != nil:
		return fmt.Errorf("keep proof of %s: %w", p.Owner, err)
	}
	s.log.InfoContext(ctx, "ownership proof received", "owner", p.Owner, "proof", p.ID, "case", p.CaseID)
	s.showProof(ctx, p)
	return nil
}

// postHeldFiles posts the files of a case let through after it was held into its cards'
// threads: they were recorded while the case had no card. Each line is keyed by the release's
// delivery, the file and the channel, so a delivery tried again posts none twice.
func (s *Service) postHeldFiles(ctx context.Context, id string, d Delivery) error {
	c, err := s.cases.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("get %s: %w", id, err)
	}
	entries, err := s.cases.Audit(ctx, id)
	if err != nil {
		return fmt.Errorf("audit %s: %w", id, err)
	}
	var failed error
	for _, e := range entries {
		if e.Action != "file" || e.File == nil {
			continue
		}
		line, err := s.withFile(ctx, ThreadMessage{CaseID: c.ID, From: e.Name, Role: "owner", Text: e.Text, File: e.File, At: e.At})
		if err != nil {
			failed = err
			continue
		}
		for _, p := range c.Posts {
			m, ch, ok := s.messenger(p.Channel)
			if !ok {
				continue
			}
			each := d
			if d.Key != "" {
				each.Key = d.Key + "/" + e.File.ID + "/" + p.Channel
			}
			if err := m.PostThread(ctx, ch, p.Ref, line, each); err != nil {
				failed = fmt.Errorf("post %s of %s in %s: %w", e.File.ID, c.ID, p.Channel, err)
			}
		}
	}
	return failed
}
