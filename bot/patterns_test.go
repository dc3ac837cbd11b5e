package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// Open cases of the same model, year and category know each other; the third one makes the
// escalation channel be told, once; a case that ends leaves its pattern.
func TestPatternsRelateAndAlert(t *testing.T) {
	h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.PatternAlertAt = 3 })
	ctx := context.Background()
	var ids []string
	for i, vin := range []string{"1HGCM82653A004353", "1HGCM82673A004354", "1HGCM82693A004355"} {
		owner := bot.Identity("web:owner" + string(rune('a'+i)))
		ids = append(ids, h.intake(t, owner, true, map[string]string{"vin": vin}))
	}
	h.msgr.mu.Lock()
	announced := slices.Clone(h.msgr.threads["announce/escalations"])
	h.msgr.mu.Unlock()
	if len(announced) != 1 || !strings.Contains(announced[0].Text, "3 open cases") || !strings.Contains(announced[0].Text, strings.Join(ids, ", ")) {
		t.Fatalf("announcements: %+v", announced)
	}
	cards, err := h.svc.Cards(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cards {
		if len(c.Related) != 2 || slices.Contains(c.Related, c.ID) {
			t.Fatalf("card %s related %v", c.ID, c.Related)
		}
	}
	if card, _ := h.msgr.card(ids[2]); len(card.Related) != 2 {
		t.Fatalf("posted card of %s lists %v", ids[2], card.Related)
	}
	// A case that ends leaves its pattern; reopened, it is back.
	mod := bot.Actor{ID: "web:mod", Name: "Mo"}
	if _, err := h.svc.Close(ctx, mod, ids[0], "duplicate"); err != nil {
		t.Fatal(err)
	}
	if open, n, _ := h.cases.OpenWith(ctx, mustCase(t, h, ids[1]).Pattern, 10); !slices.Equal(open, ids[1:]) || n != 2 {
		t.Fatalf("open in the pattern after a close: %v (%d)", open, n)
	}
	if _, err := h.svc.Reopen(ctx, mod, ids[0]); err != nil {
		t.Fatal(err)
	}
	if open, n, _ := h.cases.OpenWith(ctx, mustCase(t, h, ids[1]).Pattern, 10); !slices.Equal(open, ids) || n != 3 {
		t.Fatalf("open in the pattern after a reopen: %v (%d)", open, n)
	}
}

// A fault many owners share: a card names the newest ten others and counts the rest, and so
// do the alert and the channel's listing.
func TestPatternOfManyNamesTheNewest(t *testing.T) {
	h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.PatternAlertAt = 12 })
	ctx := context.Background()
	var ids []string
	for i := range 13 {
		owner := bot.Identity(fmt.Sprintf("web:owner%02d", i))
		ids = append(ids, h.intake(t, owner, true, map[string]string{"vin": fmt.Sprintf("1HGCM8265%dA0043%02d", i%10, i)}))
	}
	last := ids[12]
	card, _ := h.msgr.card(last)
	if want := ids[2:12]; !slices.Equal(card.Related, want) || card.RelatedMore != 2 {
		t.Fatalf("posted card of %s lists %v +%d, want %v +2", last, card.Related, card.RelatedMore, want)
	}
	h.msgr.mu.Lock()
	announced := slices.Clone(h.msgr.threads["announce/escalations"])
	h.msgr.mu.Unlock()
	// The twelfth case made the count; the alert names the newest eleven and counts the first.
	if want := "12 open cases"; len(announced) != 1 || !strings.Contains(announced[0].Text, want) ||
		!strings.Contains(announced[0].Text, strings.Join(ids[1:12], ", ")+", +1)") {
		t.Fatalf("announcements: %+v", announced)
	}
	cards, err := h.svc.Cards(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cards {
		if c.ID == ids[0] && (!slices.Equal(c.Related, ids[3:]) || c.RelatedMore != 2) {
			t.Fatalf("listed card of %s: %v +%d", c.ID, c.Related, c.RelatedMore)
		}
	}
	// The next day, the first new case of the pattern tells the channels again.
	h.clock.Advance(24 * time.Hour)
	ids = append(ids, h.intake(t, "web:owner13", true, map[string]string{"vin": "1HGCM82653A004313"}))
	h.msgr.mu.Lock()
	announced = slices.Clone(h.msgr.threads["announce/escalations"])
	h.msgr.mu.Unlock()
	if len(announced) != 2 || !strings.Contains(announced[1].Text, "14 open cases") {
		t.Fatalf("announcements the next day: %+v", announced)
	}
}

func mustCase(t *testing.T, h *harness, id string) bot.Case {
	t.Helper()
	c, err := h.cases.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
