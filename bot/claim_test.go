package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

func TestFiftyConcurrentClaims(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	id := h.intake(t, "web:owner", true, nil)

	const n = 50
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []string
		refusal []string
	)
	for i := range n {
		wg.Go(func() {
			exec := bot.Actor{ID: bot.Identity(fmt.Sprintf("web:exec%d", i)), Name: fmt.Sprintf("Exec %d", i)}
			card, err := h.svc.Claim(ctx, exec, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				winners = append(winners, card.ClaimedByName)
			case bot.ErrorCode(err) == bot.CodeConflict:
				refusal = append(refusal, bot.ErrorMessage(err))
			default:
				t.Errorf("claim by %s: %v", exec.Name, err)
			}
		})
	}
	wg.Wait()
	if len(winners) != 1 || len(refusal) != n-1 {
		t.Fatalf("%d winners, %d refusals; want 1 and %d", len(winners), len(refusal), n-1)
	}
	for _, r := range refusal {
		if !strings.Contains(r, "already claimed by "+winners[0]) {
			t.Fatalf("refusal does not name the winner %q: %q", winners[0], r)
		}
	}
	log, err := h.cases.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	claims := 0
	for _, e := range log {
		if e.Action == "claim" {
			claims++
		}
	}
	if claims != 1 {
		t.Fatalf("%d claim entries in the audit stream, want 1", claims)
	}
	card, _ := h.msgr.card(id)
	if card.Status != bot.StatusClaimed || card.ClaimedByName != winners[0] {
		t.Fatalf("card after claims = %s by %s", card.Status, card.ClaimedByName)
	}
	if got := texts(h.msgr.toOwner("web:owner")); !strings.Contains(got, winners[0]) || strings.Count(got, "is now looking at your case") != 1 {
		t.Fatalf("owner was told:\n%s", got)
	}
}

func TestTransitionsAndPermissions(t *testing.T) {
	h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.Claimers = []string{"web:dana", "web:eve", "role:execs"} })
	ctx := context.Background()
	id := h.intake(t, "web:owner", true, nil)
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	eve := bot.Actor{ID: "web:eve", Name: "Eve"}
	roleExec := bot.Actor{ID: "discord:77", Name: "Ron", Roles: []string{"role:execs"}}
	stranger := bot.Actor{ID: "web:zed", Name: "Zed"}
	mod := bot.Actor{ID: "web:mod", Name: "Mod"}

	steps := []struct {
		name   string
		do     func() (bot.Card, error)
		code   bot.Code // "" for success
		status bot.Status
	}{
		{"stranger may not claim", func() (bot.Card, error) { return h.svc.Claim(ctx, stranger, id) }, bot.CodeForbidden, ""},
		{"release of an open case", func() (bot.Card, error) { return h.svc.Release(ctx, dana, id) }, bot.CodeConflict, ""},
		{"resolve of an open case", func() (bot.Card, error) { return h.svc.Resolve(ctx, dana, id, "done") }, bot.CodeConflict, ""},
		{"dana claims", func() (bot.Card, error) { return h.svc.Claim(ctx, dana, id) }, "", bot.StatusClaimed},
		{"dana claims again", func() (bot.Card, error) { return h.svc.Claim(ctx, dana, id) }, bot.CodeConflict, ""},
		{"eve may not release dana's case", func() (bot.Card, error) { return h.svc.Release(ctx, eve, id) }, bot.CodeForbidden, ""},
		{"eve may not resolve dana's case", func() (bot.Card, error) { return h.svc.Resolve(ctx, eve, id, "x") }, bot.CodeForbidden, ""},
		{"resolve needs a note", func() (bot.Card, error) { return h.svc.Resolve(ctx, dana, id, "  ") }, bot.CodeInvalid, ""},
		{"dana releases", func() (bot.Card, error) { return h.svc.Release(ctx, dana, id) }, "", bot.StatusOpen},
		{"a role member claims", func() (bot.Card, error) { return h.svc.Claim(ctx, roleExec, id) }, "", bot.StatusClaimed},
		{"a moderator resolves anyone's case", func() (bot.Card, error) { return h.svc.Resolve(ctx, mod, id, "sorted by phone") }, "", bot.StatusResolved},
		{"resolved cannot be claimed", func() (bot.Card, error) { return h.svc.Claim(ctx, eve, id) }, bot.CodeConflict, ""},
		{"an executive may not reopen", func() (bot.Card, error) { return h.svc.Reopen(ctx, dana, id) }, bot.CodeForbidden, ""},
		{"a moderator reopens", func() (bot.Card, error) { return h.svc.Reopen(ctx, mod, id) }, "", bot.StatusOpen},
		{"an executive may not close", func() (bot.Card, error) { return h.svc.Close(ctx, dana, id, "spam") }, bot.CodeForbidden, ""},
		{"close needs a reason", func() (bot.Card, error) { return h.svc.Close(ctx, mod, id, "") }, bot.CodeInvalid, ""},
		{"a moderator closes", func() (bot.Card, error) { return h.svc.Close(ctx, mod, id, "duplicate of ESC-1") }, "", bot.StatusClosed},
		{"unknown case", func() (bot.Card, error) { return h.svc.Claim(ctx, dana, "ESC-999999") }, bot.CodeNotFound, ""},
		{"unknown action", func() (bot.Card, error) { return h.svc.ExecAction(ctx, dana, "explode", id, "", "") }, bot.CodeInvalid, ""},
	}
	for _, s := range steps {
		card, err := s.do()
		if s.code == "" {
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if card.Status != s.status {
				t.Fatalf("%s: status %s, want %s", s.name, card.Status, s.status)
			}
			if got, _ := h.msgr.card(id); got.Status != s.status {
				t.Fatalf("%s: the posted card says %s, want %s (not updated in place)", s.name, got.Status, s.status)
			}
			continue
		}
		if bot.ErrorCode(err) != s.code {
			t.Fatalf("%s: err %v (code %s), want code %s", s.name, err, bot.ErrorCode(err), s.code)
		}
		if strings.TrimSpace(bot.ErrorMessage(err)) == "" {
			t.Fatalf("%s: refusal without a message", s.name)
		}
	}
}

func TestRefusalSaysWhenAndWho(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	id := h.intake(t, "web:owner", true, nil)
	if _, err := h.svc.Claim(ctx, bot.Actor{ID: "web:dana", Name: "Dana"}, id); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(3 * time.Minute)
	_, err := h.svc.Claim(ctx, bot.Actor{ID: "web:eve", Name: "Eve"}, id)
	if msg := bot.ErrorMessage(err); msg != id+" is already claimed by Dana (3 min ago)." {
		t.Fatalf("refusal = %q", msg)
	}
}

// An internal failure never shows its text to a user.
func TestInternalErrorsAreNotShown(t *testing.T) {
	err := fmt.Errorf("claim ESC-1: %w", fmt.Errorf("dial tcp 10.0.0.5:6379: connection refused"))
	if strings.Contains(bot.ErrorMessage(err), "10.0.0.5") || bot.ErrorCode(err) != bot.CodeInternal {
		t.Fatalf("internal error shown: %q", bot.ErrorMessage(err))
	}
}

// A Redis outage is an error for the adapter to apologise for, not a panic or a lost case.
func TestRedisDown(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	id := h.intake(t, "web:owner", true, nil)
	down := redistest.Down(t)
	broken := newHarness(t, &redistest.Redis{Client: down, Tenant: rds.Tenant})
	_, err := broken.svc.HandleOwner(context.Background(), bot.OwnerEvent{Owner: "web:x", Text: "hello"})
	if err == nil || bot.ErrorCode(err) != bot.CodeInternal {
		t.Fatalf("owner turn with Redis down: %v", err)
	}
	if _, err := broken.svc.Claim(context.Background(), bot.Actor{ID: "web:dana", Name: "Dana"}, id); err == nil {
		t.Fatal("claim with Redis down succeeded")
	}
	// The real store still has the case, untouched.
	if c, err := h.cases.Get(context.Background(), id); err != nil || c.Status != bot.StatusOpen {
		t.Fatalf("case after outage: %+v %v", c, err)
	}
}

// An edit that arrives after a newer one does not leave the card stale.
func TestCardShowsLatestStateAfterOutOfOrderEdits(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	id := h.intake(t, "web:owner", true, nil)
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	h.msgr.mu.Lock()
	h.msgr.onUpdate = func() {
		// While the claim's edit is on its way, Dana releases the case.
		if _, err := h.svc.Release(ctx, dana, id); err != nil {
			t.Error(err)
		}
	}
	h.msgr.mu.Unlock()
	if _, err := h.svc.Claim(ctx, dana, id); err != nil {
		t.Fatal(err)
	}
	card, _ := h.msgr.card(id)
	if card.Status != bot.StatusOpen || len(card.Buttons) != 1 || card.Buttons[0].Action != bot.ActionClaim {
		t.Fatalf("card shows %s with %+v; the case is open", card.Status, card.Buttons)
	}
}

// A Reply form run again after a crash (the same platform event, delivered again, also at the
// same time) relays the executive's message once: one audit entry, one message to the owner.
func TestReplyOncePerEvent(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	owner := bot.Identity("web:olga")
	id := h.intake(t, owner, true, nil)
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	if _, err := h.svc.Claim(ctx, dana, id); err != nil {
		t.Fatal(err)
	}
	before := len(h.msgr.toOwner(owner))
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, err := h.svc.ExecAction(ctx, dana, bot.ActionReply, id, "I will call you at four.", "form-1"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(h.msgr.toOwner(owner)) - before; n != 1 {
		t.Errorf("the owner got the reply %d times, want once", n)
	}
	audit, err := h.cases.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	replies := 0
	for _, e := range audit {
		if e.Action == "exec_message" {
			replies++
		}
	}
	if replies != 1 {
		t.Errorf("%d exec_message entries, want 1", replies)
	}
	// Another form is another message.
	if _, err := h.svc.ExecAction(ctx, dana, bot.ActionReply, id, "Or at five.", "form-2"); err != nil {
		t.Fatal(err)
	}
	if n := len(h.msgr.toOwner(owner)) - before; n != 2 {
		t.Errorf("after a second form the owner got %d messages, want 2", n)
	}
}

// An executive's click or form run again after the case moved on (the first run did it, then
// the process died before the platform event was marked handled) changes nothing and is not
// refused; another event is.
func TestExecActionsOncePerEvent(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	owner := bot.Identity("web:ann")
	id := h.intake(t, owner, true, nil)
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	steps := []struct{ action, note, event string }{
		{bot.ActionClaim, "", "click-1"},
		{bot.ActionReply, "Calling you at four.", "form-1"},
		{bot.ActionResolve, "Charger replaced.", "form-2"},
	}
	for _, st := range steps {
		if _, err := h.svc.ExecAction(ctx, dana, st.action, id, st.note, st.event); err != nil {
			t.Fatalf("%s: %v", st.action, err)
		}
	}
	for _, st := range steps {
		card, err := h.svc.ExecAction(ctx, dana, st.action, id, st.note, st.event)
		if err != nil || card.Status != bot.StatusResolved {
			t.Fatalf("%s run again: %s, %v", st.action, card.Status, err)
		}
	}
	if _, err := h.svc.ExecAction(ctx, dana, bot.ActionResolve, id, "again", "form-3"); bot.ErrorCode(err) != bot.CodeConflict {
		t.Fatalf("a new resolve of a resolved case: %v", err)
	}
	if _, err := h.svc.ExecAction(ctx, dana, bot.ActionReply, id, "one more", "form-4"); err == nil || !strings.Contains(err.Error(), "has ended") {
		t.Fatalf("a new reply to a resolved case: %v", err)
	}
	got := texts(h.msgr.toOwner(owner))
	if count(got, "Calling you at four.") != 1 || count(got, "has been resolved") != 1 || count(got, "is now looking at your case") != 1 {
		t.Fatalf("owner read:\n%s", got)
	}
	if acts := strings.Join(h.auditActions(t, id), ","); count(acts, "claim") != 1 || count(acts, "resolve") != 1 || count(acts, "exec_message") != 1 {
		t.Fatalf("audit %s", acts)
	}
}

// The transcript holds the answers, the summary, the whole history with who and when, and the
// rating; only moderators may take it.
func TestExportTranscript(t *testing.T) {
	h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.ConfirmResolutionWithin = time.Hour })
	ctx := context.Background()
	owner := bot.Identity("web:ann")
	id := h.intake(t, owner, true, nil)
	dana, mod := bot.Actor{ID: "web:dana", Name: "Dana"}, bot.Actor{ID: "web:mod", Name: "Mo"}
	h.svc.Claim(ctx, dana, id)
	h.svc.Reply(ctx, dana, id, "Calling you at four.")
	h.say(t, owner, "Thanks, I will be there.")
	h.svc.Resolve(ctx, dana, id, "Charger replaced.")
	h.press(t, owner, bot.ActionResolution, "solved:"+id)
	h.press(t, owner, bot.ActionRate, "5:"+id)

	if _, err := h.svc.Export(ctx, dana, id); bot.ErrorCode(err) != bot.CodeForbidden {
		t.Fatalf("export by a non-moderator: %v", err)
	}
	tr, err := h.svc.Export(ctx, mod, id)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range tr.History {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "created,claim,exec_message,owner_message,resolve,confirm,rate" {
		t.Fatalf("history %s", got)
	}
	md := tr.Markdown()
	for _, want := range []string{"# " + id, "Rating: 5 of 5", "Dana: Calling you at four.", "ann: Thanks, I will be there.", "Dana resolved the case: Charger replaced.", "## Answers", "Exported", "by web:mod"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	ans, err := h.svc.Run(ctx, mod, "/escalations export "+id)
	if err != nil || ans.Text != fmt.Sprintf("Transcript of %s: 7 entries.", id) || len(ans.Files) != 2 {
		t.Fatalf("export command: %v\n%+v", err, ans)
	}
	if f := ans.Files[0]; f.Name != id+".md" || f.ContentType != "text/markdown" || string(f.Data) != md {
		t.Errorf("markdown file %s %s:\n%s", f.Name, f.ContentType, f.Data)
	}
	var back bot.Transcript
	if f := ans.Files[1]; f.Name != id+".json" || f.ContentType != "application/json" || json.Unmarshal(f.Data, &back) != nil {
		t.Errorf("json file %s %s:\n%s", f.Name, f.ContentType, f.Data)
	}
	if back.Case.ID != id || len(back.History) != 7 || back.ExportedBy != mod.ID || back.Case.Rating != 5 {
		t.Errorf("json transcript read back: %+v", back)
	}
	if text, err := h.svc.Command(ctx, mod, "/escalations export "+id); err != nil || text != ans.Text {
		t.Errorf("export as text: %q %v", text, err)
	}
	if _, err := h.svc.Run(ctx, dana, "/escalations export "+id); bot.ErrorCode(err) != bot.CodeForbidden {
		t.Errorf("export command by a non-moderator: %v", err)
	}
	if _, err := h.svc.Run(ctx, mod, "/escalations export ESC-9999"); bot.ErrorCode(err) != bot.CodeNotFound {
		t.Errorf("export of an unknown case: %v", err)
	}
}

// A platform's file limits refuse, saying the sizes, and never cut.
func TestCheckFiles(t *testing.T) {
	ans := bot.CommandAnswer{Files: []bot.File{{Name: "ESC-1.md", Data: make([]byte, 30<<20)}}}
	err := ans.CheckFiles("Discord", 25<<20, 10)
	if bot.ErrorCode(err) != bot.CodeInvalid || bot.ErrorMessage(err) != "ESC-1.md is 30 MiB, more than the 25 MiB Discord takes for a file, so it was not sent." {
		t.Errorf("too large: %v", err)
	}
	if err := (bot.CommandAnswer{Files: make([]bot.File, 11)}).CheckFiles("Discord", 25<<20, 10); bot.ErrorCode(err) != bot.CodeInvalid {
		t.Errorf("too many: %v", err)
	}
	if err := ans.CheckFiles("Slack", 1<<30, 10); err != nil {
		t.Errorf("within limits: %v", err)
	}
	for n, want := range map[int64]string{512: "512 bytes", 1024: "1 KiB", 14540: "14.2 KiB", 1 << 30: "1 GiB"} {
		if got := bot.Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
