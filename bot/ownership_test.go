package bot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	ownercrm "escalation-bot/adapters/crm"
	"escalation-bot/adapters/ownersfile"
	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// vinAnn is web:ann's vehicle in the owners file of these tests; validVIN is nobody's.
const vinAnn = "5YJ3E1EA4KF317001"

// proofWall is a messenger's channel side that shows ownership proofs, as the platforms do.
type proofWall struct {
	*recorder
	mu     sync.Mutex
	proofs []bot.Proof
}

func (w *proofWall) PostProof(_ context.Context, channel string, p bot.Proof) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.proofs = append(w.proofs, p)
	return nil
}

func (w *proofWall) shown() []bot.Proof {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]bot.Proof(nil), w.proofs...)
}

// ownershipHarness runs the service in mode with the owners file "web:ann owns vinAnn", or
// with checker when one is given.
func ownershipHarness(t *testing.T, mode bot.VerifyMode, checker bot.OwnershipChecker) (*harness, *proofWall) {
	t.Helper()
	rds := redistest.New(t)
	h := newHarness(t, rds, func(c *bot.Config) { c.VerifyOwner = mode })
	if checker == nil {
		f, err := ownersfile.FromData("owners.csv", []byte("web:ann,"+vinAnn+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		checker = f
	}
	wall := &proofWall{recorder: h.msgr}
	h.rebuild(t, func(p *bot.Params) {
		p.Ownership = checker
		p.Verifications = redis.NewVerifications(rds.Client, redis.Config{Tenant: rds.Tenant})
		p.Messengers = []bot.Messenger{wall}
	})
	return h, wall
}

func (h *harness) run(t *testing.T, line string) string {
	t.Helper()
	out, err := h.svc.Command(context.Background(), bot.Actor{ID: "web:mod", Name: "mod"}, line)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return out
}

// toldAt is what the owner was told when answering the VIN step with vin.
func toldAt(t *testing.T, h *harness, owner bot.Identity, vin string) string {
	t.Helper()
	h.say(t, owner, "hello")
	h.press(t, owner, conversation.ActionChoose, "understood")
	for range 30 {
		s := h.session(t, owner)
		if s.Stage != conversation.StageIntake {
			t.Fatalf("no VIN step before stage %s", s.Stage)
		}
		if s.Step == "vin" {
			return texts(h.say(t, owner, vin))
		}
		h.say(t, owner, answers[s.Step])
	}
	t.Fatal("never asked for the VIN")
	return ""
}

// The owner hears the check's answer right after the VIN; "not verified" reads the same for a
// VIN nobody owns and for someone else's.
func TestOwnershipToldAtTheVIN(t *testing.T) {
	h, _ := ownershipHarness(t, bot.VerifyFlag, nil)
	if got := toldAt(t, h, "web:ann", vinAnn); !strings.Contains(got, "registered to you") {
		t.Errorf("owner told %q", got)
	}
	someoneElses := toldAt(t, h, "web:eve", vinAnn)
	nobodys := toldAt(t, h, "web:zed", validVIN)
	if !strings.Contains(someoneElses, "could not confirm") {
		t.Errorf("eve told %q", someoneElses)
	}
	first := func(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }
	if first(someoneElses) != first(nobodys) {
		t.Errorf("not verified reads differently:\n%q\n%q", first(someoneElses), first(nobodys))
	}
	if s := h.session(t, "web:eve"); s.Ownership.Result != string(bot.OwnershipUnverified) || s.Ownership.VIN != vinAnn {
		t.Errorf("session ownership %+v", s.Ownership)
	}
}

// An edited VIN is checked again, and the case carries the last answer.
func TestOwnershipCheckedAgainWhenTheVINIsEdited(t *testing.T) {
	h, _ := ownershipHarness(t, bot.VerifyFlag, nil)
	h.intake(t, "web:ann", false, map[string]string{"vin": validVIN})
	if s := h.session(t, "web:ann"); s.Ownership.Result != string(bot.OwnershipUnverified) {
		t.Fatalf("ownership %+v", s.Ownership)
	}
	h.press(t, "web:ann", conversation.ActionEdit, "vin")
	if got := texts(h.say(t, "web:ann", vinAnn)); !strings.Contains(got, "registered to you") {
		t.Errorf("after the edit the owner is told %q", got)
	}
	h.press(t, "web:ann", conversation.ActionSubmit, "")
	id := h.session(t, "web:ann").CaseID
	card, ok := h.msgr.card(id)
	if !ok || card.Ownership != bot.OwnershipVerified {
		t.Fatalf("card posted %v, ownership %q", ok, card.Ownership)
	}
}

// flag: a case not verified is posted at once and says so on its card.
func TestFlagPostsAndShows(t *testing.T) {
	h, _ := ownershipHarness(t, bot.VerifyFlag, nil)
	id := h.intake(t, "web:eve", true, map[string]string{"vin": vinAnn})
	card, ok := h.msgr.card(id)
	if !ok || card.Status != bot.StatusOpen || card.Ownership != bot.OwnershipUnverified {
		t.Fatalf("card %v: %s %q", ok, card.Status, card.Ownership)
	}
	// ann's own case of the vehicle is not joined to eve's, nor told of it.
	annID := h.intake(t, "web:ann", true, map[string]string{"vin": vinAnn})
	if annID == id {
		t.Fatal("the owner's case was attached to an unverified one")
	}
	if c, ok := h.msgr.card(annID); !ok || c.Ownership != bot.OwnershipVerified {
		t.Fatalf("ann's card %v %q", ok, c.Ownership)
	}
}

// require: a case not verified is held (pending, no card, listed) until a moderator verifies
// its owner; then it is posted and its owner told. Unverify takes it back on the card.
func TestHeldUntilVerified(t *testing.T) {
	h, _ := ownershipHarness(t, bot.VerifyRequire, nil)
	id := h.intake(t, "web:eve", true, map[string]string{"vin": validVIN})
	if got := texts(h.msgr.toOwner("web:eve")) + texts(h.say(t, "web:eve", "any news?")); !strings.Contains(got, "waits for a moderator") {
		t.Errorf("held owner told %q", got)
	}
	if _, ok := h.msgr.card(id); ok {
		t.Fatal("a held case was posted")
	}
	c, err := h.cases.Get(context.Background(), id)
	if err != nil || c.Status != bot.StatusPending {
		t.Fatalf("case %s: %v", c.Status, err)
	}
	if out := h.run(t, "/escalations list pending"); !strings.Contains(out, id) {
		t.Errorf("list pending = %q", out)
	}
	if out := h.run(t, "/escalations show "+id); !strings.Contains(out, "Ownership: unverified") || !strings.Contains(out, "pending") {
		t.Errorf("show = %q", out)
	}
	if out := h.run(t, "/escalations list"); strings.Contains(out, id) {
		t.Errorf("list (open) shows the held case: %q", out)
	}
	// Running the due queue does not post it either.
	h.clock.Advance(time.Minute)
	if _, err := h.svc.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.msgr.card(id); ok {
		t.Fatal("the due queue posted a held case")
	}

	if _, err := h.svc.Command(context.Background(), bot.Actor{ID: "web:eve"}, "/escalations verify web:eve "+validVIN); bot.ErrorCode(err) != bot.CodeForbidden {
		t.Errorf("an owner verified themselves: %v", err)
	}
	if _, err := h.svc.Command(context.Background(), bot.Actor{ID: "web:mod"}, "/escalations verify web:eve NOTAVIN"); bot.ErrorCode(err) != bot.CodeInvalid {
		t.Errorf("a bad VIN: %v", err)
	}
	out := h.run(t, "/escalations verify web:eve "+strings.ToLower(validVIN))
	if !strings.Contains(out, id) {
		t.Errorf("verify answered %q", out)
	}
	card, ok := h.msgr.card(id)
	if !ok || card.Status != bot.StatusOpen || card.Ownership != bot.OwnershipVerified {
		t.Fatalf("after verify: card %v %s %q", ok, card.Status, card.Ownership)
	}
	if got := texts(h.msgr.toOwner("web:eve")); !strings.Contains(got, "is now with the team") {
		t.Errorf("owner told %q", got)
	}
	h.run(t, "/escalations unverify web:eve "+validVIN)
	if card, _ := h.msgr.card(id); card.Ownership != bot.OwnershipUnverified || card.Status != bot.StatusOpen {
		t.Errorf("after unverify: %s %q", card.Status, card.Ownership)
	}
	if _, err := h.svc.Command(context.Background(), bot.Actor{ID: "web:mod"}, "/escalations unverify web:eve "+validVIN); bot.ErrorCode(err) != bot.CodeNotFound {
		t.Errorf("unverify twice: %v", err)
	}
}

// A held case may be closed with a reason the owner reads: it is never dropped silently.
func TestHeldCaseClosed(t *testing.T) {
	h, _ := ownershipHarness(t, bot.VerifyRequire, nil)
	id := h.intake(t, "web:eve", true, map[string]string{"vin": validVIN})
	h.run(t, "/escalations close "+id+" not an owner")
	if got := texts(h.msgr.toOwner("web:eve")); !strings.Contains(got, "not an owner") {
		t.Errorf("owner told %q", got)
	}
	// The owner may start over.
	if got := texts(h.say(t, "web:eve", "hello again")); strings.Contains(got, id) {
		t.Errorf("after the close: %q", got)
	}
}

// The registration photo: the owner sends it, moderators see it with Approve and Reject, and
// the owner hears the outcome; an approval lets the held case through.
func TestProofApprovedAndRejected(t *testing.T) {
	h, wall := ownershipHarness(t, bot.VerifyRequire, nil)
	ctx := context.Background()
	mod := bot.Actor{ID: "web:mod", Name: "mod"}
	photo := bot.File{Name: "registration.jpg", ContentType: "image/jpeg", Data: []byte("\xff\xd8\xff\xe0 a photo")}

	// Nothing to prove: the owner is told so.
	if got, err := h.svc.SubmitProof(ctx, "web:ann", "ann", photo); err != nil || !strings.Contains(texts(got), "no photo is needed") {
		t.Fatalf("%q %v", texts(got), err)
	}
	id := h.intake(t, "web:eve", true, map[string]string{"vin": validVIN})
	if _, err := h.svc.SubmitProof(ctx, "web:eve", "eve", bot.File{Name: "x.exe", ContentType: "application/octet-stream", Data: []byte("MZ")}); bot.ErrorCode(err) != bot.CodeInvalid {
		t.Fatalf("not a photo: %v", err)
	}
	got, err := h.svc.SubmitProof(ctx, "web:eve", "eve", photo)
	if err != nil || !strings.Contains(texts(got), "moderator will look") {
		t.Fatalf("%q %v", texts(got), err)
	}
	shown := wall.shown()
	if len(shown) != 1 || shown[0].CaseID != id || shown[0].VIN != validVIN || len(shown[0].Buttons()) != 2 {
		t.Fatalf("shown %+v", shown)
	}
	if _, err := h.svc.DecideProof(ctx, bot.Actor{ID: "web:eve"}, shown[0].ID, true); bot.ErrorCode(err) != bot.CodeForbidden {
		t.Fatalf("the owner approved their own photo: %v", err)
	}
	if _, err := h.svc.DecideProof(ctx, mod, shown[0].ID, false); err != nil {
		t.Fatal(err)
	}
	if got := texts(h.msgr.toOwner("web:eve")); !strings.Contains(got, "could not confirm from the photo") {
		t.Errorf("rejected owner told %q", got)
	}
	if _, err := h.svc.DecideProof(ctx, mod, shown[0].ID, true); bot.ErrorCode(err) != bot.CodeConflict {
		t.Errorf("decided twice: %v", err)
	}
	if _, ok := h.msgr.card(id); ok {
		t.Fatal("a rejected photo let the case through")
	}

	// A clearer photo, approved.
	if _, err := h.svc.SubmitProof(ctx, "web:eve", "eve", photo); err != nil {
		t.Fatal(err)
	}
	waiting, err := h.svc.WaitingProofs(ctx, mod)
	if err != nil || len(waiting) != 1 {
		t.Fatalf("waiting %+v %v", waiting, err)
	}
	p, err := h.svc.ProofPhoto(ctx, mod, waiting[0].ID)
	if err != nil || string(p.Photo.Data) != string(photo.Data) || p.Photo.ContentType != "image/jpeg" {
		t.Fatalf("photo %+v %v", p.Photo, err)
	}
	if _, err := h.svc.DecideProof(ctx, mod, waiting[0].ID, true); err != nil {
		t.Fatal(err)
	}
	card, ok := h.msgr.card(id)
	if !ok || card.Status != bot.StatusOpen || card.Ownership != bot.OwnershipVerified {
		t.Fatalf("after approval: card %v %s %q", ok, card.Status, card.Ownership)
	}
	if got := texts(h.msgr.toOwner("web:eve")); !strings.Contains(got, "confirmed that the vehicle is yours") {
		t.Errorf("approved owner told %q", got)
	}
	if w, _ := h.svc.WaitingProofs(ctx, mod); len(w) != 0 {
		t.Errorf("still waiting: %+v", w)
	}
}

// A CRM that fails makes ownership unknown: the owner is told, and require holds the case.
func TestUnknownHolds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	t.Cleanup(srv.Close)
	c, err := ownercrm.New(ownercrm.Config{URL: srv.URL, Secret: "0123456789abcdef-crm"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := ownershipHarness(t, bot.VerifyRequire, c)
	if got := toldAt(t, h, "web:ann", vinAnn); !strings.Contains(got, "could not check just now") {
		t.Errorf("owner told %q", got)
	}
	id := h.intake(t, "web:ann", true, map[string]string{"vin": vinAnn})
	cs, err := h.cases.Get(context.Background(), id)
	if err != nil || cs.Status != bot.StatusPending || cs.Ownership != bot.OwnershipUnknown {
		t.Fatalf("case %s %q %v", cs.Status, cs.Ownership, err)
	}
}

// A moderator's verify of a posted case makes it hold its vehicle's index, as a case verified
// at submission does: another verified owner's report of the vehicle joins it. Unverify lets go.
func TestVerifyClaimsTheVehicle(t *testing.T) {
	h, _ := ownershipHarness(t, bot.VerifyFlag, nil)
	eve := h.intake(t, "web:eve", true, map[string]string{"vin": vinAnn})
	if out := h.run(t, "/escalations verify web:eve "+vinAnn); !strings.Contains(out, eve) {
		t.Fatalf("verify answered %q", out)
	}
	h.intake(t, "web:ann", false, map[string]string{"vin": vinAnn})
	if got := texts(h.press(t, "web:ann", conversation.ActionSubmit, "")); !strings.Contains(got, eve) {
		t.Fatalf("ann's report of the vehicle, told %q", got)
	}
	if c, _ := h.cases.Get(context.Background(), eve); len(c.Watchers) == 0 {
		t.Errorf("ann's report did not join %s: %+v", eve, c.Watchers)
	}
	if id := h.session(t, "web:ann").CaseID; id != eve {
		t.Errorf("ann's session points at %s, want %s", id, eve)
	}

	h.run(t, "/escalations unverify web:eve "+vinAnn)
	h.run(t, "/escalations verify web:zed "+vinAnn)
	if zed := h.intake(t, "web:zed", true, map[string]string{"vin": vinAnn}); zed == eve {
		t.Errorf("after unverify a verified owner's report still joins %s", eve)
	}
}

// Under require, a flow whose VIN step may be skipped: an intake without a VIN is held, its
// owner told; the registration sent in the chat goes to the moderators, and verify without a
// VIN (or the photo's approval) lets the case through. A VIN is refused where none is needed.
func TestHeldWithoutAVIN(t *testing.T) {
	tests := []struct {
		name    string
		approve func(t *testing.T, h *harness, wall *proofWall)
	}{
		{"verify without a VIN", func(t *testing.T, h *harness, _ *proofWall) {
			if _, err := h.svc.Command(context.Background(), bot.Actor{ID: "web:mod"}, "/escalations verify web:ann"); bot.ErrorCode(err) != bot.CodeNotFound {
				t.Errorf("verify of an owner without such a case: %v", err)
			}
			if out := h.run(t, "/escalations verify web:eve"); !strings.Contains(out, "without a VIN") {
				t.Errorf("verify answered %q", out)
			}
		}},
		{"the photo approved", func(t *testing.T, h *harness, wall *proofWall) {
			h.send(t, "web:eve", "ev-reg", "", bot.Upload{Name: "registration.png", Data: pngFile})
			shown := wall.shown()
			if len(shown) != 1 || shown[0].VIN != "" {
				t.Fatalf("shown %+v", shown)
			}
			if _, err := h.svc.DecideProof(context.Background(), bot.Actor{ID: "web:mod", Name: "mod"}, shown[0].ID, true); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, wall := ownershipHarness(t, bot.VerifyRequire, nil)
			flow := conversation.DefaultFlow()
			flow.StepFor(conversation.RoleVIN).Optional = true
			h.rebuild(t, func(p *bot.Params) { p.Engine = conversation.NewEngine(flow) })
			id := h.intake(t, "web:eve", true, map[string]string{"vin": "skip"})
			c, err := h.cases.Get(context.Background(), id)
			if err != nil || c.Status != bot.StatusPending || c.VIN != "" {
				t.Fatalf("case %s VIN %q: %v", c.Status, c.VIN, err)
			}
			if got := texts(h.say(t, "web:eve", "any news?")); !strings.Contains(got, "waits for a moderator to confirm") {
				t.Errorf("held owner told %q", got)
			}
			tt.approve(t, h, wall)
			card, ok := h.msgr.card(id)
			if !ok || card.Status != bot.StatusOpen || card.Ownership != bot.OwnershipVerified {
				t.Fatalf("after the approval: card %v %s %q", ok, card.Status, card.Ownership)
			}
			if got := texts(h.msgr.toOwner("web:eve")); !strings.Contains(got, "is now with the team") {
				t.Errorf("owner told %q", got)
			}
		})
	}
}
