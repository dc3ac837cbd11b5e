package bot_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// Small files of each kind, as their first bytes make them.
var (
	pngFile  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{1}, 64)...)
	pdfFile  = []byte("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
	movFile  = append([]byte("\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "), bytes.Repeat([]byte{0}, 32)...)
	htmlFile = []byte("<html><script>alert(1)</script></html>")
)

func (h *harness) send(t testing.TB, owner bot.Identity, id, text string, files ...bot.Upload) []conversation.Reply {
	t.Helper()
	replies, err := h.svc.HandleOwner(context.Background(), bot.OwnerEvent{ID: id, Owner: owner, Name: name(owner), Text: text, Files: files})
	if err != nil {
		t.Fatalf("%s sends %d file(s): %v", owner, len(files), err)
	}
	return replies
}

func fileLines(thread []bot.ThreadMessage) []bot.ThreadMessage {
	var out []bot.ThreadMessage
	for _, m := range thread {
		if m.File != nil {
			out = append(out, m)
		}
	}
	return out
}

// A photo sent during the intake waits with the session and reaches the case's thread, with
// its bytes, when the case is submitted; a PDF sent later is relayed like a message, once even
// when its event comes again; the transcript lists both.
func TestOwnerFilesReachTheThread(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	ann := bot.Identity("web:ann")
	h.say(t, ann, "hello")
	h.press(t, ann, conversation.ActionChoose, "understood")
	before := h.session(t, ann)
	replies := h.send(t, ann, "ev-photo", "", bot.Upload{Name: "../dash light.png", Type: "image/png", Data: pngFile})
	if got := texts(replies); !strings.Contains(got, "dash light.png") || !strings.Contains(got, "goes with your case") {
		t.Fatalf("replies to a photo during the intake:\n%s", got)
	}
	after := h.session(t, ann)
	if after.Step != before.Step || len(after.Files) != 1 {
		t.Fatalf("session after the photo: step %q (was %q), files %v", after.Step, before.Step, after.Files)
	}
	id := h.intake(t, ann, true, nil)
	thread := fileLines(h.msgr.thread(id))
	if len(thread) != 1 || thread[0].File.Name != "dash light.png" || thread[0].File.Type != "image/png" || !bytes.Equal(thread[0].File.Data, pngFile) || thread[0].Role != "owner" {
		t.Fatalf("file lines in the thread after submission: %+v", thread)
	}

	for range 2 { // the platform sends the event again
		replies = h.send(t, ann, "ev-pdf", "The invoice", bot.Upload{Name: "invoice.pdf", Type: "application/octet-stream", Data: pdfFile})
	}
	thread = fileLines(h.msgr.thread(id))
	if len(thread) != 2 || thread[1].File.Type != "application/pdf" || !bytes.Equal(thread[1].File.Data, pdfFile) {
		t.Fatalf("file lines after a relayed PDF: %+v", thread)
	}
	if h.msgr.doubles != 0 {
		t.Fatalf("%d messages sent twice", h.msgr.doubles)
	}
	got, err := h.svc.File(ctx, thread[1].File.ID)
	if err != nil || !bytes.Equal(got.Data, pdfFile) || got.Owner != ann {
		t.Fatalf("File(%s) = %+v, %v", thread[1].File.ID, got, err)
	}

	tr, err := h.svc.Export(ctx, bot.Actor{ID: "web:mod", Name: "mod"}, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Files) != 2 || tr.Files[0].Name != "dash light.png" || tr.Files[1].Name != "invoice.pdf" || tr.Files[1].Size != int64(len(pdfFile)) {
		t.Fatalf("transcript files: %+v", tr.Files)
	}
	md := tr.Markdown()
	for _, want := range []string{"## Files", "| invoice.pdf | application/pdf | 36 B | ann (web:ann) |", "ann sent a file: dash light.png (image/png"} {
		if !strings.Contains(md, want) {
			t.Errorf("transcript lacks %q:\n%s", want, md)
		}
	}
}

// Files over the limit or of another type are refused with words that name the limits, in
// the owner's language; nothing is kept of them.
func TestOwnerFilesRefused(t *testing.T) {
	h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.FileMaxBytes = 1000 })
	ann := bot.Identity("web:ann")
	id := h.intake(t, ann, true, nil)
	lines := len(h.msgr.thread(id))
	cases := []struct {
		name string
		up   bot.Upload
		want string
	}{
		{"too large", bot.Upload{Name: "big.mp4", Type: "video/mp4", Size: 5_000_000}, "larger than 1 KB"},
		{"a page", bot.Upload{Name: "photo.png", Type: "image/png", Data: htmlFile}, "only pass on photos"},
		{"svg", bot.Upload{Name: "a.svg", Type: "image/svg+xml", Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)}, "PDF documents"},
		{"empty", bot.Upload{Name: "x.jpg", Type: "image/jpeg"}, "is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := texts(h.send(t, ann, "", "", tc.up))
			if !strings.Contains(got, tc.want) || strings.Contains(got, "Added to") {
				t.Fatalf("reply: %s", got)
			}
		})
	}
	if n := len(h.msgr.thread(id)); n != lines {
		t.Fatalf("the thread grew from %d to %d lines", lines, n)
	}
	keys, err := h.rds.Client.Keys(context.Background(), "esc:{"+h.rds.Tenant+"}:file:*").Result()
	if err != nil || len(keys) != 0 {
		t.Fatalf("files kept: %v %v", keys, err)
	}

	// A German owner reads it in German; a QuickTime video within the limit is taken.
	de := bot.Identity("web:jonas")
	h.say(t, de, "Hallo, mein Auto macht Probleme")
	if got := texts(h.send(t, de, "", "", bot.Upload{Name: "film.exe", Type: "application/x-msdownload", Data: []byte("MZ\x90\x00")})); !strings.Contains(got, "nicht annehmen") {
		t.Fatalf("German refusal: %s", got)
	}
	if got := texts(h.send(t, de, "", "", bot.Upload{Name: "clip.mov", Data: movFile})); !strings.Contains(got, "clip.mov erhalten") {
		t.Fatalf("German receipt: %s", got)
	}
}

// lostCreate creates the case and then fails, as a process that stops right after the case
// exists would: nothing after the creation runs.
type lostCreate struct {
	bot.CaseStore
	lost atomic.Bool
}

func (l *lostCreate) Create(ctx context.Context, c bot.Case) (bot.Case, error) {
	created, err := l.CaseStore.Create(ctx, c)
	if err == nil && !l.lost.Swap(true) {
		return bot.Case{}, errors.New("i/o timeout")
	}
	return created, err
}

// A process that stops between creating the case and recording the intake's files leaves
// them to the due queue's card check: the photo reaches the thread once, and a check run
// again does not post it twice.
func TestIntakeFilesAfterLostCreation(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	h.rebuild(t, func(p *bot.Params) { p.Cases = &lostCreate{CaseStore: h.cases} })
	ctx := context.Background()
	ann := bot.Identity("web:ann")
	h.say(t, ann, "hello")
	h.press(t, ann, conversation.ActionChoose, "understood")
	h.send(t, ann, "ev-photo", "", bot.Upload{Name: "dash.png", Type: "image/png", Data: pngFile})
	h.intake(t, ann, true, nil)
	id := h.session(t, ann).CaseID
	if _, err := h.cases.Get(ctx, id); err != nil {
		t.Fatalf("the case was not created: %v", err)
	}
	if n := len(fileLines(h.msgr.thread(id))); n != 0 {
		t.Fatalf("%d file lines before the check: the test checks nothing", n)
	}
	second := newHarness(t, rds) // a restart
	second.clock.Advance(2 * time.Minute)
	if n, err := second.svc.RunDue(ctx); err != nil || n == 0 {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	thread := fileLines(second.msgr.thread(id))
	if len(thread) != 1 || !bytes.Equal(thread[0].File.Data, pngFile) {
		t.Fatalf("file lines after the card check: %+v", thread)
	}
	// The check runs again (its item was taken by a replica that died): nothing more is added.
	if err := second.params.Due.Schedule(ctx, bot.DueItem{Kind: bot.DuePostCard, CaseID: id, Owner: ann, At: second.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		second.clock.Advance(time.Hour)
		if _, err := second.svc.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := second.cases.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, e := range entries {
		if e.Action == "file" {
			files++
		}
	}
	if files != 1 || len(fileLines(second.msgr.thread(id))) != 1 {
		t.Fatalf("%d file entries, %d file lines: want one of each", files, len(fileLines(second.msgr.thread(id))))
	}
}

func TestFileType(t *testing.T) {
	cases := []struct {
		name, declared string
		data           []byte
		want           string
	}{
		{"a.png", "image/png", pngFile, "image/png"},
		{"a.bin", "", pngFile, "image/png"},
		{"a.pdf", "application/octet-stream", pdfFile, "application/pdf"},
		{"a.mov", "", movFile, "video/quicktime"},
		{"a", "video/quicktime", movFile, "video/quicktime"},
		{"a.heic", "image/heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), "image/heic"},
		{"a.png", "image/png", htmlFile, ""},
		{"a.mov", "video/quicktime", []byte("plain words, not a video at all"), ""},
		{"a.svg", "image/svg+xml", []byte(`<svg/>`), ""},
		{"a.txt", "text/plain", []byte("hello"), ""},
	}
	for _, tc := range cases {
		got, ok := bot.FileType(tc.name, tc.declared, tc.data)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("FileType(%q, %q) = %q, %v; want %q", tc.name, tc.declared, got, ok, tc.want)
		}
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"photo.jpg":                "photo.jpg",
		`C:\Users\ann\dash.png`:    "dash.png",
		"../../etc/passwd":         "passwd",
		"a\"b<c>.pdf":              "a_b_c_.pdf",
		"":                         "file",
		"...":                      "file",
		"@everyone look.png":       "@\u200beveryone look.png",
		strings.Repeat("x", 300):   strings.Repeat("x", 99) + "…",
		"line\nbreak\u202etxt.png": "line_breaktxt.png",
	} {
		if got := bot.FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzFileType: whatever a platform declares and sends, the type decided is one of the
// accepted ones or none, and the name shown is short and has no path or control characters.
func FuzzFileType(f *testing.F) {
	f.Add("a.png", "image/png", pngFile)
	f.Add("a.mov", "", movFile)
	f.Add("../x.svg", "image/svg+xml; charset=utf-8", []byte("<svg/>"))
	f.Fuzz(func(t *testing.T, name, declared string, data []byte) {
		typ, ok := bot.FileType(name, declared, data)
		if ok != (typ != "") {
			t.Fatalf("FileType = %q, %v", typ, ok)
		}
		if ok && !strings.HasPrefix(typ, "image/") && typ != "application/pdf" && !strings.HasPrefix(typ, "video/") {
			t.Fatalf("accepted %q", typ)
		}
		n := bot.FileName(name)
		if n == "" || strings.ContainsAny(n, "/\\\"\n\r") || len([]rune(n)) > 100 {
			t.Fatalf("FileName(%q) = %q", name, n)
		}
	})
}

// A file the adapter leaves to fetch is fetched when the turn takes it, once, and a fetch that
// fails fails the turn as work to do again, keeping nothing; the event sent again keeps it.
func TestOwnerFileFetchedWhenTaken(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	ann := bot.Identity("web:ann")
	h.say(t, ann, "hello")
	h.press(t, ann, conversation.ActionChoose, "understood")

	var fetches atomic.Int32
	cdnDown := errors.New("the platform's file server answered 503")
	upload := func(fail bool) bot.Upload {
		return bot.Upload{Name: "dash.png", Type: "image/png", Size: int64(len(pngFile)), Fetch: func(context.Context) ([]byte, error) {
			fetches.Add(1)
			if fail {
				return nil, cdnDown
			}
			return pngFile, nil
		}}
	}
	ev := bot.OwnerEvent{ID: "ev-photo", Owner: ann, Name: name(ann), Files: []bot.Upload{upload(true)}}
	_, err := h.svc.HandleOwner(ctx, ev)
	if !errors.Is(err, cdnDown) || !bot.Retryable(err) {
		t.Fatalf("a failed fetch: %v, want the fetch's error, to do again", err)
	}
	if s := h.session(t, ann); len(s.Files) != 0 {
		t.Fatalf("a failed fetch kept files %v", s.Files)
	}
	ev.Files = []bot.Upload{upload(false)}
	replies, err := h.svc.HandleOwner(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(replies); !strings.Contains(got, "dash.png") {
		t.Fatalf("replies to the event sent again:\n%s", got)
	}
	if s := h.session(t, ann); len(s.Files) != 1 {
		t.Fatalf("the session keeps files %v", s.Files)
	}
	if n := fetches.Load(); n != 2 {
		t.Errorf("%d fetches, want 2 (the failed one, then once)", n)
	}
}
