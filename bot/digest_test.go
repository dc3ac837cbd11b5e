package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

func TestParseDaily(t *testing.T) {
	for _, bad := range []string{"8", "25:00", "08:00 Mars/Base", "08:00 UTC extra"} {
		if _, _, err := bot.ParseDaily(bad); err == nil {
			t.Errorf("ParseDaily(%q) accepted", bad)
		}
	}
	if _, ok, err := bot.ParseDaily("off"); ok || err != nil {
		t.Errorf("off: %v %v", ok, err)
	}
	d, ok, err := bot.ParseDaily("08:00 Europe/Berlin")
	if !ok || err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	// Fixed instants: pure arithmetic, no clock read. Across the spring DST change.
	from := time.Date(2027, 3, 27, 9, 0, 0, 0, berlin)
	if got, want := d.Next(from), time.Date(2027, 3, 28, 8, 0, 0, 0, berlin); !got.Equal(want) {
		t.Errorf("Next(%s) = %s, want %s", from, got, want)
	}
	if got := d.Next(time.Date(2027, 3, 27, 7, 0, 0, 0, berlin)); got.Hour() != 8 || got.Day() != 27 {
		t.Errorf("Next before 08:00 = %s", got)
	}
}

// The digest goes out once at its time, with the line's state, and the next day's is queued.
func TestDailyDigest(t *testing.T) {
	now := time.Now().UTC()
	at := now.Add(time.Hour).Format("15:04")
	daily, _, err := bot.ParseDaily(at + " UTC")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, redistest.New(t), withClocks, func(c *bot.Config) { c.DigestAt = &daily })
	ctx := context.Background()
	id := h.intake(t, "web:ann", true, nil)
	h.svc.ScheduleDigest(ctx)
	h.svc.ScheduleDigest(ctx) // a second replica starting: still one digest
	if n := len(h.dueItems(t, bot.DueDigest)); n != 1 {
		t.Fatalf("%d digests queued", n)
	}
	h.tick(t, 3*time.Hour)
	h.msgr.mu.Lock()
	posted := slices.Clone(h.msgr.threads["announce/escalations"])
	h.msgr.mu.Unlock()
	if len(posted) != 1 || !strings.Contains(posted[0].Text, "Daily digest: 1 open, 0 being handled; longest waiting "+id) ||
		!strings.Contains(posted[0].Text, "SLA breaches now: 1") {
		t.Fatalf("digest: %+v", posted)
	}
	items := h.dueItems(t, bot.DueDigest)
	if len(items) != 1 || !strings.Contains(items[0], h.clock.Now().Add(24*time.Hour).UTC().Format("2006-01-02")) && !strings.Contains(items[0], h.clock.Now().UTC().Format("2006-01-02")) {
		t.Fatalf("next digest %v", items)
	}
}
