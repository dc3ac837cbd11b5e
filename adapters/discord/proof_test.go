package discord

import (
	"bytes"
	"strings"
	"testing"

	"escalation-bot/adapters/ownersfile"
	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/redistest"

	"github.com/bwmarrin/discordgo"
)

// The registration photo on Discord: posted in the escalation channel, attached, with Approve
// and Reject; only a moderator's click counts, and an approval posts the held case and tells
// the owner.
func TestProofOnDiscord(t *testing.T) {
	owners, err := ownersfile.FromData("owners.csv", []byte("web:ann,5YJ3E1EA4KF317001\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, withParams(func(p *bot.Params, r *redistest.Redis) {
		p.Config.VerifyOwner = bot.VerifyRequire
		p.Ownership = owners
		p.Verifications = redisstore.NewVerifications(r.Client, redisstore.Config{Tenant: r.Tenant})
	}))
	id := e.intake(eve, nil)
	e.waitShown(dmOf(eve), "a moderator confirms that the vehicle is yours")
	if msgs := e.botMessages(escChannel); len(msgs) != 0 {
		t.Fatalf("a held case was posted:\n%s", e.dump(escChannel))
	}
	photo := bot.File{Name: "registration.png", ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n photo")}
	if _, err := e.svc.SubmitProof(t.Context(), "discord:"+eve, "Eve", photo); err != nil {
		t.Fatal(err)
	}
	msg := e.waitShown(escChannel, "Registration photo from Eve")
	if !strings.Contains(text(msg), id) {
		t.Errorf("proof message %q names no case", text(msg))
	}
	files := e.fake.Attachments(escChannel)
	if len(files) != 1 || string(files[0].Data) != string(photo.Data) {
		t.Fatalf("attachments %+v", files)
	}
	var approve string
	for _, c := range components(msg) {
		if strings.HasPrefix(c.CustomID, casePrefix+"|"+bot.ActionApproveOwner+"|") {
			approve = c.CustomID
		}
	}
	if approve == "" {
		t.Fatalf("no Approve on %+v", components(msg))
	}
	refused := e.interact(fakediscord.ButtonClick(memberInv(dana), escChannel, msg.ID, approve))
	if got := strings.Join(e.followups(refused), " "); !strings.Contains(got, "Only moderators") {
		t.Errorf("a member's click answered %q", got)
	}
	if c := e.getCase(id); c.Status != bot.StatusPending {
		t.Fatalf("a member's click moved the case to %s", c.Status)
	}
	done := e.interact(fakediscord.ButtonClick(memberInv(mod, modRole), escChannel, msg.ID, approve))
	if got := strings.Join(e.followups(done), " "); !strings.Contains(got, "Approved") {
		t.Errorf("the moderator's click answered %q", got)
	}
	if c := e.getCase(id); c.Status != bot.StatusOpen || c.Ownership != bot.OwnershipVerified {
		t.Fatalf("after approval: %s %q", c.Status, c.Ownership)
	}
	e.card(id)
	e.waitShown(dmOf(eve), "is now with the team")
}

// The registration attached in the DM of a held case: the moderators see it in the escalation
// channel with Approve and Reject, the owner is told it arrived, and an approval posts the card
// and tells the owner; the photo never reaches the case's thread.
func TestProofAttachedInTheDM(t *testing.T) {
	owners, err := ownersfile.FromData("owners.csv", []byte("web:ann,5YJ3E1EA4KF317001\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, withParams(func(p *bot.Params, r *redistest.Redis) {
		p.Config.VerifyOwner = bot.VerifyRequire
		p.Ownership = owners
		p.Verifications = redisstore.NewVerifications(r.Client, redisstore.Config{Tenant: r.Tenant})
		p.Files = redisstore.NewFiles(r.Client, redisstore.Config{Tenant: r.Tenant})
	}))
	id := e.intake(eve, nil)
	e.waitShown(dmOf(eve), "a moderator confirms that the vehicle is yours")
	e.dmFiles(eve, "my registration", e.fake.HostAttachment("registration.png", "image/png", discordPNG))
	e.waitShown(dmOf(eve), "A moderator will look at the photo")
	msg := e.waitShown(escChannel, "Registration photo from Eve")
	if !strings.Contains(text(msg), id) {
		t.Errorf("proof message %q names no case", text(msg))
	}
	if files := e.fake.Attachments(escChannel); len(files) != 1 || !bytes.Equal(files[0].Data, discordPNG) {
		t.Fatalf("attachments in the escalation channel: %d", len(files))
	}
	var approve string
	for _, c := range components(msg) {
		if strings.HasPrefix(c.CustomID, casePrefix+"|"+bot.ActionApproveOwner+"|") {
			approve = c.CustomID
		}
	}
	if approve == "" {
		t.Fatalf("no Approve on %+v", components(msg))
	}
	done := e.interact(fakediscord.ButtonClick(memberInv(mod, modRole), escChannel, msg.ID, approve))
	if got := strings.Join(e.followups(done), " "); !strings.Contains(got, "Approved") {
		t.Errorf("the moderator's click answered %q", got)
	}
	if c := e.getCase(id); c.Status != bot.StatusOpen || c.Ownership != bot.OwnershipVerified {
		t.Fatalf("after approval: %s %q", c.Status, c.Ownership)
	}
	e.card(id)
	e.waitShown(dmOf(eve), "is now with the team")
	if files := e.fake.Attachments(e.cardID(id)); len(files) != 0 {
		t.Errorf("%d file(s) in the case's thread", len(files))
	}
	if files := e.fake.Attachments(escChannel); len(files) != 1 {
		t.Errorf("%d attachments in the escalation channel, want the proof once", len(files))
	}
}

// forget takes the owner's registration photo back from the escalation channel: the message
// with the photo and its buttons is deleted, and the store forgets the photo.
func TestForgetTakesProofOnDiscord(t *testing.T) {
	owners, err := ownersfile.FromData("owners.csv", []byte("web:ann,5YJ3E1EA4KF317001\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, withParams(func(p *bot.Params, r *redistest.Redis) {
		p.Config.VerifyOwner = bot.VerifyRequire
		p.Ownership = owners
		p.Verifications = redisstore.NewVerifications(r.Client, redisstore.Config{Tenant: r.Tenant})
	}))
	e.intake(eve, nil)
	photo := bot.File{Name: "registration.png", ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n photo")}
	if _, err := e.svc.SubmitProof(t.Context(), "discord:"+eve, "Eve", photo); err != nil {
		t.Fatal(err)
	}
	e.waitShown(escChannel, "Registration photo from Eve")
	got := e.command(memberInv(mod, modRole), "forget", fakediscord.StringOption("user", "<@"+eve+">"))
	if len(got) != 1 || !strings.Contains(got[0], "forgotten") {
		t.Fatalf("answer %q", got)
	}
	for _, m := range e.botMessages(escChannel) {
		if m.Flags&discordgo.MessageFlagsEphemeral != 0 {
			continue // the moderator's own answer
		}
		if strings.Contains(text(m), "Eve") || strings.Contains(text(m), eve) {
			t.Errorf("message %s still names the owner: %s", m.ID, text(m))
		}
	}
	if n := len(e.fake.Attachments(escChannel)); n != 0 {
		t.Errorf("%d files left in the escalation channel", n)
	}
	for key, w := range e.rds.Traces(t, eve) {
		t.Errorf("%s still holds %q", key, w)
	}
	e.fake.AssertNoViolations(t)
}
