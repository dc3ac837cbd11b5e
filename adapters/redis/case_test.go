package redis_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

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
			if id, _ := openCaseOf(t, s, in.Owner); id != want {
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
		if id, err := openCaseOf(t, s, "web:nobody"); id != "" || err != nil {
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
		// Refusals store nothing. Without a preset id Create reserves one first, so the ids of
		// the refused creations (ESC-1002, ESC-1003) stay unused: a gap, nothing more.
		next := mustCreate(t, s, newCase("discord:99", "", t0))
		if next.ID != "ESC-1004" {
			t.Errorf("next id = %s, want ESC-1004", next.ID)
		}
		for _, id := range []string{"ESC-1002", "ESC-1003"} {
			if _, err := s.cases.Get(ctx, id); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("refused %s: Get = %v, want ErrNotFound", id, err)
			}
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
				openID, _ := openCaseOf(t, s, who)
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
					if got.ClaimedBy != "" || got.ClaimedByName != "" || !got.ClaimedAt.IsZero() || !got.EndedAt.IsZero() || got.EndedBy != "" || got.Note != "" {
						t.Errorf("%s: open case keeps claim, note or end fields: %+v", name, got)
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
		if id, _ := openCaseOf(t, s, owner); id != "" {
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
		if id, _ := openCaseOf(t, s, owner); id != second.ID {
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
		if id, _ := openCaseOf(t, s, owner); id != current.ID {
			t.Errorf("owner index = %q, want %s", id, current.ID)
		}

		// The same with the vehicle: another owner opened a case for it.
		byVIN := caseIn(t, s, bot.StatusResolved, "discord:1", "VIN00000000000003")
		other := mustCreate(t, s, newCase("discord:2", "VIN00000000000003", t0))
		if _, err := s.cases.Transition(ctx, byVIN.ID, reopen); !errors.Is(err, bot.ErrVINHasOpenCase) || !strings.Contains(err.Error(), other.ID) {
			t.Errorf("reopen while the VIN has %s: %v", other.ID, err)
		}
		if id, _ := openCaseOf(t, s, "discord:1"); id != "" {
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

func TestCaseNextID(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		var ids []string
		for range 3 {
			id, err := s.cases.NextID(ctx)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if !slices.Equal(ids, []string{"ESC-1001", "ESC-1002", "ESC-1003"}) {
			t.Fatalf("NextID = %v", ids)
		}
		// Reserving creates nothing; creating a reserved id takes no other id.
		if _, err := s.cases.Get(ctx, ids[0]); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("reserved id is a case: %v", err)
		}
		in := newCase(owner, "", t0)
		in.ID = ids[1]
		if c := mustCreate(t, s, in); c.ID != ids[1] {
			t.Errorf("created %s, want the reserved %s", c.ID, ids[1])
		}
		if c := mustCreate(t, s, newCase("web:other", "", t0)); c.ID != "ESC-1004" {
			t.Errorf("next created %s, want ESC-1004", c.ID)
		}
	})
}

func TestCaseCreateReservedID(t *testing.T) {
	const vin = "5YJ3E1EA2KF317000"
	tests := []struct {
		name    string
		prepare func(t *testing.T, s stores) // before the creation of ESC-1500 by owner
		id      string
		wantErr error // nil: no error
		invalid bool  // an error that is none of the sentinels
		want    func(t *testing.T, s stores, got bot.Case)
	}{
		{name: "new", id: "ESC-1500"},
		{name: "retried", id: "ESC-1500", prepare: func(t *testing.T, s stores) {
			in := newCase(owner, vin, t0)
			in.ID = "ESC-1500"
			mustCreate(t, s, in)
		}},
		{name: "retried after a claim", id: "ESC-1500", prepare: func(t *testing.T, s stores) {
			in := newCase(owner, vin, t0)
			in.ID = "ESC-1500"
			mustCreate(t, s, in)
			if _, err := s.cases.Transition(context.Background(), in.ID, claim); err != nil {
				t.Fatal(err)
			}
		}, want: func(t *testing.T, s stores, got bot.Case) {
			if got.Status != bot.StatusClaimed || got.ClaimedBy != claim.Actor {
				t.Errorf("returned %s claimed by %q, want the stored claimed case", got.Status, got.ClaimedBy)
			}
		}},
		{name: "retried after the case ended and the owner opened another", id: "ESC-1500", prepare: func(t *testing.T, s stores) {
			in := newCase(owner, vin, t0)
			in.ID = "ESC-1500"
			mustCreate(t, s, in)
			if _, err := s.cases.Transition(context.Background(), in.ID, closeT); err != nil {
				t.Fatal(err)
			}
			mustCreate(t, s, newCase(owner, vin, t0))
		}, want: func(t *testing.T, s stores, got bot.Case) {
			if got.ID != "ESC-1500" || got.Status != bot.StatusClosed {
				t.Errorf("returned %s %s, want the stored closed ESC-1500", got.ID, got.Status)
			}
		}},
		{name: "owner has another case", id: "ESC-1500", wantErr: bot.ErrOwnerHasOpenCase, prepare: func(t *testing.T, s stores) {
			mustCreate(t, s, newCase(owner, "", t0))
		}},
		{name: "VIN has another case", id: "ESC-1500", wantErr: bot.ErrVINHasOpenCase, prepare: func(t *testing.T, s stores) {
			mustCreate(t, s, newCase("web:someone", vin, t0))
		}},
		{name: "no number", id: "ESC-", invalid: true},
		{name: "lower case", id: "esc-1500", invalid: true},
		{name: "not a number", id: "ESC-15x0", invalid: true},
		{name: "13 digits", id: "ESC-1234567890123", invalid: true},
		{name: "trailing space", id: "ESC-1500 ", invalid: true},
		{name: "key injection", id: "ESC-1}:x", invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, r *redistest.Redis) {
				ctx := context.Background()
				s := newStores(r, redis.Config{})
				if tt.prepare != nil {
					tt.prepare(t, s)
				}
				before, _ := s.cases.Stats(ctx)
				auditBefore, _ := s.cases.Audit(ctx, tt.id)
				in := newCase(owner, vin, t0)
				in.ID = tt.id
				got, err := s.cases.Create(ctx, in)
				switch {
				case tt.invalid:
					if err == nil || errors.Is(err, bot.ErrNotFound) {
						t.Fatalf("Create(%q) = %v, want a refusal of the id", tt.id, err)
					}
				case tt.wantErr != nil:
					if !errors.Is(err, tt.wantErr) || got.ID == tt.id || got.ID == "" {
						t.Fatalf("Create = %s, %v; want the other case and %v", got.ID, err, tt.wantErr)
					}
				case err != nil:
					t.Fatal(err)
				default:
					if got.ID != tt.id {
						t.Errorf("created %s, want %s", got.ID, tt.id)
					}
					if stored := mustGet(t, s, tt.id); !sameCase(stored, got) {
						t.Errorf("returned %+v\nstored %+v", got, stored)
					}
					if a := auditActions(t, s, tt.id); a[0] != "created" || len(a) != max(1, len(auditBefore)) {
						t.Errorf("audit = %v: one created entry, none added by a retry", a)
					}
					if tt.want != nil {
						tt.want(t, s, got)
					}
				}
				if err != nil || tt.prepare != nil {
					// Refused or retried: nothing new stored.
					if after, _ := s.cases.Stats(ctx); after != before {
						t.Errorf("stats %+v, were %+v", after, before)
					}
				}
				if err != nil {
					if _, err := s.cases.Get(ctx, tt.id); !errors.Is(err, bot.ErrNotFound) {
						t.Errorf("refused %q: Get = %v, want ErrNotFound", tt.id, err)
					}
				}
			})
		})
	}
}

func TestCaseTransitionOnlyClaimer(t *testing.T) {
	dana, eve := claim.Actor, bot.Identity("slack:T1:EVE")
	only := func(tr bot.Transition, who bot.Identity) bot.Transition {
		tr.OnlyClaimer = who
		return tr
	}
	releaseAny := bot.Transition{From: []bot.Status{bot.StatusOpen, bot.StatusClaimed}, To: bot.StatusOpen, Action: "release", Actor: dana}
	tests := []struct {
		name    string
		from    bot.Status // claimed means claimed by Dana
		tr      bot.Transition
		wantErr error
	}{
		{"claimer resolves", bot.StatusClaimed, only(resolve, dana), nil},
		{"claimer releases", bot.StatusClaimed, only(release, dana), nil},
		{"another resolves", bot.StatusClaimed, only(resolve, eve), bot.ErrNotClaimer},
		{"another releases", bot.StatusClaimed, only(release, eve), bot.ErrNotClaimer},
		{"unclaimed case", bot.StatusOpen, only(releaseAny, dana), bot.ErrNotClaimer},
		{"wrong status first", bot.StatusResolved, only(resolve, eve), bot.ErrWrongStatus},
		{"no restriction", bot.StatusClaimed, resolve, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, r *redistest.Redis) {
				ctx := context.Background()
				s := newStores(r, redis.Config{})
				before := caseIn(t, s, tt.from, owner, "VIN00000000000001")
				auditBefore := auditActions(t, s, before.ID)
				got, err := s.cases.Transition(ctx, before.ID, at(tt.tr, t0.Add(time.Hour)))
				if tt.wantErr == nil {
					if err != nil || got.Status != tt.tr.To {
						t.Fatalf("Transition = %s, %v; want %s", got.Status, err, tt.tr.To)
					}
					return
				}
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Transition: %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), before.ID) {
					t.Errorf("error %q does not name the case", err)
				}
				if !sameCase(got, before) {
					t.Errorf("returned %+v, want the current case %+v", got, before)
				}
				if after := mustGet(t, s, before.ID); !sameCase(after, before) {
					t.Errorf("refused, yet the case changed: %+v", after)
				}
				if a := auditActions(t, s, before.ID); !slices.Equal(a, auditBefore) {
					t.Errorf("refused, yet audit is %v", a)
				}
			})
		})
	}
}

// Resolve or close keep the claimer for the record; a reopen starts clean, with no old note.
func TestCaseEndAndReopenFields(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		for _, end := range []bot.Transition{resolve, closeT} {
			c := caseIn(t, s, bot.StatusClaimed, bot.Identity("web:"+end.Action), "")
			ended, err := s.cases.Transition(ctx, c.ID, at(end, t0.Add(time.Hour)))
			if err != nil {
				t.Fatal(err)
			}
			if ended.ClaimedBy != claim.Actor || ended.ClaimedByName != claim.Name || !ended.ClaimedAt.Equal(c.ClaimedAt) {
				t.Errorf("%s: claim fields %q %q %s, want Dana's kept", end.Action, ended.ClaimedBy, ended.ClaimedByName, ended.ClaimedAt)
			}
			if ended.Note != end.Note || ended.EndedBy != end.Actor {
				t.Errorf("%s: note %q by %s", end.Action, ended.Note, ended.EndedBy)
			}
			if _, err := s.cases.Transition(ctx, c.ID, at(reopen, t0.Add(2*time.Hour))); err != nil {
				t.Fatal(err)
			}
			got := mustGet(t, s, c.ID)
			if got.Status != bot.StatusOpen || got.Note != "" || !got.EndedAt.IsZero() || got.EndedBy != "" ||
				got.ClaimedBy != "" || got.ClaimedByName != "" || !got.ClaimedAt.IsZero() {
				t.Errorf("reopened after %s: %+v, want no note, end or claim", end.Action, got)
			}
		}
		// Reopening straight into a claim also drops the old note and end.
		c := caseIn(t, s, bot.StatusResolved, "web:reclaim", "")
		reclaim := bot.Transition{From: []bot.Status{bot.StatusResolved}, To: bot.StatusClaimed, Action: "assign", Actor: "slack:T1:MOD", Claimer: "slack:T1:EVE"}
		got, err := s.cases.Transition(ctx, c.ID, reclaim)
		if err != nil {
			t.Fatal(err)
		}
		if got.Note != "" || !got.EndedAt.IsZero() || got.EndedBy != "" || got.ClaimedBy != "slack:T1:EVE" {
			t.Errorf("reclaimed: %+v, want claimed by Eve without note or end", got)
		}
	})
}

func TestCaseAddAuditChecks(t *testing.T) {
	const eve = bot.Identity("web:eve")
	entry := func(action, event string) bot.AuditEntry {
		return bot.AuditEntry{At: t0.Add(time.Hour), Actor: eve, Name: "Eve", Action: action, Text: "x", EventID: event}
	}
	tests := []struct {
		name      string
		status    bot.Status
		before    []bot.AuditEntry // added first, each must succeed
		resolve   bool             // then the case is resolved
		add       bot.AuditEntry
		wantErr   error
		appended  bool
		messages  int
		watchers  []bot.Identity
		seenAfter bool // the event id is marked seen afterwards
	}{
		{name: "owner message", status: bot.StatusOpen, add: entry("owner_message", "ev-1"), appended: true, messages: 1, seenAfter: true},
		{name: "owner message replayed", status: bot.StatusOpen, before: []bot.AuditEntry{entry("owner_message", "ev-1")},
			add: entry("owner_message", "ev-1"), wantErr: bot.ErrDuplicateEvent, messages: 1, seenAfter: true},
		{name: "replayed after the case ended", status: bot.StatusClaimed, before: []bot.AuditEntry{entry("owner_message", "ev-1")}, resolve: true,
			add: entry("owner_message", "ev-1"), wantErr: bot.ErrDuplicateEvent, messages: 1, seenAfter: true},
		{name: "another event", status: bot.StatusClaimed, before: []bot.AuditEntry{entry("exec_message", "ev-1")},
			add: entry("exec_message", "ev-2"), appended: true, messages: 2, seenAfter: true},
		{name: "no event id: never deduplicated", status: bot.StatusClaimed, before: []bot.AuditEntry{entry("exec_message", "")},
			add: entry("exec_message", ""), appended: true, messages: 2},
		{name: "owner message to a resolved case", status: bot.StatusResolved, add: entry("owner_message", "ev-1"), wantErr: bot.ErrWrongStatus},
		{name: "exec message to a closed case", status: bot.StatusClosed, add: entry("exec_message", "ev-1"), wantErr: bot.ErrWrongStatus},
		{name: "attach to a closed case", status: bot.StatusClosed, add: entry("attach", "ev-1"), wantErr: bot.ErrWrongStatus},
		{name: "attach", status: bot.StatusOpen, add: entry("attach", "ev-1"), appended: true, watchers: []bot.Identity{eve}, seenAfter: true},
		{name: "attach twice", status: bot.StatusClaimed, before: []bot.AuditEntry{entry("attach", "ev-0")},
			add: entry("attach", "ev-1"), appended: true, watchers: []bot.Identity{eve}, seenAfter: true},
		{name: "two watchers", status: bot.StatusClaimed, before: []bot.AuditEntry{{Actor: "web:ann", Action: "attach"}},
			add: entry("attach", ""), appended: true, watchers: []bot.Identity{"web:ann", eve}},
		{name: "other actions on an ended case", status: bot.StatusClosed, add: entry("note", ""), appended: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, r *redistest.Redis) {
				ctx := context.Background()
				s := newStores(r, redis.Config{DedupeTTL: time.Hour})
				c := caseIn(t, s, tt.status, owner, "")
				for _, e := range tt.before {
					if err := s.cases.AddAudit(ctx, c.ID, e); err != nil {
						t.Fatalf("set up %s: %v", e.Action, err)
					}
				}
				if tt.resolve {
					if _, err := s.cases.Transition(ctx, c.ID, resolve); err != nil {
						t.Fatal(err)
					}
				}
				auditBefore := auditActions(t, s, c.ID)
				err := s.cases.AddAudit(ctx, c.ID, tt.add)
				if tt.wantErr == nil && err != nil || !errors.Is(err, tt.wantErr) {
					t.Fatalf("AddAudit: %v, want %v", err, tt.wantErr)
				}
				if err != nil && !strings.Contains(err.Error(), c.ID) {
					t.Errorf("error %q does not name the case", err)
				}
				a := auditActions(t, s, c.ID)
				if appended := len(a) == len(auditBefore)+1 && a[len(a)-1] == tt.add.Action; appended != tt.appended || len(a) > len(auditBefore)+1 {
					t.Errorf("audit %v after %v, want appended: %v", a, auditBefore, tt.appended)
				}
				got := mustGet(t, s, c.ID)
				if got.Messages != tt.messages || !slices.Equal(got.Watchers, tt.watchers) {
					t.Errorf("messages %d, watchers %v; want %d, %v", got.Messages, got.Watchers, tt.messages, tt.watchers)
				}
				if tt.add.EventID != "" {
					seen := s.rdb.Exists(ctx, s.keys.SeenAudit(tt.add.EventID)).Val() == 1
					if seen != tt.seenAfter {
						t.Errorf("event %s seen: %v, want %v", tt.add.EventID, seen, tt.seenAfter)
					}
					if seen {
						if d := pttl(t, s.rdb, s.keys.SeenAudit(tt.add.EventID)); d <= 0 || d > time.Hour {
							t.Errorf("seen mark TTL = %s, want up to DedupeTTL", d)
						}
					}
				}
			})
		})
	}
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		s := newStores(r, redis.Config{})
		err := s.cases.AddAudit(context.Background(), "ESC-9999", entry("attach", "ev-1"))
		if !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("AddAudit to an unknown case: %v, want ErrNotFound", err)
		}
		if n := s.rdb.Exists(context.Background(), s.keys.SeenAudit("ev-1")).Val(); n != 0 {
			t.Error("AddAudit to an unknown case left a seen mark")
		}
	})
}

// Audit returns the newest AuditLimit entries, oldest first.
func TestCaseAuditLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		c := mustCreate(t, s, newCase(owner, "", t0))
		const extra = 20
		_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for i := range redis.AuditLimit + extra - 1 { // with "created": AuditLimit + extra
				p.XAdd(ctx, &goredis.XAddArgs{Stream: s.keys.Audit(c.ID), Values: []any{
					"at", t0.UnixMilli(), "actor", string(owner), "name", "", "action", "owner_message", "text", fmt.Sprint(i + 1)}})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		entries, err := s.cases.Audit(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != redis.AuditLimit {
			t.Fatalf("%d entries, want %d", len(entries), redis.AuditLimit)
		}
		first, last := entries[0], entries[len(entries)-1]
		if first.Text != fmt.Sprint(extra) || last.Text != fmt.Sprint(redis.AuditLimit+extra-1) {
			t.Errorf("entries %s..%s, want %d..%d", first.Text, last.Text, extra, redis.AuditLimit+extra-1)
		}
		for i := 1; i < len(entries); i++ {
			if streamIDLess(entries[i].ID, entries[i-1].ID) {
				t.Fatalf("not oldest first: %s, then %s", entries[i-1].ID, entries[i].ID)
			}
		}
	})
}

// streamIDLess orders Redis stream ids ("ms-seq") numerically, as Redis does.
func streamIDLess(a, b string) bool {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	an, _ := strconv.ParseInt(am, 10, 64)
	bn, _ := strconv.ParseInt(bm, 10, 64)
	if an != bn {
		return an < bn
	}
	aseq, _ := strconv.ParseInt(as, 10, 64)
	bseq, _ := strconv.ParseInt(bs, 10, 64)
	return aseq < bseq
}

// changeOwnerHook rewrites a case's owner field just before each of the first n scripts run,
// as if something else wrote the hash between Transition's read and its script.
type changeOwnerHook struct {
	rdb  goredis.UniversalClient
	key  string
	n    int
	runs int
}

func (h *changeOwnerHook) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (h *changeOwnerHook) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}

func (h *changeOwnerHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		if name := cmd.Name(); (name == "evalsha" || name == "eval") && h.runs < h.n {
			h.runs++
			if err := h.rdb.HSet(ctx, h.key, "owner", fmt.Sprintf("web:moved-%d", h.runs)).Err(); err != nil {
				return err
			}
		}
		return next(ctx, cmd)
	}
}

// The script refuses index keys that no longer match the hash; Transition reads again and
// retries a few times, then gives up without writing.
func TestCaseTransitionOwnerChanged(t *testing.T) {
	tests := []struct {
		changes int
		ok      bool
	}{{1, true}, {2, true}, {3, false}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.changes), func(t *testing.T) {
			eachBackend(t, func(t *testing.T, r *redistest.Redis) {
				ctx := context.Background()
				s := newStores(r, redis.Config{})
				c := caseIn(t, s, bot.StatusClaimed, owner, "")
				other := r.NewClient(t)
				other.AddHook(&changeOwnerHook{rdb: r.Client, key: s.keys.Case(c.ID), n: tt.changes})
				cases := redis.NewCaseStore(other, s.cfg)
				got, err := cases.Transition(ctx, c.ID, resolve)
				if !tt.ok {
					if err == nil || errors.Is(err, bot.ErrWrongStatus) {
						t.Fatalf("Transition = %v, want a failure after retries", err)
					}
					if after := mustGet(t, s, c.ID); after.Status != bot.StatusClaimed {
						t.Errorf("failed, yet the case is %s", after.Status)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				moved := bot.Identity(fmt.Sprintf("web:moved-%d", tt.changes))
				if got.Status != bot.StatusResolved || got.Owner != moved {
					t.Errorf("resolved %s of %s, want resolved of %s", got.Status, got.Owner, moved)
				}
			})
		})
	}
}

// openCaseOf reads the owner index: the id of the owner's open case, or "".
func openCaseOf(t *testing.T, s stores, owner bot.Identity) (string, error) {
	t.Helper()
	id, err := s.rdb.Get(context.Background(), s.keys.Owner(owner)).Result()
	if errors.Is(err, goredis.Nil) {
		return "", nil
	}
	return id, err
}

// A change and its outbox item are stored together: the item is in the due queue exactly when
// the change happened, and the audit entry names it.
func TestCaseOutbox(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		due := redis.NewDueQueue(r.Client, s.cfg)
		c := caseIn(t, s, bot.StatusOpen, owner, "")
		item := func(ref string) *bot.DueItem {
			return &bot.DueItem{Kind: bot.DueDeliver, CaseID: c.ID, Ref: ref, At: t0.Add(time.Minute)}
		}
		claim := bot.Transition{From: []bot.Status{bot.StatusOpen}, To: bot.StatusClaimed, Action: "claim",
			Actor: "slack:T1:DANA", Name: "Dana", At: t0, FollowUp: item("r1")}
		if _, err := s.cases.Transition(ctx, c.ID, claim); err != nil {
			t.Fatal(err)
		}
		// Refused changes leave no item: a second claim, a reply to a case not open, a replay.
		claim.FollowUp = item("r2")
		if _, err := s.cases.Transition(ctx, c.ID, claim); !errors.Is(err, bot.ErrWrongStatus) {
			t.Fatalf("second claim: %v", err)
		}
		reply := bot.AuditEntry{At: t0, Actor: "slack:T1:DANA", Name: "Dana", Action: "exec_message", Text: "on it", EventID: "v1", FollowUp: item("r3")}
		if err := s.cases.AddAudit(ctx, c.ID, reply); err != nil {
			t.Fatal(err)
		}
		reply.FollowUp = item("r4")
		if err := s.cases.AddAudit(ctx, c.ID, reply); !errors.Is(err, bot.ErrDuplicateEvent) {
			t.Fatalf("replayed reply: %v", err)
		}

		items, err := due.TakeDue(ctx, t0.Add(time.Hour), time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, it := range items {
			if it.Kind != bot.DueDeliver || it.CaseID != c.ID || !it.At.Equal(t0.Add(time.Minute)) {
				t.Errorf("outbox item %+v", it)
			}
			refs = append(refs, it.Ref)
		}
		slices.Sort(refs)
		if !reflect.DeepEqual(refs, []string{"r1", "r3"}) {
			t.Fatalf("outbox refs %v, want [r1 r3]", refs)
		}
		entries, err := s.cases.Audit(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var named []string
		for _, e := range entries {
			if e.Ref != "" {
				named = append(named, e.Action+"="+e.Ref)
			}
		}
		if !reflect.DeepEqual(named, []string{"claim=r1", "exec_message=r3"}) {
			t.Fatalf("entries naming their outbox item: %v", named)
		}
		// What a partial delivery noted survives a reschedule.
		next := items[0]
		next.Sent = []string{"cards", "dm:web:ann"}
		if err := due.Reschedule(ctx, items[0], next); err != nil {
			t.Fatal(err)
		}
		again, err := due.TakeDue(ctx, t0.Add(2*time.Hour), time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range again {
			found = found || (it.Ref == next.Ref && reflect.DeepEqual(it.Sent, next.Sent))
		}
		if !found {
			t.Fatalf("rescheduled item lost what was sent: %+v", again)
		}
	})
}
