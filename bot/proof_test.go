package bot_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// An owner asked for the registration sends it in the chat: during the intake after the check
// and on a held case, a photo or PDF goes to the moderators as a proof (once, even when the
// event comes again), while a video sent with it stays the case's file; on a held case the
// proof reaches no thread. An approval lets the case through.
func TestProofSentInTheChat(t *testing.T) {
	h, wall := ownershipHarness(t, bot.VerifyRequire, nil)
	ctx := context.Background()
	eve := bot.Identity("web:eve")
	if got := toldAt(t, h, eve, validVIN); !strings.Contains(got, "send a photo of the vehicle's registration here") {
		t.Fatalf("at the VIN the owner is told %q", got)
	}
	step := h.session(t, eve).Step
	var replies []conversation.Reply
	for i := range 2 { // the platform sends the event again
		r := h.send(t, eve, "ev-reg", "", bot.Upload{Name: "registration.png", Type: "image/png", Data: pngFile}, bot.Upload{Name: "noise.mov", Data: movFile})
		if i == 0 {
			replies = r
		}
	}
	got := texts(replies)
	if !strings.Contains(got, "moderator will look at the photo") || !strings.Contains(got, "noise.mov") {
		t.Fatalf("replies to the registration during the intake:\n%s", got)
	}
	shown := wall.shown()
	if len(shown) != 1 || shown[0].VIN != validVIN || shown[0].CaseID != "" || shown[0].Photo.ContentType != "image/png" || len(shown[0].Buttons()) != 2 {
		t.Fatalf("shown to the moderators: %+v", shown)
	}
	if s := h.session(t, eve); len(s.Files) != 1 || s.Step != step {
		t.Fatalf("session after the files: step %q (was %q), files %v", s.Step, step, s.Files)
	}

	id := h.intake(t, eve, true, nil)
	c, err := h.cases.Get(ctx, id)
	if err != nil || c.Status != bot.StatusPending {
		t.Fatalf("case %s: %v", c.Status, err)
	}
	replies = h.send(t, eve, "ev-pdf", "here it is", bot.Upload{Name: "registration.pdf", Data: pdfFile})
	if got := texts(replies); !strings.Contains(got, "moderator will look at the photo") {
		t.Fatalf("replies to the registration on a held case:\n%s", got)
	}
	shown = wall.shown()
	if len(shown) != 2 || shown[1].CaseID != id || shown[1].Photo.ContentType != "application/pdf" {
		t.Fatalf("shown to the moderators: %+v", shown)
	}
	mod := bot.Actor{ID: "web:mod", Name: "mod"}
	if _, err := h.svc.DecideProof(ctx, mod, shown[1].ID, true); err != nil {
		t.Fatal(err)
	}
	card, ok := h.msgr.card(id)
	if !ok || card.Status != bot.StatusOpen || card.Ownership != bot.OwnershipVerified {
		t.Fatalf("after approval: card %v %s %q", ok, card.Status, card.Ownership)
	}
	if got := texts(h.msgr.toOwner(eve)); !strings.Contains(got, "confirmed that the vehicle is yours") {
		t.Errorf("owner told %q", got)
	}
	for _, m := range h.msgr.thread(id) {
		if m.File != nil && strings.HasPrefix(m.File.Name, "registration") {
			t.Errorf("a proof reached the thread: %+v", m)
		}
	}
	if lines := h.dialogueOf(t, eve); !strings.Contains(dialogueText(lines), "registration.pdf (application/pdf, 36 B), for the moderators") {
		t.Errorf("dialogue:\n%s", dialogueText(lines))
	}
}

// A verified owner's photo is the case's file. Under flag the photo sent in the intake after
// the check is the proof, while one sent to the posted case is the case's file: executives may
// have asked for it.
func TestPhotoAProofOrNot(t *testing.T) {
	tests := []struct {
		name  string
		mode  bot.VerifyMode
		owner bot.Identity
		vin   string
		// proofs and lines are the proofs shown and the files in the case's thread.
		proofs, lines int
	}{
		{"verified owner", bot.VerifyRequire, "web:ann", vinAnn, 0, 2},
		{"flag, not verified", bot.VerifyFlag, "web:eve", validVIN, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, wall := ownershipHarness(t, tt.mode, nil)
			toldAt(t, h, tt.owner, tt.vin)
			h.send(t, tt.owner, "ev-1", "", bot.Upload{Name: "dash.png", Data: pngFile})
			id := h.intake(t, tt.owner, true, map[string]string{"vin": tt.vin})
			h.send(t, tt.owner, "ev-2", "", bot.Upload{Name: "more.png", Data: pngFile})
			if n := len(fileLines(h.msgr.thread(id))); n != tt.lines {
				t.Errorf("%d file lines in the thread, want %d", n, tt.lines)
			}
			if shown := wall.shown(); len(shown) != tt.proofs {
				t.Errorf("%d shown as proofs, want %d", len(shown), tt.proofs)
			}
		})
	}
}

func TestProofAbout(t *testing.T) {
	tests := []struct {
		proof bot.Proof
		want  string
	}{
		{bot.Proof{OwnerName: "Eve", Owner: "web:eve", VIN: validVIN},
			"Registration photo from Eve (web:eve) for VIN " + validVIN + ". Does it show that they own the vehicle?"},
		{bot.Proof{OwnerName: "Eve", Owner: "web:eve", VIN: validVIN, CaseID: "ESC-1001"},
			"Registration photo from Eve (web:eve) for VIN " + validVIN + ", case ESC-1001. Does it show that they own the vehicle?"},
		{bot.Proof{OwnerName: "Eve", Owner: "web:eve", CaseID: "ESC-1001"},
			"Registration photo from Eve (web:eve), whose case has no VIN, case ESC-1001. Does it show that they own the vehicle?"},
	}
	for _, tt := range tests {
		if got := tt.proof.About(); got != tt.want {
			t.Errorf("About() = %q, want %q", got, tt.want)
		}
	}
}

// Files an owner sent to a case held for verification, during the intake or since, reach its
// thread when the case is let through, once each.
func TestHeldCaseFilesPostedOnRelease(t *testing.T) {
	h, _ := ownershipHarness(t, bot.VerifyRequire, nil)
	eve := bot.Identity("web:eve")
	h.say(t, eve, "hello")
	h.send(t, eve, "ev-dash", "", bot.Upload{Name: "dash.png", Data: pngFile})
	id := h.intake(t, eve, true, map[string]string{"vin": validVIN})
	if got := texts(h.send(t, eve, "ev-video", "", bot.Upload{Name: "noise.mov", Data: movFile})); !strings.Contains(got, "noise.mov") || !strings.Contains(got, "waits for a moderator") {
		t.Errorf("a video sent to the held case: told %q", got)
	}
	if lines := fileLines(h.msgr.thread(id)); len(lines) != 0 {
		t.Fatalf("file lines of a held case: %+v", lines)
	}
	h.run(t, "/escalations verify web:eve "+validVIN)
	lines := fileLines(h.msgr.thread(id))
	if len(lines) != 2 || lines[0].File.Name != "dash.png" || lines[1].File.Name != "noise.mov" || !bytes.Equal(lines[1].File.Data, movFile) {
		t.Fatalf("file lines in the thread after the release: %+v", lines)
	}
	if h.msgr.doubles != 0 {
		t.Errorf("%d messages sent twice", h.msgr.doubles)
	}
}
