package web

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"escalation-bot/bot"

	"github.com/chromedp/chromedp"
)

// TestRegistrationPhotoInBrowser sends the registration photo from the owner pane and approves
// it from the channel pane, in headless Chromium: the held case then shows in the channel with
// ownership verified, and the owner's log shows the bot's answers.
func TestRegistrationPhotoInBrowser(t *testing.T) {
	e := ownershipEnv(t, bot.VerifyRequire)
	browser := chromiumPath(t)
	e.intake("eve")
	id := e.submit("eve", nil)
	photo := filepath.Join(t.TempDir(), "registration.png")
	if err := os.WriteFile(photo, pngPhoto, 0o600); err != nil {
		t.Fatal(err)
	}

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1400, 1000))
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL)); err != nil {
		t.Fatalf("open the playground: %v", err)
	}
	steps, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(steps, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	poll := func(js string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(20*time.Second))
	}
	setName := func(sel, name string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(() => { const i = document.querySelector("` + sel + `"); i.value = "` + name + `"; i.dispatchEvent(new Event("change")); })()`)
	}
	do("name the owner and the moderator", setName("#owner-name", "eve"), setName("#exec-name", "mod"))
	do("send the photo", chromedp.SetUploadFiles(chromedp.CSS("#registration-file"), []string{photo}))
	do("the bot takes it", poll(`[...document.querySelectorAll("#owner-log .from-bot")].some(li => li.textContent.includes("moderator will look"))`))
	do("the moderator sees it", poll(`document.querySelector("#proof-list .proof-approve_owner") !== null && !document.querySelector("#proofs").hidden`))
	do("approve", chromedp.Click(chromedp.CSS("#proof-list .proof-approve_owner")))
	do("the case is in the channel, verified", poll(`document.querySelector('article[data-case="`+id+`"] .ownership-verified') !== null`))
	do("the photo is gone from the waiting list", poll(`document.querySelector("#proofs").hidden`))
}
