package web

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"escalation-bot/bot"

	"github.com/chromedp/chromedp"
)

// The card's buttons carry what the case action table says of them: the style, and the form
// of an action that asks for a text first.
func TestCardButtonsFromTheTable(t *testing.T) {
	e := newEnv(t)
	e.intake("olive")
	id := e.submit("olive", nil)
	code, claimed := e.exec("Dana", bot.ActionClaim, id, "")
	if code != 200 {
		t.Fatalf("claim: %d", code)
	}
	var got []string
	for _, b := range claimed.Card.Buttons {
		ca, ok := bot.CaseActionNamed(b.Action)
		if !ok {
			t.Fatalf("button %+v is not in the table", b)
		}
		form := "none"
		if b.Form != nil {
			form = fmt.Sprintf("%s/%s/%d/%t", b.Form.Label, b.Form.Submit, b.Form.MaxLength, b.Form.Required)
		}
		want := "none"
		if f := ca.Form; f != nil {
			want = fmt.Sprintf("%s/%s/%d/%t", f.Label, f.Submit, f.Limit, f.Required)
		}
		if b.Style != ca.Style || form != want {
			t.Errorf("%s: style %q form %s, want %q %s", b.Action, b.Style, form, ca.Style, want)
		}
		got = append(got, b.Action)
	}
	if fmt.Sprint(got) != fmt.Sprint([]string{bot.ActionReply, bot.ActionResolve, bot.ActionRelease}) {
		t.Errorf("claimed card buttons %v", got)
	}
}

// In the page, Resolve opens the form the table describes, and its submission resolves the case.
func TestResolveFormInThePage(t *testing.T) {
	e := newEnv(t)
	e.intake("olive")
	id := e.submit("olive", nil)
	ctx := browser(t, e.srv.URL, 1400, 900)
	card := `#cases .card[data-case="` + id + `"]`
	input := card + ` .card-prompt input[data-note-for="resolve"]`
	// The page redraws a card when news of it arrives, so a node found may be gone a moment
	// later: each step finds and acts in one evaluation, again until it holds.
	poll := func(js string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(20*time.Second))
	}
	q := strconv.Quote
	claimed := card + `[data-status="claimed"]`
	openResolve := `(() => { const i = document.querySelector(` + q(input) + `); if (i && i.offsetParent !== null) return true;
		const b = document.querySelector(` + q(claimed+` button[data-action="resolve"]`) + `); if (b) b.click(); return false; })()`
	if err := chromedp.Do(ctx,
		poll(`(() => { const b = document.querySelector(`+q(card+` button[data-action="claim"]`)+`); if (b) b.click(); return b !== null; })()`),
		poll(`document.querySelector(`+q(claimed)+`) !== null`),
		poll(openResolve),
	); err != nil {
		t.Fatalf("open the resolve form: %v", err)
	}
	ca, _ := bot.CaseActionNamed(bot.ActionResolve)
	shown, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => { const i = document.querySelector(`+q(input)+`); if (!i) { `+openResolve+`; return ""; }
		return i.placeholder + "|" + i.maxLength + "|" + i.form.querySelector(".prompt-send").textContent; })()`, chromedp.WithPollingTimeout(20*time.Second)))
	if want := fmt.Sprintf("%s|%d|%s", ca.Form.Label, ca.Form.Limit, ca.Form.Submit); err != nil || shown != want {
		t.Errorf("form shows %q (%v), want %q", shown, err, want)
	}
	if err := chromedp.Do(ctx,
		poll(`(() => { const i = document.querySelector(`+q(input)+`); if (!i || i.offsetParent === null) { `+openResolve+`; return false; }
			i.value = "We replaced the charger."; i.form.querySelector(".prompt-send").click(); return true; })()`),
		poll(`document.querySelector(`+q(card+`[data-status="resolved"]`)+`) !== null`),
	); err != nil {
		t.Fatalf("submit the resolve form: %v", err)
	}
}
