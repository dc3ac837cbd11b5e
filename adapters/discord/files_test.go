package discord

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/presentation"
	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/redistest"

	"github.com/bwmarrin/discordgo"
)

var (
	discordPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 200)...)
	discordPDF = []byte("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
)

// withFiles gives the core a file store, as cmd does.
func withFiles() option {
	return withParams(func(p *bot.Params, r *redistest.Redis) {
		p.Files = redisstore.NewFiles(r.Client, redisstore.Config{Tenant: r.Tenant})
	})
}

// dmFiles is the user writing to the bot with attachments (HostAttachment objects); it returns
// the message payload.
func (e *env) dmFiles(user, text string, atts ...map[string]any) map[string]any {
	e.t.Helper()
	msg := fakediscord.MessageCreate("", dmOf(user), "", user, names[user], text)
	list := make([]any, len(atts))
	for i, a := range atts {
		list[i] = a
	}
	msg["attachments"] = list
	e.dispatch("MESSAGE_CREATE", msg)
	return msg
}

// toReview runs the owner's intake from the consent on to the review card.
func (e *env) toReview(user string) {
	e.t.Helper()
	for range 30 {
		s, _ := e.session(user)
		if s.Stage == conversation.StageReview {
			return
		}
		e.dm(user, answers[s.Step])
	}
	e.t.Fatalf("%s never reached the review", user)
}

// fileMessages are the bot's messages in the thread that carry a file.
func (e *env) fileMessages(thread string) []*discordgo.Message {
	var out []*discordgo.Message
	for _, m := range e.botMessages(thread) {
		if len(m.Attachments) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// An owner's photo attached during the intake reaches the case's thread when the case is
// submitted, and a PDF attached after submission reaches it at once, each uploaded by the bot
// (payload_json and files[0]) under the owner's heading; the CDN is asked once per file and
// without a token, and the upload can be opened from its own CDN link.
func TestOwnerAttachmentsToThread(t *testing.T) {
	e := newEnv(t, withFiles())
	e.dm(alice, "hello")
	e.press(alice, conversation.ActionChoose, "understood")
	photo := e.fake.HostAttachment("dash light.png", "image/png", discordPNG)
	e.dmFiles(alice, "", photo)
	e.waitShown(dmOf(alice), "dash light.png")
	e.toReview(alice)
	if s, _ := e.session(alice); len(s.Files) != 1 {
		t.Fatalf("the session keeps files %v", s.Files)
	}
	e.press(alice, conversation.ActionSubmit, "")
	s, _ := e.session(alice)
	thread := e.cardID(s.CaseID)
	files := e.fake.WaitAttachments(t, thread, 1, wait)
	if f := files[0]; !bytes.Equal(f.Data, discordPNG) || !strings.HasPrefix(f.Filename, "dash_light.") || !strings.HasSuffix(f.Filename, ".png") || f.Field != "files[0]" || f.ContentType != "image/png" {
		t.Fatalf("file in the thread: %+v", f)
	}
	msgs := e.fileMessages(thread)
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0].Content, "**Alice** (owner):\nsent dash light.png (image/png,") {
		t.Fatalf("the file's message: %+v", msgs)
	}
	if d := e.fake.Downloads(photo["id"].(string)); len(d) != 1 || d[0].Header.Get("Authorization") != "" {
		t.Errorf("downloads of the photo: %v", d)
	}
	// An executive opens the upload from its link, which stays the bot's to serve.
	res, err := (&http.Client{Transport: e.fake.Transport()}).Get(msgs[0].Attachments[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("the upload's link answers %s", res.Status)
	}

	e.dmFiles(alice, "The invoice", e.fake.HostAttachment("invoice.pdf", "application/pdf", discordPDF))
	e.waitShown(dmOf(alice), "Added to your case "+s.CaseID)
	files = e.fake.WaitAttachments(t, thread, 2, wait)
	if !bytes.Equal(files[1].Data, discordPDF) {
		t.Fatalf("second file: %+v", files[1])
	}
	e.fake.AssertNoViolations(t)
}

// A file Discord declares larger than FILE_MAX_BYTES is refused without being fetched; a file
// whose bytes are no photo, PDF or video is refused; both politely, naming the limits, and
// nothing reaches the thread.
func TestOwnerAttachmentsRefused(t *testing.T) {
	e := newEnv(t, withFiles(), withBot(func(c *bot.Config) { c.FileMaxBytes = 1000 }))
	id := e.openCase(alice)
	thread := e.cardID(id)

	big := e.fake.HostAttachment("clip.mp4", "video/mp4", []byte("small really"))
	big["size"] = 5_000_000
	e.dmFiles(alice, "", big)
	e.waitShown(dmOf(alice), "larger than 1 KB")
	if d := e.fake.Downloads(big["id"].(string)); len(d) != 0 {
		t.Errorf("a file over the limit was fetched: %v", d)
	}

	e.dmFiles(alice, "", e.fake.HostAttachment("photo.png", "image/png", []byte("<html><script>alert(1)</script></html>")))
	e.waitShown(dmOf(alice), "only pass on photos")
	if n := len(e.fake.Attachments(thread)); n != 0 {
		t.Errorf("%d files reached the thread", n)
	}
	e.fake.AssertNoViolations(t)
}

// The CDN answering 500, then hanging past the download's bound, fails the message's turn; the
// inbox runs it again and the file reaches the thread once.
func TestOwnerAttachmentCDNFailsOnce(t *testing.T) {
	e := newEnv(t, withFiles())
	e.adapter.msgr.fileWait = 200 * time.Millisecond
	id := e.openCase(alice)
	thread := e.cardID(id)

	e.fake.FailNext("GET /attachments/", 1, http.StatusInternalServerError, 0)
	first := e.fake.HostAttachment("dash.png", "image/png", discordPNG)
	e.dmFiles(alice, "", first)
	e.fake.WaitAttachments(t, thread, 1, wait)
	if d := e.fake.Downloads(first["id"].(string)); len(d) != 2 || d[0].Status != http.StatusInternalServerError || d[1].Status != http.StatusOK {
		t.Errorf("downloads: %v", d)
	}

	e.fake.Delay("GET /attachments/", time.Minute)
	slow := e.fake.HostAttachment("door.png", "image/png", discordPNG)
	msg := fakediscord.MessageCreate("", dmOf(alice), "", alice, names[alice], "")
	msg["attachments"] = []any{slow}
	e.fake.Dispatch(t, "MESSAGE_CREATE", msg)
	deadline := time.Now().Add(wait)
	for len(e.fake.Downloads(slow["id"].(string))) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	e.fake.Delay("GET /attachments/", 0)
	files := e.fake.WaitAttachments(t, thread, 2, wait)
	if d := e.fake.Downloads(slow["id"].(string)); len(d) < 2 || d[0].Status != 0 {
		t.Errorf("downloads of the slow file: %v", d)
	}
	time.Sleep(100 * time.Millisecond) // a second upload would come now
	if files = e.fake.Attachments(thread); len(files) != 2 {
		t.Fatalf("%d files in the thread, want the two once each", len(files))
	}
	if len(e.fileMessages(thread)) != 2 {
		t.Errorf("file messages: %d", len(e.fileMessages(thread)))
	}
	e.fake.AssertNoViolations(t)
}

// A message run again (the gateway delivers it again on a resume; the inbox hands it over
// again after a crash) does not put its file in the thread twice; neither does a delivery of
// the file line run again, with or without a recheck.
func TestOwnerAttachmentRedelivered(t *testing.T) {
	e := newEnv(t, withFiles())
	id := e.openCase(alice)
	thread := e.cardID(id)
	msg := e.dmFiles(alice, "", e.fake.HostAttachment("dash.png", "image/png", discordPNG))
	e.fake.WaitAttachments(t, thread, 1, wait)

	e.fake.ReplayOnResume(1)
	e.fake.DropConnection(t)
	e.fake.WaitResumes(t, 1, wait)
	e.fake.WaitReady(t, wait)
	e.dm(bob, "a later message") // handled in order: once it is, the replay was too
	payload, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.adapter.handleDM(t.Context(), payload); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(e.fake.Attachments(thread)); n != 1 {
		t.Fatalf("%d files in the thread after the message ran again", n)
	}

	a := bot.Attachment{ID: "0123456789abcdef0123456789abcdef", Name: "clip.mov", Type: "video/quicktime", Size: 3, Data: []byte("mov")}
	line := bot.ThreadMessage{CaseID: id, From: "Alice", Role: "owner", Text: "clip.mov (video/quicktime, 3 B)", File: &a}
	for i, d := range []bot.Delivery{{Key: id + "/89abcdef01234567/thread:discord:" + escChannel}, {Key: id + "/89abcdef01234567/thread:discord:" + escChannel}, {Key: id + "/89abcdef01234567/thread:discord:" + escChannel, Recheck: true}} {
		if err := e.adapter.msgr.PostThread(t.Context(), escChannel, thread, line, d); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	files := e.fake.Attachments(thread)
	if len(files) != 2 || files[1].Filename != "clip.89abcdef.mov" {
		t.Fatalf("files after a delivery run three times: %+v", files)
	}
	e.fake.AssertNoViolations(t)
}

// Attachments are fetched only from Discord's CDN hosts, over https, or from the host of
// DISCORD_API_URL.
func TestAttachmentHosts(t *testing.T) {
	e := newEnv(t)
	for raw, want := range map[string]bool{
		"https://cdn.discordapp.com/attachments/1/2/a.png":      true,
		"https://media.discordapp.net/attachments/1/2/a.png":    true,
		"http://cdn.discordapp.com/attachments/1/2/a.png":       false,
		"https://cdn.discordapp.com:8443/attachments/1/2/a":     false,
		"https://cdn.discordapp.com.evil.example/a.png":         false,
		"https://evil.example/attachments/1/2/a.png":            false,
		"https://discord.com/api/v10/users/@me":                 false,
		e.fake.URL + "/attachments/1/2/a.png":                   true,
		strings.Replace(e.fake.URL, "http:", "https:", 1) + "/": false,
	} {
		u, _ := url.Parse(raw)
		if got := e.adapter.msgr.cdnHost(u); got != want {
			t.Errorf("cdnHost(%s) = %v, want %v", raw, got, want)
		}
	}
}

// FuzzAttachment reads what an owner's attachment brings from outside: its link is fetched
// only from https on the CDN hosts (or the configured base), and any file name gets an upload
// name whose tag is found again.
func FuzzAttachment(f *testing.F) {
	f.Add("https://cdn.discordapp.com/attachments/1/2/a.png?ex=1", "dash light.png", "89abcdef01234567")
	f.Add("http://127.0.0.1:1/attachments/1/2/a.png", "a.b.c", "")
	f.Add("https://media.discordapp.net./x", ".png", "x")
	f.Add("//cdn.discordapp.com/x", "", "0123")
	base, _ := url.Parse("http://127.0.0.1:1")
	m := &Messenger{base: base}
	f.Fuzz(func(t *testing.T, raw, name, ref string) {
		if u, err := url.Parse(raw); err == nil && m.cdnHost(u) {
			host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
			if u.Host != base.Host && (u.Scheme != "https" || (host != "cdn.discordapp.com" && host != "media.discordapp.net")) {
				t.Fatalf("%q taken as a CDN link", raw)
			}
		}
		if strings.ContainsAny(ref, "/.") {
			return // a ref is hex
		}
		a := bot.Attachment{ID: "0123456789abcdef0123456789abcdef", Name: bot.FileName(name)}
		key := "ESC-1/" + ref + "/thread:discord:1"
		want := ref[:min(8, len(ref))]
		if ref == "" {
			want = a.ID[:8]
		}
		if got := presentation.UploadTag(uploadName(a, key)); got != want {
			t.Fatalf("name %q, ref %q: upload %q has tag %q, want %q", a.Name, ref, uploadName(a, key), got, want)
		}
	})
}

// forget on Discord takes back the bot's message carrying the owner's file, as the owner's
// other lines: the file leaves the thread with it, and the CDN link no longer answers.
func TestForgetDeletesThreadFile(t *testing.T) {
	e := newEnv(t, withFiles())
	id := e.openCase(alice)
	thread := e.cardID(id)
	e.dmFiles(alice, "", e.fake.HostAttachment("dash light.png", "image/png", discordPNG))
	e.fake.WaitAttachments(t, thread, 1, wait)
	link := e.fileMessages(thread)[0].Attachments[0].URL

	got := e.command(memberInv(mod, modRole), "forget", fakediscord.StringOption("user", "<@"+alice+">"))
	if len(got) != 1 || !strings.Contains(got[0], "1 case was erased") {
		t.Fatalf("answer %q", got)
	}
	e.waitShown(thread, "Personal data erased by Mo")
	if n := len(e.fake.Attachments(thread)); n != 0 {
		t.Errorf("%d files left in the thread", n)
	}
	for _, m := range e.botMessages(thread) {
		if strings.Contains(text(m), "dash") {
			t.Errorf("message %s still names the file: %s", m.ID, text(m))
		}
	}
	res, err := (&http.Client{Transport: e.fake.Transport()}).Get(link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("the erased file's link answers %s", res.Status)
	}
	e.fake.AssertNoViolations(t)
}

// A file Discord refuses as too large for the bot (413) is named in the thread instead, once.
func TestOwnerFileTooLargeForDiscord(t *testing.T) {
	e := newEnv(t, withFiles())
	id := e.openCase(alice)
	thread := e.cardID(id)
	a := bot.Attachment{ID: "0123456789abcdef0123456789abcdef", Name: "clip.mp4", Type: "video/mp4", Size: 3, Data: []byte("mp4")}
	line := bot.ThreadMessage{CaseID: id, From: "Alice", Role: "owner", Text: "clip.mp4 (video/mp4, 3 B)", File: &a}
	e.fake.FailNext("POST /channels/"+thread+"/messages", 1, http.StatusRequestEntityTooLarge, 0)
	if err := e.adapter.msgr.PostThread(t.Context(), escChannel, thread, line, bot.Delivery{Key: id + "/89abcdef01234567/thread"}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Attachments(thread)); n != 0 {
		t.Fatalf("%d files uploaded", n)
	}
	e.waitShown(thread, "clip.mp4 (video/mp4, 3 B) — too large to upload here")
}

// A blocked owner's attachments, and those of an owner past the rate limit, are never fetched:
// the core turns them away before it takes files. An owner let in has them fetched once.
func TestRefusedOwnersAttachmentsNotFetched(t *testing.T) {
	e := newEnv(t, withFiles(), withBot(func(c *bot.Config) { c.RateLimit = 2 }))
	if got := e.command(memberInv(dana, modRole), "block", fakediscord.StringOption("user", "<@"+eve+">"), fakediscord.StringOption("reason", "spam")); len(got) != 1 || !strings.Contains(got[0], "is blocked") {
		t.Fatalf("block answered %q", got)
	}
	blocked := e.fake.HostAttachment("blocked.png", "image/png", discordPNG)
	e.dmFiles(eve, "", blocked)
	e.waitShown(dmOf(eve), "not available to you")

	e.dm(bob, "hello")
	e.dm(bob, "hello again")
	flood := e.fake.HostAttachment("flood.png", "image/png", discordPNG)
	e.dmFiles(bob, "", flood)
	e.waitShown(dmOf(bob), "faster than we can read them")

	e.dm(alice, "hello")
	let := e.fake.HostAttachment("let in.png", "image/png", discordPNG)
	e.dmFiles(alice, "", let)
	e.waitShown(dmOf(alice), "let in.png")

	for _, a := range []map[string]any{blocked, flood} {
		if d := e.fake.Downloads(a["id"].(string)); len(d) != 0 {
			t.Errorf("%s of a refused owner was fetched: %v", a["filename"], d)
		}
	}
	if d := e.fake.Downloads(let["id"].(string)); len(d) != 1 {
		t.Errorf("the attachment of an owner let in was fetched %d times, want once", len(d))
	}
	e.fake.AssertNoViolations(t)
}
