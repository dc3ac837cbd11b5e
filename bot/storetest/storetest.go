// Package storetest is the contract of the core's stores: what any implementation of
// bot.SessionStore, bot.CaseStore, bot.Moderation and bot.DueQueue must do, as the core relies
// on it. A store package runs it from a test of its own:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Stores { ... fresh, empty stores ... })
//	}
//
// Each check opens its own stores, so the stores of one call must share nothing with another's
// (adapters/redis uses one tenant per call). The checks assert only what the ports' comments
// promise; what an implementation does beyond that (keys, TTLs, round trips) its own tests say.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// Stores are one set of fresh, empty stores.
type Stores struct {
	Sessions   bot.SessionStore
	Cases      bot.CaseStore
	Moderation bot.Moderation
	Due        bot.DueQueue
}

// Run runs every check of the contract, each on stores from open.
func Run(t *testing.T, open func(t *testing.T) Stores) {
	t.Helper()
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, open(t))
		})
	}
}

var checks = []struct {
	name string
	run  func(t *testing.T, s Stores)
}{
	{"SessionMissing", sessionMissing},
	{"SessionSaveLoad", sessionSaveLoad},
	{"SessionConflict", sessionConflict},
	{"SessionReplayedEvent", sessionReplayedEvent},
	{"SessionRateCountsEachEventOnce", sessionRate},
	{"SessionGates", sessionGates},
	{"CaseCreateGet", caseCreateGet},
	{"CaseOneOpenPerOwnerAndVIN", caseOnePerOwner},
	{"CaseTransition", caseTransition},
	{"DueQueue", dueQueue},
}

const owner = bot.Identity("web:olive")

var ctx = context.Background()

func sessionMissing(t *testing.T, s Stores) {
	turn, err := s.Sessions.Load(ctx, owner, "ev-1")
	if err != nil {
		t.Fatal(err)
	}
	if turn.Found || turn.Seen || turn.Block != nil || turn.Pause != nil || turn.OpenCase != "" || turn.Recent != 1 {
		t.Errorf("Load of a new owner = %+v, want nothing found and the event counted once", turn)
	}
	if turn.Session.Owner != string(owner) || turn.Session.Version != 0 {
		t.Errorf("new session = %+v, want the owner's at version 0", turn.Session)
	}
}

func sessionSaveLoad(t *testing.T, s Stores) {
	sess := conversation.Session{Owner: string(owner), Stage: conversation.StageIntake, Step: "vin", Answers: map[string]string{"model": "Model 3"}, Turns: 2}
	for version := int64(1); version <= 3; version++ {
		if err := s.Sessions.Save(ctx, sess, fmt.Sprintf("ev-%d", version), time.Hour, bot.Record{}); err != nil {
			t.Fatalf("save %d: %v", version, err)
		}
		turn, err := s.Sessions.Reload(ctx, owner, "")
		if err != nil {
			t.Fatal(err)
		}
		if !turn.Found || turn.Session.Version != version || turn.Session.Step != "vin" || turn.Session.Answers["model"] != "Model 3" {
			t.Fatalf("after save %d: found %v, %+v", version, turn.Found, turn.Session)
		}
		sess = turn.Session
	}
}

func sessionConflict(t *testing.T, s Stores) {
	if err := s.Sessions.Save(ctx, conversation.Session{Owner: string(owner), Step: "a"}, "ev-1", time.Hour, bot.Record{}); err != nil {
		t.Fatal(err)
	}
	// Another replica loaded version 0 too: its save must fail and change nothing.
	if err := s.Sessions.Save(ctx, conversation.Session{Owner: string(owner), Step: "b"}, "ev-2", time.Hour, bot.Record{}); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("save over a newer version: %v, want ErrConflict", err)
	}
	turn, _ := s.Sessions.Reload(ctx, owner, "")
	if turn.Session.Step != "a" || turn.Session.Version != 1 {
		t.Errorf("after the conflict: %+v, want step a at version 1", turn.Session)
	}
}

func sessionReplayedEvent(t *testing.T, s Stores) {
	turn, _ := s.Sessions.Load(ctx, owner, "ev-1")
	turn.Session.Step = "model"
	if err := s.Sessions.Save(ctx, turn.Session, "ev-1", time.Hour, bot.Record{}); err != nil {
		t.Fatal(err)
	}
	replay, err := s.Sessions.Load(ctx, owner, "ev-1")
	if err != nil {
		t.Fatal(err)
	}
	if !replay.Seen {
		t.Error("Load of a handled event: Seen = false")
	}
	// Duplicate, not conflict, so that nobody retries it.
	for name, sess := range map[string]conversation.Session{"stale": turn.Session, "current": replay.Session} {
		if err := s.Sessions.Save(ctx, sess, "ev-1", time.Hour, bot.Record{}); !errors.Is(err, bot.ErrDuplicateEvent) {
			t.Errorf("save of a handled event over the %s version: %v, want ErrDuplicateEvent", name, err)
		}
	}
	if after, _ := s.Sessions.Reload(ctx, owner, ""); after.Session.Version != 1 {
		t.Errorf("version after the replays = %d, want 1", after.Session.Version)
	}
}

func sessionRate(t *testing.T, s Stores) {
	if turn, err := s.Sessions.Reload(ctx, owner, ""); err != nil || turn.Recent != 0 {
		t.Fatalf("Reload before any event: Recent %d, %v; want 0", turn.Recent, err)
	}
	for _, step := range []struct {
		event string
		want  int64
	}{{"ev-1", 1}, {"ev-2", 2}, {"ev-1", 1}, {"", 3}, {"", 4}} {
		turn, err := s.Sessions.Load(ctx, owner, step.event)
		if err != nil {
			t.Fatal(err)
		}
		if turn.Recent != step.want {
			t.Errorf("Load(%q): Recent %d, want %d", step.event, turn.Recent, step.want)
		}
	}
	if turn, err := s.Sessions.Reload(ctx, owner, "ev-9"); err != nil || turn.Recent != 4 {
		t.Errorf("Reload counts: Recent %d, %v; want the 4 counted", turn.Recent, err)
	}
}

func sessionGates(t *testing.T, s Stores) {
	block := bot.Block{User: owner, Reason: "spam", By: "web:mod"}
	pause := bot.Pause{Message: "back on Monday", By: "web:mod", Since: time.Now().UTC().Truncate(time.Millisecond)}
	if err := s.Moderation.SetBlock(ctx, block); err != nil {
		t.Fatal(err)
	}
	if err := s.Moderation.SetPause(ctx, &pause); err != nil {
		t.Fatal(err)
	}
	turn, err := s.Sessions.Load(ctx, owner, "")
	if err != nil {
		t.Fatal(err)
	}
	if turn.Block == nil || turn.Block.Reason != block.Reason || turn.Block.By != block.By {
		t.Errorf("Block = %+v, want %+v", turn.Block, block)
	}
	if turn.Pause == nil || turn.Pause.Message != pause.Message || !turn.Pause.Since.Equal(pause.Since) {
		t.Errorf("Pause = %+v, want %+v", turn.Pause, pause)
	}
	if other, _ := s.Sessions.Load(ctx, "web:other", ""); other.Block != nil || other.Pause == nil {
		t.Errorf("another owner: Block %+v, Pause %+v; want no block, the pause", other.Block, other.Pause)
	}
	if removed, err := s.Moderation.RemoveBlock(ctx, owner); err != nil || !removed {
		t.Errorf("RemoveBlock = %v, %v; want true", removed, err)
	}
	if removed, err := s.Moderation.RemoveBlock(ctx, owner); err != nil || removed {
		t.Errorf("RemoveBlock again = %v, %v; want false", removed, err)
	}
	if err := s.Moderation.SetPause(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if turn, _ := s.Sessions.Reload(ctx, owner, ""); turn.Block != nil || turn.Pause != nil {
		t.Errorf("after unblock and resume: Block %+v, Pause %+v", turn.Block, turn.Pause)
	}
}

func newCase(who bot.Identity, vin string) bot.Case {
	return bot.Case{
		Owner:     who,
		OwnerName: "Olive",
		VIN:       vin,
		Answers:   []bot.Answer{{Key: "issue", Label: "Issue", Value: "won't charge"}},
		Summary:   bot.Summary{Title: "Charging fails", Text: "The car stopped charging.", Severity: bot.SeverityHigh},
		CreatedAt: time.Now().UTC().Truncate(time.Millisecond),
	}
}

func caseCreateGet(t *testing.T, s Stores) {
	id, err := s.Cases.NextID(ctx)
	if err != nil || !bot.IsCaseID(id) {
		t.Fatalf("NextID = %q, %v", id, err)
	}
	in := newCase(owner, "5YJ3E1EA2KF317000")
	in.ID = id
	c, err := s.Cases.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != id || c.Status != bot.StatusOpen {
		t.Fatalf("created %s %s, want %s open", c.ID, c.Status, id)
	}
	got, err := s.Cases.Get(ctx, id)
	if err != nil || got.Owner != owner || got.VIN != in.VIN || got.Summary.Title != in.Summary.Title {
		t.Errorf("Get = %+v, %v", got, err)
	}
	// A retried creation is harmless.
	if again, err := s.Cases.Create(ctx, in); err != nil || again.ID != id {
		t.Errorf("Create again = %s, %v; want %s and no error", again.ID, err, id)
	}
	if entries, err := s.Cases.Audit(ctx, id); err != nil || len(entries) != 1 || entries[0].Action != "created" {
		t.Errorf("audit = %+v, %v; want one created entry", entries, err)
	}
	if next, err := s.Cases.NextID(ctx); err != nil || next == id || !bot.IsCaseID(next) {
		t.Errorf("NextID after %s = %q, %v", id, next, err)
	}
	if _, err := s.Cases.Get(ctx, "ESC-999999"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Get of an unknown case: %v, want ErrNotFound", err)
	}
}

func caseOnePerOwner(t *testing.T, s Stores) {
	first, err := s.Cases.Create(ctx, newCase(owner, "5YJ3E1EA2KF317000"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Cases.Create(ctx, newCase(owner, "1HGCM82633A004352"))
	if !errors.Is(err, bot.ErrOwnerHasOpenCase) || got.ID != first.ID {
		t.Errorf("second case of the owner: %s, %v; want %s, ErrOwnerHasOpenCase", got.ID, err, first.ID)
	}
	got, err = s.Cases.Create(ctx, newCase("web:other", "5YJ3E1EA2KF317000"))
	if !errors.Is(err, bot.ErrVINHasOpenCase) || got.ID != first.ID {
		t.Errorf("second case of the VIN: %s, %v; want %s, ErrVINHasOpenCase", got.ID, err, first.ID)
	}
}

func caseTransition(t *testing.T, s Stores) {
	c, err := s.Cases.Create(ctx, newCase(owner, ""))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	claim := bot.Transition{From: []bot.Status{bot.StatusOpen}, To: bot.StatusClaimed, Action: "claim", Actor: "web:dana", Name: "Dana", At: now, EventID: "click-1"}
	got, err := s.Cases.Transition(ctx, c.ID, claim)
	if err != nil || got.Status != bot.StatusClaimed {
		t.Fatalf("claim: %s, %v", got.Status, err)
	}
	if _, err := s.Cases.Transition(ctx, c.ID, claim); !errors.Is(err, bot.ErrDuplicateEvent) {
		t.Errorf("the same click again: %v, want ErrDuplicateEvent", err)
	}
	claim.EventID = "click-2"
	got, err = s.Cases.Transition(ctx, c.ID, claim)
	if !errors.Is(err, bot.ErrWrongStatus) || got.Status != bot.StatusClaimed {
		t.Errorf("claim of a claimed case: %s, %v; want claimed, ErrWrongStatus", got.Status, err)
	}
	entries, err := s.Cases.Audit(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if !slices.Equal(actions, []string{"created", "claim"}) {
		t.Errorf("audit = %v, want created, claim", actions)
	}
	// Audits reads several cases' entries at once, as Audit reads each.
	other, err := s.Cases.Create(ctx, newCase("web:other", ""))
	if err != nil {
		t.Fatal(err)
	}
	audits, err := s.Cases.Audits(ctx, []string{c.ID, other.ID})
	if err != nil || len(audits) != 2 || !slices.EqualFunc(audits[c.ID], entries, func(a, b bot.AuditEntry) bool { return a.ID == b.ID && a.Action == b.Action }) ||
		len(audits[other.ID]) != 1 || audits[other.ID][0].Action != "created" {
		t.Errorf("Audits = %+v, %v; want %s's two entries and %s's created", audits, err, c.ID, other.ID)
	}
	if _, err := s.Cases.Audits(ctx, []string{c.ID, "ESC-999999"}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Audits with an unknown case: %v, want ErrNotFound", err)
	}
}

func dueQueue(t *testing.T, s Stores) {
	now := time.Now().Truncate(time.Millisecond)
	const lease = time.Minute
	item := func(id string, at time.Duration) bot.DueItem {
		return bot.DueItem{Kind: bot.DuePostCard, CaseID: id, Owner: owner, At: now.Add(at)}
	}
	a, b, later := item("ESC-1001", -time.Minute), item("ESC-1002", -time.Second), item("ESC-1003", time.Hour)
	for _, it := range []bot.DueItem{a, b, later, a} { // a twice: kept once
		if err := s.Due.Schedule(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	take := func(at time.Time) []string {
		t.Helper()
		items, err := s.Due.TakeDue(ctx, at, lease, 10)
		if err != nil {
			t.Fatal(err)
		}
		ids := []string{}
		for _, it := range items {
			ids = append(ids, it.CaseID)
		}
		return ids
	}
	if got := take(now); !slices.Equal(got, []string{"ESC-1001", "ESC-1002"}) {
		t.Fatalf("due now = %v, want ESC-1001, ESC-1002 in due order", got)
	}
	if got := take(now.Add(lease - time.Millisecond)); len(got) != 0 {
		t.Fatalf("taken again within the lease: %v", got)
	}
	if err := s.Due.Done(ctx, a); err != nil {
		t.Fatal(err)
	}
	retry := b
	retry.Attempt, retry.At = 1, now.Add(2*time.Hour)
	if err := s.Due.Reschedule(ctx, b, retry); err != nil {
		t.Fatal(err)
	}
	if got := take(now.Add(lease + time.Hour)); !slices.Equal(got, []string{"ESC-1003"}) {
		t.Errorf("after done and reschedule = %v, want ESC-1003 only", got)
	}
	if err := s.Due.Done(ctx, later); err != nil {
		t.Fatal(err)
	}
	items, err := s.Due.TakeDue(ctx, now.Add(3*time.Hour), lease, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].CaseID != "ESC-1002" || items[0].Attempt != 1 || !items[0].At.Equal(retry.At) {
		t.Errorf("after the leases = %+v, want the rescheduled ESC-1002, attempt 1", items)
	}
}
