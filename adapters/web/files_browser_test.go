package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPlaygroundFilesInBrowser: the owner of a submitted case attaches a photo with the page's
// upload control; the bot's answer shows in the owner pane and the photo as a thumbnail in the
// case's thread, loaded from the url the thread entry carries. SCREENSHOT_DIR, when set, keeps
// a screenshot of the page.
func TestPlaygroundFilesInBrowser(t *testing.T) {
	e := newEnv(t)
	browser := chromiumPath(t)
	e.intake("owner")
	id := e.submit("owner", nil)

	// A real picture, so the browser has something to draw.
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for x := range 120 {
		for y := range 80 {
			img.Set(x, y, color.RGBA{uint8(2 * x), uint8(3 * y), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "warning light.png")
	if err := os.WriteFile(photo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1400, 1000),
	)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL)); err != nil {
		t.Fatalf("open the playground: %v", err)
	}
	steps, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	card := `#cases .card[data-case="` + id + `"]`
	err := chromedp.Do(steps,
		chromedp.WaitVisible(chromedp.CSS(`#connection[data-state="live"]`)),
		chromedp.SetUploadFiles(chromedp.CSS("#owner-file"), []string{photo}),
		chromedp.Poll[chromedp.Void](`(() => {
			const r = document.querySelectorAll("#owner-log .from-bot");
			return r.length > 0 && r[r.length - 1].textContent.includes("Added to your case");
		})()`, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Poll[chromedp.Void](`(() => {
			const img = document.querySelector(`+"`"+card+` .thread img.thumb`+"`"+`);
			return !!img && img.complete && img.naturalWidth === 120;
		})()`, chromedp.WithPollingTimeout(20*time.Second)),
	)
	if err != nil {
		t.Fatalf("attach a photo: %v", err)
	}
	src, err := chromedp.Run(steps, chromedp.Evaluate[string](`document.querySelector(`+"`"+card+` .thread img.thumb`+"`"+`).getAttribute("src")`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(e.srv.URL + src)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("GET %s: %d %s", src, res.StatusCode, res.Header.Get("Content-Type"))
	}
	if dir := os.Getenv("SCREENSHOT_DIR"); dir != "" {
		shot, err := chromedp.Run(steps, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "playground-files.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
