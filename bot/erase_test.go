package bot_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"escalation-bot/adapters/webhook"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// What an owner told the bot, and the words of messages about them: none of it may be left
// anywhere in the tenant's keys after an erasure.
var ownerTraces = []string{"zoltanq", validVIN, "Quirinus", "stopped charging", "SR-20931", "Austin", "loaner", "45,000"}

// noTraces fails the test for every key of the tenant that still holds one of the words.
func noTraces(t *testing.T, rds *redistest.Redis, words ...string) {
	t.Helper()
	for key, w := range rds.Traces(t, words...) {
		t.Errorf("%s still holds %q", key, w)
	}
}

// relayed runs an owner's case to the point where everything about them is spread around:
// a card, a claim, messages both ways, and the dialogue.
func relayed(t *testing.T, h *harness, owner bot.Identity) string {
	t.Helper()
	ctx := context.Background()
	id := h.intake(t, owner, true, nil)
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	if _, err := h.svc.Claim(ctx, dana, id); err != nil {
		t.Fatal(err)
	}
	h.say(t, owner, "My neighbour Quirinus saw smoke from the charge port.")
	h.send(t, owner, "ev-erase-photo", "", bot.Upload{Name: "loaner contract.png", Type: "image/png", Data: pngFile})
	if _, err := h.svc.Reply(ctx, dana, id, "Thanks zoltanq, tell Quirinus we are on it."); err != nil {
		t.Fatal(err)
	}
	return id
}

// A moderator's forget leaves nothing of the owner in Redis: not in the case, its history,
// its transcript, the session, the dialogue or the due queue. The card is updated, the
// history records the erasure, and webhook events not sent yet go out erased.
func TestForgetLeavesNoTrace(t *testing.T) {
	receiver := &crm{t: t, down: 1000}
	srv := httptest.NewServer(receiver)
	defer srv.Close()
	hooks, err := webhook.New(webhook.Config{URLs: []string{srv.URL}, Secret: "crm-secret"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rds := redistest.New(t)
	h := newHarness(t, rds)
	h.rebuild(t, func(p *bot.Params) { p.Hooks = []bot.Hook{hooks[0]} })
	ctx := context.Background()
	owner := bot.Identity("web:zoltanq")
	id := relayed(t, h, owner)
	if len(rds.Traces(t, ownerTraces...)) == 0 {
		t.Fatal("the owner's words were never stored: the test checks nothing")
	}

	if _, err := h.svc.Command(ctx, bot.Actor{ID: "web:dana", Name: "Dana"}, "forget "+string(owner)); bot.ErrorCode(err) != bot.CodeForbidden {
		t.Fatalf("an executive who is no moderator forgot an owner: %v", err)
	}
	mod := bot.Actor{ID: "web:mod", Name: "Mo"}
	answer, err := h.svc.Command(ctx, mod, "/escalations forget "+string(owner))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(answer, "1 case was erased") {
		t.Fatalf("answer %q", answer)
	}
	receiver.mu.Lock()
	receiver.down = 0
	receiver.mu.Unlock()
	for range 30 {
		if strings.HasSuffix(receiver.types(), "owner.forgotten") {
			break
		}
		h.tick(t, time.Minute)
	}
	noTraces(t, rds, ownerTraces...)

	c, err := h.cases.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.ErasedAt.IsZero() || c.Status != bot.StatusClosed || c.Owner != "" || c.VIN != "" {
		t.Fatalf("case after erasure: %+v", c)
	}
	card, _ := h.msgr.card(id)
	if card.Owner != bot.ErasedName || card.Title != bot.ErasedName || card.Summary != "" || card.Status != bot.StatusClosed {
		t.Fatalf("card not updated: %+v", card)
	}
	for _, f := range card.Fields {
		if f.Key == "vin" || f.Key == "description" {
			if f.Value != "" {
				t.Fatalf("card still shows %s: %q", f.Key, f.Value)
			}
		}
		if f.Key == "category" && f.Value == "" {
			t.Fatal("a choice was erased; choices stay for the statistics")
		}
	}
	entries, err := h.cases.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Action != "erase" || last.Actor != mod.ID || last.Name != "Mo" || !last.At.Equal(h.clock.Now().Truncate(time.Millisecond)) && last.At.IsZero() {
		t.Fatalf("the history does not say who erased it: %+v", last)
	}
	if _, err := h.svc.Reopen(ctx, mod, id); bot.ErrorCode(err) != bot.CodeConflict {
		t.Fatalf("an erased case was reopened: %v", err)
	}
	if h.session(t, owner).Stage != "" {
		t.Fatal("the session survived")
	}

	types := receiver.types()
	if !strings.HasPrefix(types, "case.created,case.claimed,case.message,case.message") || !strings.HasSuffix(types, "owner.forgotten") {
		t.Fatalf("webhook events %s", types)
	}
	receiver.mu.Lock()
	defer receiver.mu.Unlock()
	for _, ev := range receiver.got {
		data, _ := json.Marshal(ev)
		for _, w := range ownerTraces {
			if strings.Contains(strings.ToLower(string(data)), strings.ToLower(w)) {
				t.Errorf("webhook %s sent after the erasure carries %q", ev.Type, w)
			}
		}
	}
	if ev := receiver.got[len(receiver.got)-1]; ev.Case.ID != id || ev.Actor != mod.ID {
		t.Errorf("owner.forgotten event %+v", ev)
	}
}

// forget <user> erases the cases a person only watches too, and only their part there.
func TestForgetWatcher(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	ctx := context.Background()
	id := h.intake(t, "web:ann", true, nil)
	// The same vehicle reported again attaches the second owner to the case.
	if other := h.intake(t, "web:zoltanq", true, nil); other != "" && other != id {
		if c, _ := h.cases.Get(ctx, other); c.Owner == "web:zoltanq" {
			t.Skipf("the second report became case %s, not a watcher", other)
		}
	}
	c, _ := h.cases.Get(ctx, id)
	if !slices.Contains(c.Watchers, "web:zoltanq") {
		t.Fatalf("watchers %v", c.Watchers)
	}
	if _, err := h.svc.Command(ctx, bot.Actor{ID: "web:mod", Name: "Mo"}, "forget web:zoltanq"); err != nil {
		t.Fatal(err)
	}
	noTraces(t, rds, "zoltanq")
	c, _ = h.cases.Get(ctx, id)
	if c.Owner != "web:ann" || c.Status != bot.StatusOpen || !c.ErasedAt.IsZero() || c.Answer("vin") == "" {
		t.Fatalf("the owner's case lost more than the watcher: %+v", c)
	}
}

// An owner's own "forget me" asks first; yes erases everything, no keeps it.
func TestForgetMe(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	ctx := context.Background()
	owner := bot.Identity("web:zoltanq")
	id := relayed(t, h, owner)

	ask := texts(h.say(t, owner, "Forget me"))
	if !strings.Contains(ask, "Reply 'yes' to confirm") {
		t.Fatalf("no confirmation asked: %q", ask)
	}
	if got := texts(h.say(t, owner, "no")); !strings.Contains(got, "Nothing was erased") {
		t.Fatalf("no answered %q", got)
	}
	if c, _ := h.cases.Get(ctx, id); !c.ErasedAt.IsZero() {
		t.Fatal("erased after no")
	}
	// A yes long after the question is a plain message.
	h.say(t, owner, "forget me")
	h.clock.Advance(time.Hour)
	h.say(t, owner, "yes")
	if c, _ := h.cases.Get(ctx, id); !c.ErasedAt.IsZero() {
		t.Fatal("erased by a late yes")
	}

	h.say(t, owner, "forget me")
	done := texts(h.say(t, owner, "yes"))
	if !strings.Contains(done, "what we kept about you is erased") {
		t.Fatalf("yes answered %q", done)
	}
	noTraces(t, rds, ownerTraces...)
	entries, _ := h.cases.Audit(ctx, id)
	if last := entries[len(entries)-1]; last.Action != "erase" || last.Text != "at the owner's request" {
		t.Fatalf("last entry %+v", last)
	}
	// The owner may start again, as anyone new.
	if got := texts(h.say(t, owner, "hello")); strings.Contains(got, id) {
		t.Fatalf("the owner was taken for the erased case's: %q", got)
	}
}

// Forget me during the intake, in German, with the buttons.
func TestForgetMeDuringIntake(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	owner := bot.Identity("web:zoltanq")
	h.say(t, owner, "Hallo, mein Auto lädt nicht mehr")
	h.press(t, owner, conversation.ActionChoose, "understood")
	ask := h.say(t, owner, "vergiss mich")
	if len(ask) != 1 || !strings.Contains(ask[0].Text, "'ja'") || len(ask[0].Buttons) != 2 {
		t.Fatalf("question %+v", ask)
	}
	if got := texts(h.press(t, owner, bot.ActionForget, "yes")); !strings.Contains(got, "gelöscht") {
		t.Fatalf("answer %q", got)
	}
	if h.session(t, owner).Stage != "" {
		t.Fatal("the session survived")
	}
	noTraces(t, rds, "zoltanq", "lädt nicht")
}

// RETENTION erases an ended case through the due queue once it ended that long ago; a case
// reopened meanwhile is left alone.
func TestRetention(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds, func(c *bot.Config) { c.Retention = 30 * 24 * time.Hour })
	ctx := context.Background()
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	mod := bot.Actor{ID: "web:mod", Name: "Mo"}
	owner := bot.Identity("web:zoltanq")
	id := relayed(t, h, owner)
	if _, err := h.svc.Resolve(ctx, dana, id, "Replaced the charger for zoltanq."); err != nil {
		t.Fatal(err)
	}
	other := h.intake(t, "web:ann", true, map[string]string{"vin": "5YJ3E1EA7KF317000"})
	if _, err := h.svc.Command(ctx, mod, "close "+other+" duplicate"); err != nil {
		t.Fatal(err)
	}
	h.tick(t, 10*24*time.Hour)
	if _, err := h.svc.Reopen(ctx, mod, other); err != nil {
		t.Fatal(err)
	}
	if len(h.dueItems(t, bot.DueErase)) == 0 {
		t.Fatal("no retention item queued")
	}

	h.tick(t, 19*24*time.Hour)
	if c, _ := h.cases.Get(ctx, id); !c.ErasedAt.IsZero() {
		t.Fatal("erased before its retention ran out")
	}
	h.tick(t, 24*time.Hour+time.Minute)
	c, _ := h.cases.Get(ctx, id)
	if c.ErasedAt.IsZero() {
		t.Fatalf("not erased after its retention: %+v; queue %v", c, h.dueItems(t, bot.DueErase))
	}
	if c.Status != bot.StatusResolved {
		t.Fatalf("an ended case changed status: %s", c.Status)
	}
	for key, w := range rds.Traces(t, validVIN, "Quirinus", "stopped charging", "charger for", "loaner contract") {
		// The owners' own sessions live on, on their TTL; the other case was reopened.
		if !strings.Contains(key, "dialogue:") && !strings.Contains(key, "conv:") && !strings.HasSuffix(key, other) {
			t.Errorf("%s still holds %q", key, w)
		}
	}
	if o, _ := h.cases.Get(ctx, other); !o.ErasedAt.IsZero() || o.Status != bot.StatusOpen {
		t.Fatalf("a reopened case was erased: %+v", o)
	}
	if left := h.dueItems(t, bot.DueErase); len(left) != 0 {
		t.Fatalf("retention items left: %v", left)
	}
	if acts := h.auditActions(t, id); acts[len(acts)-1] != "erase" {
		t.Fatalf("history %v", acts)
	}
}

// Cases that ended before RETENTION was set are found when the service starts, and erased
// once their retention has run out.
func TestRetentionSweep(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	ctx := context.Background()
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	owner := bot.Identity("web:zoltanq")
	id := relayed(t, h, owner)
	if _, err := h.svc.Resolve(ctx, dana, id, "Fixed."); err != nil {
		t.Fatal(err)
	}
	h.tick(t, 40*24*time.Hour)
	if len(h.dueItems(t, bot.DueErase)) != 0 {
		t.Fatal("a retention item without RETENTION")
	}
	h.rebuild(t, func(p *bot.Params) { p.Config.Retention = 30 * 24 * time.Hour })
	h.svc.SweepRetention(ctx)
	h.tick(t, time.Second)
	if c, _ := h.cases.Get(ctx, id); c.ErasedAt.IsZero() {
		t.Fatal("an ended case past its retention was not erased")
	}
	h.svc.SweepRetention(ctx)
	if left := h.dueItems(t, bot.DueErase); len(left) != 0 {
		t.Fatalf("an erased case was queued again: %v", left)
	}
}

// forget takes the person's registration photos too, waiting or decided, and leaves another
// owner's waiting photo alone.
func TestForgetTakesRegistrationPhotos(t *testing.T) {
	h, _ := ownershipHarness(t, bot.VerifyRequire, nil)
	ctx := context.Background()
	mod := bot.Actor{ID: "web:mod", Name: "Mo"}
	photo := bot.File{Name: "registration.jpg", ContentType: "image/jpeg", Data: []byte("\xff\xd8\xff\xe0 Wilhelmina's registration")}
	h.intake(t, "web:eve", true, map[string]string{"vin": validVIN})
	h.intake(t, "web:ida", true, map[string]string{"vin": vinAnn})
	for _, who := range []bot.Identity{"web:eve", "web:eve", "web:ida"} {
		if _, err := h.svc.SubmitProof(ctx, who, string(who), photo); err != nil {
			t.Fatal(err)
		}
	}
	waiting, err := h.svc.WaitingProofs(ctx, mod)
	if err != nil || len(waiting) != 3 {
		t.Fatalf("waiting %+v %v", waiting, err)
	}
	// One of eve's photos is decided, one still waits: erasure takes both.
	i := slices.IndexFunc(waiting, func(p bot.Proof) bool { return p.Owner == "web:eve" })
	if _, err := h.svc.DecideProof(ctx, mod, waiting[i].ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Command(ctx, mod, "/escalations forget web:eve"); err != nil {
		t.Fatal(err)
	}
	waiting, err = h.svc.WaitingProofs(ctx, mod)
	if err != nil || len(waiting) != 1 || waiting[0].Owner != "web:ida" {
		t.Fatalf("waiting after the erasure: %+v %v", waiting, err)
	}
	for key, w := range h.rds.Traces(t, "web:eve", "Wilhelmina") {
		if strings.Contains(key, ":proof:") && !strings.HasSuffix(key, waiting[0].ID) {
			t.Errorf("%s still holds %q", key, w)
		}
	}
	if _, err := h.svc.ProofPhoto(ctx, mod, waiting[0].ID); err != nil {
		t.Errorf("the other owner's photo: %v", err)
	}
}
