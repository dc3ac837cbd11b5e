package redis_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

func newCase(owner bot.Identity, vin string, at time.Time) bot.Case {
	return bot.Case{
		Owner:     owner,
		OwnerName: "Olive Owner",
		VIN:       vin,
		Answers:   []bot.Answer{{Key: "vin", Label: "VIN", Value: vin}, {Key: "issue", Label: "Issue", Value: "won't charge"}},
		Summary:   bot.Summary{Title: "Charging fails", Text: "The car stopped charging.", Severity: bot.SeverityHigh, Automatic: true},
		CreatedAt: at,
	}
}

func mustCreate(t *testing.T, s stores, c bot.Case) bot.Case {
	t.Helper()
	created, err := s.cases.Create(context.Background(), c)
	if err != nil {
		t.Fatalf("create for %s: %v", c.Owner, err)
	}
	return created
}

func mustGet(t *testing.T, s stores, id string) bot.Case {
	t.Helper()
	c, err := s.cases.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func auditActions(t *testing.T, s stores, id string) []string {
	t.Helper()
	entries, err := s.cases.Audit(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	return actions
}

func TestCaseCreate(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		for i, want := range []string{"ESC-1001", "ESC-1002", "ESC-1003"} {
			in := newCase(bot.Identity(fmt.Sprintf("discord:%d", i)), fmt.Sprintf("VIN%014d", i), t0)
			c := mustCreate(t, s, in)
			if c.ID != want || c.Status != bot.StatusOpen {
				t.Fatalf("created %s %s, want %s open", c.ID, c.Status, want)
			}
			got := mustGet(t, s, c.ID)
			if !sameCase(got, c) {
				t.Errorf("Get = %+v\nwant  %+v", got, c)
			}
			if id, _ := s.cases.OpenCaseOf(ctx, in.Owner); id != want {
				t.Errorf("OpenCaseOf = %q, want %q", id, want)
			}
			entries, err := s.cases.Audit(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Action != "created" || entries[0].Actor != in.Owner || !entries[0].At.Equal(t0) || entries[0].ID == "" {
				t.Errorf("audit = %+v, want one created entry by the owner", entries)
			}
		}
		if _, err := s.cases.Get(ctx, "ESC-9999"); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Get of an unknown case: %v, want ErrNotFound", err)
		}
		if id, err := s.cases.OpenCaseOf(ctx, "web:nobody"); id != "" || err != nil {
			t.Errorf("OpenCaseOf without a case = %q, %v", id, err)
		}
	})
}

func TestCaseCreateDuplicates(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		first := mustCreate(t, s, newCase(owner, "5YJ3E1EA2KF317000", t0))

		got, err := s.cases.Create(ctx, newCase(owner, "1HGCM82633A004352", t0))
		if !errors.Is(err, bot.ErrOwnerHasOpenCase) || got.ID != first.ID {
			t.Errorf("second case of the owner: %s, %v; want %s, ErrOwnerHasOpenCase", got.ID, err, first.ID)
		}
		got, err = s.cases.Create(ctx, newCase("discord:99", "5YJ3E1EA2KF317000", t0))
		if !errors.Is(err, bot.ErrVINHasOpenCase) || got.ID != first.ID || got.Owner != owner {
			t.Errorf("second case of the VIN: %+v, %v; want %s, ErrVINHasOpenCase", got, err, first.ID)
		}
		// Refusals use up no id and store nothing.
		next := mustCreate(t, s, newCase("discord:99", "", t0))
		if next.ID != "ESC-1002" {
			t.Errorf("next id = %s, want ESC-1002", next.ID)
		}
		if st, _ := s.cases.Stats(ctx); st.Open != 2 || st.Total != 2 {
			t.Errorf("stats = %+v, want 2 open", st)
		}
		// A case without VIN blocks no other case without VIN.
		mustCreate(t, s, newCase("discord:100", "", t0))
	})
}

var (
	claim   = bot.Transition{From: []bot.Status{bot.StatusOpen}, To: bot.StatusClaimed, Action: "claim", Actor: "slack:T1:DANA", Name: "Dana"}
	assign  = bot.Transition{From: []bot.Status{bot.StatusOpen, bot.StatusClaimed}, To: bot.StatusClaimed, Action: "assign", Actor: "slack:T1:MOD", Name: "Mo", Claimer: "slack:T1:EVE", ClaimerName: "Eve"}
	release = bot.Transition{From: []bot.Status{bot.StatusClaimed}, To: bot.StatusOpen, Action: "release", Actor: "slack:T1:DANA", Name: "Dana"}
	resolve = bot.Transition{From: []bot.Status{bot.StatusClaimed}, To: bot.StatusResolved, Action: "resolve", Actor: "slack:T1:DANA", Name: "Dana", Note: "replaced the charge port"}
	closeT  = bot.Transition{From: []bot.Status{bot.StatusOpen, bot.StatusClaimed}, To: bot.StatusClosed, Action: "close", Actor: "slack:T1:MOD", Name: "Mo", Note: "duplicate of a dealer case"}
	reopen  = bot.Transition{From: []bot.Status{bot.StatusResolved, bot.StatusClosed}, To: bot.StatusOpen, Action: "reopen", Actor: "slack:T1:MOD", Name: "Mo"}
)

func at(tr bot.Transition, when time.Time) bot.Transition {
	tr.At = when
	return tr
}

// caseIn creates a case and moves it into status.
func caseIn(t *testing.T, s stores, status bot.Status, owner bot.Identity, vin string) bot.Case {
	t.Helper()
	c := mustCreate(t, s, newCase(owner, vin, t0))
	var path []bot.Transition
	switch status {
	case bot.StatusClaimed:
		path = []bot.Transition{claim}
	case bot.StatusResolved:
		path = []bot.Transition{claim, resolve}
	case bot.StatusClosed:
		path = []bot.Transition{closeT}
	}
	for i, tr := range path {
		var err error
		if c, err = s.cases.Transition(context.Background(), c.ID, at(tr, t0.Add(time.Duration(i+1)*time.Minute))); err != nil {
			t.Fatalf("set up %s: %s: %v", status, tr.Action, err)
		}
	}
	return c
}

// Every transition from every status: the legal ones do all their effects, the others none.
func TestCaseTransitions(t *testing.T) {
	transitions := []bot.Transition{claim, assign, release, resolve, closeT, reopen}
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		n := 0
		for _, from := range []bot.Status{bot.StatusOpen, bot.StatusClaimed, bot.StatusResolved, bot.StatusClosed} {
			for _, tr := range transitions {
				n++
				who := bot.Identity(fmt.Sprintf("web:owner-%d", n))
				vin := fmt.Sprintf("VIN%014d", n)
				before := caseIn(t, s, from, who, vin)
				auditBefore := auditActions(t, s, before.ID)
				when := t0.Add(time.Hour)
				got, err := s.cases.Transition(ctx, before.ID, at(tr, when))
				name := fmt.Sprintf("%s from %s", tr.Action, from)

				if !slices.Contains(tr.From, from) {
					if !errors.Is(err, bot.ErrWrongStatus) {
						t.Errorf("%s: %v, want ErrWrongStatus", name, err)
					}
					if !sameCase(got, before) {
						t.Errorf("%s: returned %+v, want the unchanged case %+v", name, got, before)
					}
					if after := mustGet(t, s, before.ID); !sameCase(after, before) {
						t.Errorf("%s: refused, yet the case changed: %+v", name, after)
					}
					if a := auditActions(t, s, before.ID); !slices.Equal(a, auditBefore) {
						t.Errorf("%s: refused, yet audit is %v", name, a)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if stored := mustGet(t, s, before.ID); !sameCase(stored, got) {
					t.Errorf("%s: returned %+v, stored %+v", name, got, stored)
				}
				if got.Status != tr.To || !got.UpdatedAt.Equal(when) {
					t.Errorf("%s: status %s updated %s, want %s at %s", name, got.Status, got.UpdatedAt, tr.To, when)
				}
				openID, _ := s.cases.OpenCaseOf(ctx, who)
				switch tr.To {
				case bot.StatusClaimed:
					claimer, claimerName := tr.Claimer, tr.ClaimerName
					if claimer == "" {
						claimer, claimerName = tr.Actor, tr.Name
					}
					if got.ClaimedBy != claimer || got.ClaimedByName != claimerName || !got.ClaimedAt.Equal(when) {
						t.Errorf("%s: claimed by %s (%s) at %s, want %s (%s) at %s", name, got.ClaimedBy, got.ClaimedByName, got.ClaimedAt, claimer, claimerName, when)
					}
				case bot.StatusOpen:
					if got.ClaimedBy != "" || got.ClaimedByName != "" || !got.ClaimedAt.IsZero() || !got.EndedAt.IsZero() || got.EndedBy != "" {
						t.Errorf("%s: open case keeps claim or end fields: %+v", name, got)
					}
				default:
					if got.Note != tr.Note || got.EndedBy != tr.Actor || !got.EndedAt.Equal(when) {
						t.Errorf("%s: note %q ended by %s at %s", name, got.Note, got.EndedBy, got.EndedAt)
					}
				}
				if wantOpen := tr.To == bot.StatusOpen || tr.To == bot.StatusClaimed; (openID == before.ID) != wantOpen {
					t.Errorf("%s: owner index = %q, want it set: %v", name, openID, wantOpen)
				}
				for _, st := range []bot.Status{bot.StatusOpen, bot.StatusClaimed, bot.StatusResolved, bot.StatusClosed} {
					score, err := s.rdb.ZScore(ctx, s.keys.Status(st), before.ID).Result()
					if in := err == nil; in != (st == tr.To) {
						t.Errorf("%s: in %s set: %v", name, st, in)
					} else if in && score != float64(when.UnixMilli()) {
						t.Errorf("%s: score %v, want %d", name, score, when.UnixMilli())
					}
				}
				entries, _ := s.cases.Audit(ctx, before.ID)
				last := entries[len(entries)-1]
				if len(entries) != len(auditBefore)+1 || last.Action != tr.Action || last.Actor != tr.Actor || last.Name != tr.Name || !last.At.Equal(when) {
					t.Errorf("%s: audit ends with %+v, want one %s entry by %s", name, last, tr.Action, tr.Actor)
				}
			}
		}
		if _, err := s.cases.Transition(ctx, "ESC-9999", claim); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("claim of an unknown case: %v, want ErrNotFound", err)
		}
	})
}

func TestCaseClaimRefusedNamesClaimer(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		s := newStores(r, redis.Config{})
		c := caseIn(t, s, bot.StatusClaimed, owner, "")
		eve := claim
		eve.Actor, eve.Name = "slack:T1:EVE", "Eve"
		got, err := s.cases.Transition(context.Background(), c.ID, eve)
		if !errors.Is(err, bot.ErrWrongStatus) {
			t.Fatalf("claim of a claimed case: %v, want ErrWrongStatus", err)
		}
		if got.ClaimedBy != claim.Actor || got.ClaimedByName != "Dana" || got.ClaimedAt.IsZero() {
			t.Errorf("refusal returned claimer %s (%s) at %s, want Dana", got.ClaimedBy, got.ClaimedByName, got.ClaimedAt)
		}
		if !strings.Contains(err.Error(), "claimed by Dana") || !strings.Contains(err.Error(), c.ID) {
			t.Errorf("error %q does not say who claimed %s", err, c.ID)
		}
	})
}

// N executives click Claim at once: exactly one wins, the others learn who.
func TestCaseConcurrentClaims(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		c := mustCreate(t, s, newCase(owner, "", t0))
		const n = 50
		results := make([]bot.Case, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				tr := claim
				tr.Actor, tr.Name = bot.Identity(fmt.Sprintf("slack:T1:E%d", i)), fmt.Sprintf("Exec %d", i)
				<-start
				results[i], errs[i] = s.cases.Transition(ctx, c.ID, tr)
			})
		}
		close(start)
		wg.Wait()
		var winners []bot.Identity
		for i, err := range errs {
			if err == nil {
				winners = append(winners, results[i].ClaimedBy)
			} else if !errors.Is(err, bot.ErrWrongStatus) {
				t.Errorf("claim %d: %v", i, err)
			}
		}
		if len(winners) != 1 {
			t.Fatalf("%d claims won, want exactly 1: %v", len(winners), winners)
		}
		for i, err := range errs {
			if err != nil && results[i].ClaimedBy != winners[0] {
				t.Errorf("loser %d was told the claimer is %q, want %q", i, results[i].ClaimedBy, winners[0])
			}
		}
		if a := auditActions(t, s, c.ID); !slices.Equal(a, []string{"created", "claim"}) {
			t.Errorf("audit = %v, want exactly one claim", a)
		}
	})
}

func TestCaseEndFreesIndexes(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		const vin = "5YJ3E1EA2KF317000"
		first := caseIn(t, s, bot.StatusResolved, owner, vin)
		if id, _ := s.cases.OpenCaseOf(ctx, owner); id != "" {
			t.Errorf("owner index after resolve = %q", id)
		}
		second := mustCreate(t, s, newCase(owner, vin, t0))
		if second.ID == first.ID {
			t.Fatal("same id twice")
		}
		// Ending the old case again must not free the new case's indexes.
		if _, err := s.cases.Transition(ctx, first.ID, bot.Transition{From: []bot.Status{bot.StatusResolved}, To: bot.StatusClosed, Action: "close"}); err != nil {
			t.Fatal(err)
		}
		if id, _ := s.cases.OpenCaseOf(ctx, owner); id != second.ID {
			t.Errorf("owner index = %q, want %s", id, second.ID)
		}
		if _, err := s.cases.Create(ctx, newCase("discord:7", vin, t0)); !errors.Is(err, bot.ErrVINHasOpenCase) {
			t.Errorf("VIN index lost: %v", err)
		}
	})
}

func TestCaseReopenRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		old := caseIn(t, s, bot.StatusClosed, owner, "VIN00000000000001")
		current := mustCreate(t, s, newCase(owner, "VIN00000000000002", t0))

		got, err := s.cases.Transition(ctx, old.ID, reopen)
		if !errors.Is(err, bot.ErrOwnerHasOpenCase) || !strings.Contains(err.Error(), current.ID) {
			t.Errorf("reopen while the owner has %s: %v", current.ID, err)
		}
		if got.Status != bot.StatusClosed {
			t.Errorf("refused reopen returned status %s, want closed", got.Status)
		}
		if after := mustGet(t, s, old.ID); !sameCase(after, old) {
			t.Errorf("refused reopen changed the case: %+v", after)
		}
		if id, _ := s.cases.OpenCaseOf(ctx, owner); id != current.ID {
			t.Errorf("owner index = %q, want %s", id, current.ID)
		}

		// The same with the vehicle: another owner opened a case for it.
		byVIN := caseIn(t, s, bot.StatusResolved, "discord:1", "VIN00000000000003")
		other := mustCreate(t, s, newCase("discord:2", "VIN00000000000003", t0))
		if _, err := s.cases.Transition(ctx, byVIN.ID, reopen); !errors.Is(err, bot.ErrVINHasOpenCase) || !strings.Contains(err.Error(), other.ID) {
			t.Errorf("reopen while the VIN has %s: %v", other.ID, err)
		}
		if id, _ := s.cases.OpenCaseOf(ctx, "discord:1"); id != "" {
			t.Errorf("refused reopen set the owner index to %q", id)
		}
	})
}

func TestCaseList(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		var ids []string
		for i := range 5 {
			c := mustCreate(t, s, newCase(bot.Identity(fmt.Sprintf("web:o%d", i)), "", t0.Add(time.Duration(i)*time.Minute)))
			ids = append(ids, c.ID)
		}
		// ESC-1002 claimed at +10m, ESC-1004 closed at +20m; the rest stay open.
		if _, err := s.cases.Transition(ctx, ids[1], at(claim, t0.Add(10*time.Minute))); err != nil {
			t.Fatal(err)
		}
		if _, err := s.cases.Transition(ctx, ids[3], at(closeT, t0.Add(20*time.Minute))); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			limit    int
			statuses []bot.Status
			want     []string
		}{
			{10, nil, []string{"ESC-1004", "ESC-1002", "ESC-1005", "ESC-1003", "ESC-1001"}},
			{2, nil, []string{"ESC-1004", "ESC-1002"}},
			{0, []bot.Status{bot.StatusOpen}, []string{"ESC-1005", "ESC-1003", "ESC-1001"}},
			{10, []bot.Status{bot.StatusOpen, bot.StatusClaimed}, []string{"ESC-1002", "ESC-1005", "ESC-1003", "ESC-1001"}},
			{1, []bot.Status{bot.StatusClaimed, bot.StatusOpen, bot.StatusClaimed}, []string{"ESC-1002"}},
			{10, []bot.Status{bot.StatusResolved}, nil},
		}
		for _, tt := range tests {
			got, err := s.cases.List(ctx, tt.limit, tt.statuses...)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []string
			for _, c := range got {
				gotIDs = append(gotIDs, c.ID)
				if !sameCase(c, mustGet(t, s, c.ID)) {
					t.Errorf("List returned %s unlike Get", c.ID)
				}
			}
			if !slices.Equal(gotIDs, tt.want) {
				t.Errorf("List(%d, %v) = %v, want %v", tt.limit, tt.statuses, gotIDs, tt.want)
			}
		}
		if _, err := s.cases.List(ctx, 10, "lost"); err == nil {
			t.Error("List of an unknown status: no error")
		}
	})
}

func TestCaseAddPost(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		c := mustCreate(t, s, newCase(owner, "", t0))
		for _, p := range []bot.Post{
			{Channel: "slack:C1", Ref: "1700000000.000100"},
			{Channel: "discord:42", Ref: "998877"},
			{Channel: "slack:C1", Ref: "1700000000.000200"}, // re-posted: replaces
			{Channel: "discord:42", Ref: "998877"},          // retried: no change
		} {
			if err := s.cases.AddPost(ctx, c.ID, p); err != nil {
				t.Fatal(err)
			}
		}
		want := []bot.Post{{Channel: "slack:C1", Ref: "1700000000.000200"}, {Channel: "discord:42", Ref: "998877"}}
		if got := mustGet(t, s, c.ID).Posts; !reflect.DeepEqual(got, want) {
			t.Errorf("posts = %+v, want %+v", got, want)
		}
		if err := s.cases.AddPost(ctx, "ESC-9999", want[0]); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("AddPost to an unknown case: %v, want ErrNotFound", err)
		}
	})
}

func TestCaseAddAudit(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		c := caseIn(t, s, bot.StatusClaimed, owner, "")
		added := []bot.AuditEntry{
			{At: t0.Add(2 * time.Minute), Actor: owner, Name: "Olive", Action: "owner_message", Text: "any news?"},
			{At: t0.Add(3 * time.Minute), Actor: "slack:T1:DANA", Name: "Dana", Action: "exec_message", Text: "on it"},
			{At: t0.Add(4 * time.Minute), Actor: "slack:T1:DANA", Name: "Dana", Action: "exec_message", Text: "fixed?"},
			{At: t0.Add(5 * time.Minute), Actor: "bot", Name: "bot", Action: "attach", Text: "a second submission"},
		}
		for _, e := range added {
			if err := s.cases.AddAudit(ctx, c.ID, e); err != nil {
				t.Fatal(err)
			}
		}
		got := mustGet(t, s, c.ID)
		if got.Messages != 3 || !got.LastExec.Equal(t0.Add(4*time.Minute)) {
			t.Errorf("messages %d, last exec %s; want 3, %s", got.Messages, got.LastExec, t0.Add(4*time.Minute))
		}
		entries, err := s.cases.Audit(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2+len(added) {
			t.Fatalf("%d audit entries, want %d", len(entries), 2+len(added))
		}
		for i, e := range entries[2:] {
			e.ID = ""
			e.At = e.At.In(added[i].At.Location())
			if !reflect.DeepEqual(e, added[i]) {
				t.Errorf("entry %d = %+v, want %+v", i, e, added[i])
			}
		}
		if err := s.cases.AddAudit(ctx, "ESC-9999", added[0]); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("AddAudit to an unknown case: %v, want ErrNotFound", err)
		}
		if _, err := s.cases.Audit(ctx, "ESC-9999"); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Audit of an unknown case: %v, want ErrNotFound", err)
		}
	})
}

func TestCaseStats(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		s := newStores(r, redis.Config{})
		for i, st := range []bot.Status{bot.StatusOpen, bot.StatusOpen, bot.StatusClaimed, bot.StatusResolved, bot.StatusResolved, bot.StatusResolved, bot.StatusClosed} {
			caseIn(t, s, st, bot.Identity(fmt.Sprintf("web:%d", i)), "")
		}
		got, err := s.cases.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := bot.Stats{Open: 2, Claimed: 1, Resolved: 3, Closed: 1, Total: 7}
		if got != want {
			t.Errorf("Stats = %+v, want %+v", got, want)
		}
	})
}
