package slack

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/redistest"
)

var (
	slackPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{9}, 200)...)
	slackPDF = []byte("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
)

func withFiles() option {
	return withParams(func(p *bot.Params, r *redistest.Redis) {
		p.Files = redisstore.NewFiles(r.Client, redisstore.Config{Tenant: r.Tenant})
	})
}

// share is the owner sharing files in the DM, under the event id given.
func (e *env) share(eventID, user, text string, files ...map[string]any) {
	e.t.Helper()
	e.deliver(eventID, fakeslack.FileShareIM(user, dmOf(user), text, e.ts(), files...))
}

// An owner's photo shared during the intake and a PDF shared after submission reach the
// case's thread as files the bot uploaded, fetched with the bot's token; a share delivered
// again is uploaded once; a file of another type is refused in the DM; the transcript lists
// the files.
func TestOwnerFilesToThread(t *testing.T) {
	e := newEnv(t, withFiles())
	e.share("EvPhoto", owner1, "hello", e.fake.UserFile("dash light.png", "image/png", slackPNG))
	e.press(owner1, conversation.ActionChoose, "understood")
	for range 30 {
		s := e.session(owner1)
		if s.Stage == conversation.StageReview {
			break
		}
		e.dm(owner1, answers[s.Step])
	}
	if s := e.session(owner1); len(s.Files) != 1 {
		t.Fatalf("the session keeps files %v", s.Files)
	}
	e.press(owner1, conversation.ActionSubmit, "")
	id := e.session(owner1).CaseID
	card := e.cardTS(id)
	files := e.fake.WaitFiles(t, escChannel, 1, 10*time.Second)
	if f := files[0]; !bytes.Equal(f.Data, slackPNG) || f.ThreadTS != card || !strings.HasPrefix(f.Name, "dash light.") || !strings.HasSuffix(f.Name, ".png") || !strings.Contains(f.Comment, "dash light.png") {
		t.Fatalf("file in the thread: %+v", files[0])
	}

	pdf := e.fake.UserFile("invoice.pdf", "application/pdf", slackPDF)
	e.share("EvPDF", owner1, "", pdf)
	e.share("EvPDF", owner1, "", pdf) // Slack delivers the event again
	e.waitShown("chat.postMessage", dmOf(owner1), "Added to your case "+id)
	e.share("EvText", owner1, "", e.fake.UserFile("notes.txt", "text/plain", []byte("just words")))
	e.waitShown("chat.postMessage", dmOf(owner1), "only pass on photos")
	files = e.fake.Files(escChannel)
	if len(files) != 2 || !bytes.Equal(files[1].Data, slackPDF) || files[1].ThreadTS != card {
		t.Fatalf("files in the escalation channel: %d, want the photo and the PDF once each", len(files))
	}
	for _, c := range e.fake.Calls("files-pri") {
		if c.Token != "xoxb-test" {
			t.Errorf("a file was fetched with token %q", c.Token)
		}
	}
	e.fake.AssertNoViolations(t)

	tr, err := e.svc.Export(t.Context(), bot.Actor{ID: identity(team, mod), Name: "Mo"}, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Files) != 2 || tr.Files[0].Name != "dash light.png" || tr.Files[1].Type != "application/pdf" {
		t.Errorf("transcript files: %+v", tr.Files)
	}
}

// A file delivered again by the due queue (rechecked) is found in the thread, not uploaded
// twice; a file the core keeps is fetched only from Slack's own hosts.
func TestOwnerFileRecheckAndHosts(t *testing.T) {
	e := newEnv(t, withFiles())
	id := e.openCase(owner1)
	card := e.cardTS(id)
	a := bot.Attachment{ID: "0123456789abcdef0123456789abcdef", Name: "clip.mov", Type: "video/quicktime", Size: 3, Data: []byte("mov")}
	line := bot.ThreadMessage{CaseID: id, From: "Alice", Role: "owner", Text: "clip.mov (video/quicktime, 3 B)", File: &a}
	for i, recheck := range []bool{false, true} {
		if err := e.adapter.msgr.PostThread(t.Context(), escChannel, card, line, bot.Delivery{Key: id + "/89abcdef01234567/thread", Recheck: recheck}); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	if files := e.fake.Files(escChannel); len(files) != 1 || files[0].Name != "clip.89abcdef.mov" {
		t.Fatalf("files after a rechecked delivery: %+v", files)
	}

	api := e.adapter.api
	for raw, want := range map[string]bool{
		"https://files.slack.com/files-pri/T1-F1/download/a.png": true,
		"https://evil.example/files-pri/T1-F1/download/a.png":    false,
		"http://files.slack.com/x":                               false,
		"https://slack.com.evil.example/x":                       false,
		e.fake.URL + "/files-pri/T1-F1/download/a.png":           true,
	} {
		u, _ := url.Parse(raw)
		if got := api.fileHost(u); got != want {
			t.Errorf("fileHost(%s) = %v, want %v", raw, got, want)
		}
	}
}

// forget on Slack takes back the owner's files the bot uploaded into the card's thread: the
// files are deleted (files.delete, with the bot token) and so are the messages that shared
// them, whose comments named them; the erasure's line stays.
func TestForgetDeletesThreadFiles(t *testing.T) {
	e := newEnv(t, withFiles())
	e.share("EvPhoto", owner1, "hello", e.fake.UserFile("dash light.png", "image/png", slackPNG))
	e.press(owner1, conversation.ActionChoose, "understood")
	for range 30 {
		s := e.session(owner1)
		if s.Stage == conversation.StageReview {
			break
		}
		e.dm(owner1, answers[s.Step])
	}
	e.press(owner1, conversation.ActionSubmit, "")
	id := e.session(owner1).CaseID
	e.fake.WaitFiles(t, escChannel, 1, 10*time.Second)
	e.share("EvPDF", owner1, "", e.fake.UserFile("invoice.pdf", "application/pdf", slackPDF))
	files := e.fake.WaitFiles(t, escChannel, 2, 10*time.Second)
	card := e.cardTS(id)

	e.command(mod, "mo", "C1", "/escalations", "forget <@"+owner1+"|alice>")
	if got := e.fake.Files(escChannel); len(got) != 0 {
		t.Fatalf("files left in the escalation channel: %+v", got)
	}
	deleted := map[string]bool{}
	for _, c := range e.fake.Calls("files.delete") {
		deleted[c.Form.Get("file")] = true
		if c.Token != "xoxb-test" {
			t.Errorf("files.delete with token %q", c.Token)
		}
	}
	for _, f := range files {
		if !deleted[f.ID] {
			t.Errorf("file %s (%s) was not deleted", f.ID, f.Name)
		}
	}
	for _, m := range e.fake.Messages(escChannel) {
		if strings.Contains(m.Text, "dash light") || strings.Contains(m.Text, "invoice") {
			t.Errorf("message %s still names a file: %s", m.TS, m.Text)
		}
	}
	if !threadHas(e.fake.Messages(escChannel), card, "Personal data erased by Mo") {
		t.Error("the thread does not say the data was erased")
	}
	e.fake.AssertNoViolations(t)
}

// The files of an owner past the rate limit are never fetched: the core turns the message
// away before it takes files. An owner let in has them fetched once.
func TestRefusedOwnersFilesNotFetched(t *testing.T) {
	e := newEnv(t, withFiles(), func(c *envConfig) { c.bot.RateLimit = 2 })
	e.dm(eve, "hello")
	e.dm(eve, "hello again")
	flood := e.fake.UserFile("flood.png", "image/png", slackPNG)
	e.share("EvFlood", eve, "", flood)
	e.waitShown("chat.postMessage", dmOf(eve), "faster than we can read them")

	let := e.fake.UserFile("let in.png", "image/png", slackPNG)
	e.share("EvLet", owner1, "hello", let)
	e.waitShown("chat.postMessage", dmOf(owner1), "let in.png")

	fetched := map[string]int{}
	for _, c := range e.fake.Calls("files-pri") {
		fetched[c.Form.Get("file")]++
	}
	if n := fetched[flood["id"].(string)]; n != 0 {
		t.Errorf("the file of an owner past the rate limit was fetched %d times", n)
	}
	if n := fetched[let["id"].(string)]; n != 1 {
		t.Errorf("the file of an owner let in was fetched %d times, want once", n)
	}
	e.fake.AssertNoViolations(t)
}
