package slack

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"escalation-bot/adapters/ownersfile"
	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/redistest"
)

// requireOwners holds cases whose owner is not in an owners file that lists nobody here.
func requireOwners(t *testing.T) option {
	owners, err := ownersfile.FromData("owners.csv", []byte("web:ann,5YJ3E1EA4KF317001\n"))
	if err != nil {
		t.Fatal(err)
	}
	return withParams(func(p *bot.Params, r *redistest.Redis) {
		p.Config.VerifyOwner = bot.VerifyRequire
		p.Ownership = owners
		p.Verifications = redisstore.NewVerifications(r.Client, redisstore.Config{Tenant: r.Tenant})
	})
}

// The registration photo on Slack: shared in the escalation channel with Approve and Reject;
// only a moderator's click counts, and an approval posts the held case and tells the owner.
func TestProofOnSlack(t *testing.T) {
	e := newEnv(t, requireOwners(t))
	id := e.intake(eve, nil)
	if len(e.posts(escChannel)) != 0 {
		t.Fatalf("a held case was posted:\n%s", e.dump("chat.postMessage"))
	}
	e.waitShown("chat.postMessage", dmOf(eve), "a moderator confirms that the vehicle is yours")
	photo := bot.File{Name: "registration.jpg", ContentType: "image/jpeg", Data: []byte("\xff\xd8\xff\xe0 photo")}
	if _, err := e.svc.SubmitProof(t.Context(), identity(team, eve), "Eve", photo); err != nil {
		t.Fatal(err)
	}
	files := e.fake.Files(escChannel)
	if len(files) != 1 || string(files[0].Data) != string(photo.Data) {
		t.Fatalf("files shared: %+v", files)
	}
	posts := e.posts(escChannel)
	if len(posts) != 1 {
		t.Fatalf("posts: %s", e.dump("chat.postMessage"))
	}
	var approve, reject shownButton
	for _, b := range buttonsOf(posts[0]) {
		switch b.ActionID {
		case caseActionID(bot.ActionApproveOwner):
			approve = b
		case caseActionID(bot.ActionRejectOwner):
			reject = b
		}
	}
	if approve.Value == "" || reject.Value != approve.Value || !strings.Contains(shown(posts[0]), id) {
		t.Fatalf("proof message %q with buttons %+v", shown(posts[0]), buttonsOf(posts[0]))
	}
	// Not a moderator: refused, privately, and nothing changes.
	e.interact(dana, "dana", escChannel, posts[0].Form.Get("ts"), fakeslack.Action{ActionID: approve.ActionID, Value: approve.Value})
	e.waitShown("chat.postEphemeral", escChannel, "Only moderators")
	if c := e.getCase(id); c.Status != bot.StatusPending {
		t.Fatalf("a non-moderator's click moved the case to %s", c.Status)
	}
	e.interact(mod, "mo", escChannel, posts[0].Form.Get("ts"), fakeslack.Action{ActionID: approve.ActionID, Value: approve.Value})
	e.waitShown("chat.postEphemeral", escChannel, "Approved")
	if c := e.getCase(id); c.Status != bot.StatusOpen || c.Ownership != bot.OwnershipVerified {
		t.Fatalf("after approval: %s %q", c.Status, c.Ownership)
	}
	e.cardTS(id) // the card is posted now
	e.waitShown("chat.postMessage", dmOf(eve), "is now with the team")
}

// The registration shared in the DM of a held case: the moderators see it in the escalation
// channel with Approve and Reject, the owner is told it arrived, and an approval posts the
// card and tells the owner; the photo never reaches the case's thread.
func TestProofSharedInTheDM(t *testing.T) {
	e := newEnv(t, requireOwners(t), withFiles())
	id := e.intake(eve, nil)
	e.waitShown("chat.postMessage", dmOf(eve), "a moderator confirms that the vehicle is yours")
	e.share("EvReg", eve, "my registration", e.fake.UserFile("registration.png", "image/png", slackPNG))
	e.share("EvReg", eve, "my registration", e.fake.UserFile("registration.png", "image/png", slackPNG)) // delivered again
	e.waitShown("chat.postMessage", dmOf(eve), "A moderator will look at the photo")
	files := e.fake.WaitFiles(t, escChannel, 1, 10*time.Second)
	posts := e.posts(escChannel)
	if len(posts) != 1 || !bytes.Equal(files[0].Data, slackPNG) {
		t.Fatalf("%d file(s), posts:\n%s", len(files), e.dump("chat.postMessage"))
	}
	var approve shownButton
	for _, b := range buttonsOf(posts[0]) {
		if b.ActionID == caseActionID(bot.ActionApproveOwner) {
			approve = b
		}
	}
	if approve.Value == "" || !strings.Contains(shown(posts[0]), id) {
		t.Fatalf("proof message %q with buttons %+v", shown(posts[0]), buttonsOf(posts[0]))
	}
	e.interact(mod, "mo", escChannel, posts[0].Form.Get("ts"), fakeslack.Action{ActionID: approve.ActionID, Value: approve.Value})
	e.waitShown("chat.postEphemeral", escChannel, "Approved")
	card := e.cardTS(id)
	e.waitShown("chat.postMessage", dmOf(eve), "is now with the team")
	if c := e.getCase(id); c.Status != bot.StatusOpen || c.Ownership != bot.OwnershipVerified {
		t.Fatalf("after approval: %s %q", c.Status, c.Ownership)
	}
	for _, f := range e.fake.Files(escChannel) {
		if f.ThreadTS == card {
			t.Errorf("a file in the case's thread: %+v", f)
		}
	}
	if n := len(e.fake.Files(escChannel)); n != 1 {
		t.Errorf("%d files in the escalation channel, want the proof once", n)
	}
	e.fake.AssertNoViolations(t)
}

// An owners file may name a Slack owner by the e-mail address of their profile.
func TestOwnerNamedByEmail(t *testing.T) {
	owners, err := ownersfile.FromData("owners.csv", []byte("eve@example.com,"+answers["vin"]+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, beforeStart(func(s *fakeslack.Server) { s.SetUserEmail(eve, "Eve@Example.com") }),
		withParams(func(p *bot.Params, r *redistest.Redis) {
			p.Config.VerifyOwner = bot.VerifyRequire
			p.Ownership = owners
			p.Verifications = redisstore.NewVerifications(r.Client, redisstore.Config{Tenant: r.Tenant})
		}))
	id := e.intake(eve, nil)
	e.waitShown("chat.postMessage", dmOf(eve), "registered to you")
	if c := e.getCase(id); c.Status != bot.StatusOpen || c.Ownership != bot.OwnershipVerified {
		t.Fatalf("case %s %q", c.Status, c.Ownership)
	}
	e.cardTS(id)
	// Without the address (another owner), the same VIN is not verified.
	other := e.intake(owner1, map[string]string{"vin": answers["vin"]})
	if c := e.getCase(other); c.Status != bot.StatusPending {
		t.Errorf("an owner without the address: %s", c.Status)
	}
}

// forget takes the owner's registration photo back from the escalation channel: the photo is
// deleted with its share, the message with Approve and Reject goes, and the store forgets it.
func TestForgetTakesProofOnSlack(t *testing.T) {
	e := newEnv(t, requireOwners(t))
	e.intake(eve, nil)
	photo := bot.File{Name: "registration.jpg", ContentType: "image/jpeg", Data: []byte("\xff\xd8\xff\xe0 photo")}
	if _, err := e.svc.SubmitProof(t.Context(), identity(team, eve), "Eve", photo); err != nil {
		t.Fatal(err)
	}
	if len(e.fake.Files(escChannel)) != 1 {
		t.Fatal("the photo was never shared: the test checks nothing")
	}
	got := e.command(mod, "mo", "C1", "/escalations", "forget <@"+eve+"|eve>")
	if len(got) != 1 || !strings.Contains(got[0], "forgotten") {
		t.Fatalf("answer %q", got)
	}
	if files := e.fake.Files(escChannel); len(files) != 0 {
		t.Errorf("files left in the escalation channel: %+v", files)
	}
	for _, m := range e.fake.Messages(escChannel) {
		if strings.Contains(m.Text+string(m.Blocks), "Registration photo") {
			t.Errorf("message %s still shows the photo's words: %s", m.TS, m.Text)
		}
	}
	for key, w := range e.rds.Traces(t, eve) {
		t.Errorf("%s still holds %q", key, w)
	}
	e.fake.AssertNoViolations(t)
}
