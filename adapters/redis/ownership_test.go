package redis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// A pending case holds its owner's index but not the VIN's; let through, it takes the VIN's
// only when it is free. A case whose owner is not verified never takes the VIN's.
func TestCasePendingAndOwnershipIndexes(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		const vin = "5YJ3E1EA4KF317001"
		held := newCase("web:eve", vin, t0)
		held.Status, held.Ownership = bot.StatusPending, bot.OwnershipUnknown
		held = mustCreate(t, s, held)
		if got := mustGet(t, s, held.ID); got.Status != bot.StatusPending || got.Ownership != bot.OwnershipUnknown {
			t.Fatalf("held case stored as %s %q", got.Status, got.Ownership)
		}
		if _, err := s.cases.Create(ctx, newCase("web:eve", "5YJSA1E29HF000002", t0)); !errors.Is(err, bot.ErrOwnerHasOpenCase) {
			t.Errorf("second case of a held owner: %v", err)
		}
		owned := newCase("web:ann", vin, t0)
		owned.Ownership = bot.OwnershipVerified
		owned = mustCreate(t, s, owned) // the held case does not block the vehicle
		if list, err := s.cases.List(ctx, 10, bot.StatusPending); err != nil || len(list) != 1 || list[0].ID != held.ID {
			t.Errorf("pending list %v %v", list, err)
		}
		if st, err := s.cases.Stats(ctx); err != nil || st.Pending != 1 || st.Open != 1 || st.Total != 2 {
			t.Errorf("stats %+v %v", st, err)
		}

		// Let through while ann's case holds the vehicle: not refused, and ann's index stays.
		got, err := s.cases.Transition(ctx, held.ID, bot.Transition{From: []bot.Status{bot.StatusPending}, To: bot.StatusOpen, Action: "verify", At: t0.Add(time.Minute)})
		if err != nil || got.Status != bot.StatusOpen || got.Ownership != bot.OwnershipVerified {
			t.Fatalf("verify: %s %q %v", got.Status, got.Ownership, err)
		}
		if _, err := s.cases.Create(ctx, newCase("web:zed", vin, t0)); err == nil {
			t.Error("the vehicle lost its index")
		} else if c, _ := s.cases.Get(ctx, owned.ID); !errors.Is(err, bot.ErrVINHasOpenCase) || c.ID != owned.ID {
			t.Errorf("third case of the vehicle: %v", err)
		}

		// A held case closed frees its owner.
		other := newCase("web:kim", "7SAYGDEE7PA000003", t0)
		other.Status, other.Ownership = bot.StatusPending, bot.OwnershipUnverified
		other = mustCreate(t, s, other)
		if _, err := s.cases.Transition(ctx, other.ID, bot.Transition{From: []bot.Status{bot.StatusPending}, To: bot.StatusClosed, Action: "close", Note: "not an owner"}); err != nil {
			t.Fatal(err)
		}
		if id, _ := openCaseOf(t, s, "web:kim"); id != "" {
			t.Errorf("owner index after closing a held case = %q", id)
		}

		// Not verified, open (flag): the vehicle's index is not taken, and verify and unverify
		// change the case's ownership.
		flagged := newCase("web:lou", "5YJYGDEE4MF000004", t0)
		flagged.Ownership = bot.OwnershipUnverified
		flagged = mustCreate(t, s, flagged)
		real := newCase("web:max", "5YJYGDEE4MF000004", t0)
		real.Ownership = bot.OwnershipVerified
		if _, err := s.cases.Create(ctx, real); err != nil {
			t.Errorf("the owner's case of a vehicle an unverified case named: %v", err)
		}
		for _, step := range []struct {
			action string
			want   bot.Ownership
		}{{"verify", bot.OwnershipVerified}, {"unverify", bot.OwnershipUnverified}} {
			if err := s.cases.AddAudit(ctx, flagged.ID, bot.AuditEntry{At: t0, Actor: "web:mod", Action: step.action}); err != nil {
				t.Fatal(err)
			}
			if got := mustGet(t, s, flagged.ID); got.Ownership != step.want {
				t.Errorf("after %s: %q", step.action, got.Ownership)
			}
		}
	})
}

func TestVerificationsAndProofs(t *testing.T) {
	r := redistest.New(t)
	v := redis.NewVerifications(r.Client, redis.Config{Tenant: r.Tenant})
	ctx := context.Background()
	const vin = "5YJ3E1EA4KF317001"
	if ok, err := v.Verified(ctx, "web:ann", vin); ok || err != nil {
		t.Fatalf("verified before: %v %v", ok, err)
	}
	if err := v.Verify(ctx, "web:ann", vin); err != nil {
		t.Fatal(err)
	}
	if ok, _ := v.Verified(ctx, "web:ann", vin); !ok {
		t.Error("not verified after Verify")
	}
	if had, _ := v.Unverify(ctx, "web:ann", vin); !had {
		t.Error("Unverify found nothing")
	}
	if had, _ := v.Unverify(ctx, "web:ann", vin); had {
		t.Error("Unverify twice found it")
	}

	p := bot.Proof{ID: "p1", Owner: "web:eve", OwnerName: "Eve", VIN: vin, CaseID: "ESC-1001", At: t0,
		Photo: bot.File{Name: "r.png", ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G', 0, 1, 2}}}
	if err := v.AddProof(ctx, p, time.Hour); err != nil {
		t.Fatal(err)
	}
	again := p
	again.Photo.Data = []byte("other")
	if err := v.AddProof(ctx, again, time.Hour); !errors.Is(err, bot.ErrDuplicateEvent) {
		t.Fatalf("the same proof added twice: %v", err)
	}
	got, err := v.GetProof(ctx, "p1")
	if err != nil || got.Owner != p.Owner || string(got.Photo.Data) != string(p.Photo.Data) || got.Photo.ContentType != "image/png" || got.Decision != "" {
		t.Fatalf("get %+v %v", got, err)
	}
	if w, err := v.WaitingProofs(ctx, 10); err != nil || len(w) != 1 || w[0].ID != "p1" || w[0].Photo.Data != nil {
		t.Fatalf("waiting %+v %v", w, err)
	}
	if d, err := v.DecideProof(ctx, "p1", bot.ProofApproved, "web:mod"); err != nil || d.Decision != bot.ProofApproved || d.By != "web:mod" {
		t.Fatalf("decide %+v %v", d, err)
	}
	if d, err := v.DecideProof(ctx, "p1", bot.ProofRejected, "web:other"); !errors.Is(err, bot.ErrWrongStatus) || d.Decision != bot.ProofApproved {
		t.Errorf("decide twice %+v %v", d, err)
	}
	if w, _ := v.WaitingProofs(ctx, 10); len(w) != 0 {
		t.Errorf("still waiting %+v", w)
	}
	if _, err := v.DecideProof(ctx, "nope", bot.ProofApproved, "web:mod"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("unknown proof: %v", err)
	}
	if _, err := v.GetProof(ctx, "nope"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("unknown proof: %v", err)
	}
}
