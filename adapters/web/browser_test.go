package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/conversation"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds the browser: CHROMIUM_PATH, else /usr/bin/chromium, else chromium on PATH.
// The playground is tested in a real browser, so a missing one fails the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("CHROMIUM_PATH=%s: %v; install chromium: apt-get install chromium", p, err)
		}
		return p
	}
	if info, err := os.Stat("/usr/bin/chromium"); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Fatal("no Chromium for the playground browser test: install chromium: apt-get install chromium (or set CHROMIUM_PATH)")
	return ""
}

// TestPlaygroundInBrowser plays an owner and an executive in headless Chromium: the owner answers
// the intake by typing and clicking, submits from the review card, the card appears in the
// channel pane, the executive claims it, and the owner hears about it through the event stream.
func TestPlaygroundInBrowser(t *testing.T) {
	e := newEnv(t)
	browser := chromiumPath(t)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1400, 1000),
	)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	// Runs before the server closes (cleanups run last in, first out), so no event stream is left open.
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})

	// The page's console, shown when the test fails.
	var consoleMu sync.Mutex
	var console []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			consoleMu.Lock()
			console = append(console, m.String())
			consoleMu.Unlock()
		}
	}()

	// The first Run starts the browser and must not carry a timeout; every step after it does.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL)); err != nil {
		t.Fatalf("open the playground in %s: %v (install chromium: apt-get install chromium)", browser, err)
	}
	steps, cancelSteps := context.WithTimeout(ctx, 60*time.Second)
	defer cancelSteps()

	// Deferred, not a cleanup: t.Context() and with it the browser end before cleanups run.
	defer func() {
		if !t.Failed() {
			return
		}
		consoleMu.Lock()
		for _, line := range console {
			t.Logf("console: %s", line)
		}
		consoleMu.Unlock()
		shotCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		shot, err := chromedp.Run(shotCtx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Logf("no screenshot: %v", err)
			return
		}
		dir, err := os.MkdirTemp("", "playground-browser-test-")
		if err == nil {
			path := filepath.Join(dir, "failure.png")
			if err = os.WriteFile(path, shot, 0o644); err == nil {
				t.Logf("screenshot of the failure: %s", path)
			}
		}
		if err != nil {
			t.Logf("save screenshot: %v", err)
		}
	}()

	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(steps, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// lastReply waits until the newest bot message in the owner pane contains text.
	lastReply := func(text string) chromedp.Action[chromedp.Void] {
		q, _ := json.Marshal(text)
		return chromedp.Poll[chromedp.Void](`(() => {
			const r = document.querySelectorAll("#owner-log .from-bot");
			return r.length > 0 && r[r.length - 1].textContent.includes(`+string(q)+`);
		})()`, chromedp.WithPollingTimeout(20*time.Second))
	}
	prompt := func(id string) string {
		for _, st := range conversation.DefaultFlow().Steps {
			if st.ID == id {
				return st.Prompt
			}
		}
		t.Fatalf("the default flow has no step %q", id)
		return ""
	}
	typeAnswer := func(text, next string) {
		t.Helper()
		do("type "+text,
			chromedp.SendKeys(chromedp.CSS("#owner-input"), text),
			chromedp.Click(chromedp.CSS("#owner-send")),
			lastReply(prompt(next)))
	}
	click := func(value, next string) {
		t.Helper()
		do("click "+value,
			chromedp.Click(chromedp.CSS(`#owner-log li:last-child button[data-action="choose"][data-value="`+value+`"]`)),
			lastReply(prompt(next)))
	}

	do("wait for the live connection", chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="live"]`)))
	typeAnswer("hi", "consent")
	click("understood", "ticket")
	typeAnswer("SR-1234567", "model")
	click("model_3", "year")
	typeAnswer("2021", "vin")
	typeAnswer(testVIN, "odometer")
	typeAnswer("45000 mi", "location")
	typeAnswer("Austin, Texas", "category")
	typeAnswer("Battery & charging", "safe") // a choice typed instead of clicked
	click("yes", "description")
	// Markup in an answer must come out as text in both panes.
	typeAnswer("The car stops charging halfway <b>twice</b> and service could not find the cause.", "started")
	typeAnswer("about three weeks ago", "outcome")
	do("answer the last question",
		chromedp.SendKeys(chromedp.CSS("#owner-input"), "A repair that fixes the charging for good"),
		chromedp.Click(chromedp.CSS("#owner-send")),
		chromedp.WaitVisible(chromedp.CSS(`#owner-log li:last-child table.review tr[data-field="vin"]`)))

	review, err := chromedp.Run(steps, chromedp.Text(chromedp.CSS(`#owner-log li:last-child table.review`)))
	if err != nil {
		t.Fatalf("read the review card: %v", err)
	}
	if !strings.Contains(review, testVIN) || !strings.Contains(review, "Model 3") ||
		!strings.Contains(review, "Battery & charging") || !strings.Contains(review, "<b>twice</b>") {
		t.Errorf("review card = %q, want the VIN, the model, the category and the description as typed", review)
	}
	// The review card reads well at common window widths: every Edit button on one line (not
	// "E", "di", "t" stacked), and the card as wide as its pane at most.
	for _, width := range []int64{1400, 1024, 800} {
		do(fmt.Sprintf("a window %d wide", width), chromedp.EmulateViewport(width, 1000))
		fits, err := chromedp.Run(steps, chromedp.Evaluate[bool](`(() => {
			const card = document.querySelector("#owner-log li:last-child table.review");
			const buttons = [...card.querySelectorAll("td.edit button")];
			return buttons.length > 0 && buttons.every((b) => b.getClientRects().length > 0 && b.offsetHeight < 2 * parseFloat(getComputedStyle(b).lineHeight || "16")) &&
				card.getBoundingClientRect().width <= document.querySelector("#owner-log").clientWidth + 1;
		})()`))
		if err != nil || !fits {
			t.Errorf("at %d pixels the review card's Edit buttons wrap or the card overflows its pane (%v)", width, err)
		}
	}
	do("back to the window", chromedp.EmulateViewport(1400, 1000))
	do("submit the review card",
		chromedp.Click(chromedp.CSS(`#owner-log li:last-child button[data-action="submit"]`)),
		lastReply("ESC-"),
		chromedp.WaitVisible(chromedp.CSS(`#cases .card[data-case]`)))
	// The card shows what the owner asks for.
	ask, err := chromedp.Run(steps, chromedp.Text(chromedp.CSS(`#cases .card .ask-text`)))
	if err != nil || ask != "A repair that fixes the charging for good" {
		t.Errorf("the card's ask = %q (%v)", ask, err)
	}

	id, err := chromedp.Run(steps, chromedp.Evaluate[string](`document.querySelector("#cases .card").dataset.case`))
	if err != nil {
		t.Fatalf("read the case id: %v", err)
	}
	card := `#cases .card[data-case="` + id + `"]`
	if !strings.HasPrefix(id, "ESC-") {
		t.Fatalf("card id = %q", id)
	}

	do("claim as Dana K",
		chromedp.SetValue(chromedp.CSS("#exec-name"), "Dana K"),
		chromedp.Click(chromedp.CSS(card+` button[data-action="claim"]`)),
		chromedp.WaitVisible(chromedp.CSS(card+`[data-status="claimed"] button[data-action="resolve"]`)),
		lastReply("is now looking at your case"),
		chromedp.WaitVisible(chromedp.CSS(`#owner-log .from-bot.async`)))

	bold, err := chromedp.Run(steps, chromedp.Evaluate[int](`document.querySelectorAll("#owner-log b, #cases b").length`))
	if err != nil || bold != 0 {
		t.Errorf("owner text became markup: %d <b> elements, %v", bold, err)
	}
	status, err := chromedp.Run(steps, chromedp.Text(chromedp.CSS(card+" .status")))
	if err != nil || status != "claimed" {
		t.Errorf("card status = %q, %v; want claimed", status, err)
	}
	claimer, err := chromedp.Run(steps, chromedp.Text(chromedp.CSS(card+" .claimed-by")))
	if err != nil || claimer != "Dana K" {
		t.Errorf("card claimed by = %q, %v; want Dana K", claimer, err)
	}

	// After a reload the page shows the owner's whole dialogue, each message once: the intake,
	// the submission and the claim the stream brought.
	do("reload the page",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="live"]`)),
		lastReply("is now looking at your case"))
	log, err := chromedp.Run(steps, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#owner-log li")].map((li) => li.textContent)`))
	if err != nil {
		t.Fatalf("read the owner log after the reload: %v", err)
	}
	all := strings.Join(log, "\n")
	for _, want := range []string{"hi", "SR-1234567", "Model 3", testVIN, "<b>twice</b>", "Submit", "Your case is " + id, "is now looking at your case"} {
		if !strings.Contains(all, want) {
			t.Errorf("after the reload the owner log lacks %q:\n%s", want, all)
		}
	}
	if n := strings.Count(all, "is now looking at your case"); n != 1 {
		t.Errorf("the claim is shown %d times after the reload:\n%s", n, all)
	}
	if len(log) < 26 {
		t.Errorf("after the reload the owner log has %d messages:\n%s", len(log), all)
	}
	bold, err = chromedp.Run(steps, chromedp.Evaluate[int](`document.querySelectorAll("#owner-log b").length`))
	if err != nil || bold != 0 {
		t.Errorf("owner text in the history became markup: %d <b> elements, %v", bold, err)
	}

	// A reply that comes while no page is open is both kept for the next page and in the
	// history: the page that opens shows it once.
	do("leave the page", chromedp.Navigate("about:blank"))
	if _, err := e.svc.Reply(t.Context(), executive("Dana K"), id, "We have booked your car in for Monday."); err != nil {
		t.Fatalf("reply while the page is closed: %v", err)
	}
	do("come back",
		chromedp.Navigate(e.srv.URL),
		chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="live"]`)),
		lastReply("booked your car in for Monday"))
	time.Sleep(300 * time.Millisecond) // a double would come right after
	again, err := chromedp.Run(steps, chromedp.Evaluate[int](`[...document.querySelectorAll("#owner-log li")].filter((li) => li.textContent.includes("booked your car in")).length`))
	if err != nil || again != 1 {
		t.Errorf("the reply sent while the page was closed is shown %d times (%v)", again, err)
	}
}
