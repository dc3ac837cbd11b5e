package web

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"

	"github.com/chromedp/chromedp"
)

func germanOperator(p *bot.Params) { p.Config.Language = conversation.LangGerman }

// With LANGUAGE=de the playground's card JSON carries the card's labels, status and severity
// in German, and its buttons; the owner's words are as written.
func TestCardJSONInTheOperatorsLanguage(t *testing.T) {
	e := newEnvOver(t, redistest.New(t), germanOperator)
	e.intake("olive")
	id := e.submit("olive", nil)
	cards := e.channel()
	if len(cards) != 1 || cards[0].ID != id {
		t.Fatalf("channel %+v", cards)
	}
	c := cards[0]
	if c.Language != conversation.LangGerman || c.StatusText != "offen" || c.Labels["owner"] != "Halter" || c.Labels["ask"] != "Der Halter wünscht" {
		t.Fatalf("card language %q, status %q, labels %v", c.Language, c.StatusText, c.Labels)
	}
	if len(c.Buttons) != 1 || c.Buttons[0].Label != "Übernehmen" || c.Buttons[0].Action != bot.ActionClaim {
		t.Fatalf("buttons %+v", c.Buttons)
	}
	if c.Ask != "A repair that fixes the charging for good" || c.Fields["outcome"] != "A repair that fixes the charging for good" {
		t.Fatalf("the owner's words changed: ask %q, outcome %q", c.Ask, c.Fields["outcome"])
	}
	code, claimed := e.exec("Dana", bot.ActionClaim, id, "")
	if code != 200 || claimed.Card.StatusText != "übernommen" || len(claimed.Card.Buttons) != 3 || claimed.Card.Buttons[0].Label != "Antworten" {
		t.Fatalf("claim: %d %+v", code, claimed.Card)
	}
}

// The playground page shows the card in the operator's language, in headless Chromium.
func TestCardPageInTheOperatorsLanguage(t *testing.T) {
	e := newEnvOver(t, redistest.New(t), germanOperator)
	e.intake("olive")
	id := e.submit("olive", nil)
	ctx := browser(t, e.srv.URL, 1400, 900)
	card := `#cases .card[data-case="` + id + `"]`
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(card))); err != nil {
		t.Fatalf("no card %s: %v", id, err)
	}
	for sel, want := range map[string]string{
		card + " .status":                           "offen",
		card + " .meta":                             "Halter: olive",
		card + " .ask-label":                        "Der Halter wünscht:",
		card + ` button[data-action="claim"]`:       "Übernehmen",
		card + " .ask-text":                         "A repair that fixes the charging for good",
		card + ` .fields dd[data-field="location"]`: "Austin, Texas",
	} {
		// The page redraws a card when news of it arrives, so a node found may be gone a moment
		// later: the text is read in one step, again until it shows or time is up.
		var got string
		var err error
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			got, err = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+strconv.Quote(sel)+`) || {}).textContent || ""`))
			if err == nil && strings.Contains(got, want) || time.Now().After(deadline) {
				break
			}
		}
		if err != nil || !strings.Contains(got, want) {
			t.Errorf("%s = %q (%v), want %q", sel, got, err, want)
		}
	}
}

// browser opens url in headless Chromium with a window of width × height and returns the
// context to run steps in, each bounded.
func browser(t *testing.T, url string, width, height int) context.Context {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(width, height),
	)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open the playground: %v", err)
	}
	steps, cancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	return steps
}
