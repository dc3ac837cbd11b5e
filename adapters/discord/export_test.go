package discord

import (
	"encoding/json"
	"strings"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/xtest/fakediscord"
)

// /escalations export answers ephemerally with the transcript attached as two files.
func TestExportAttachments(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(alice)
	moderator := memberInv(dana, modRole)

	got := e.command(moderator, "export", fakediscord.StringOption("case", id))
	if want := "Transcript of " + id + ": 1 entry."; len(got) != 1 || got[0] != want {
		t.Fatalf("answers %q, want %q", got, want)
	}
	files := e.fake.Attachments(escChannel)
	if len(files) != 2 {
		t.Fatalf("attachments %+v", files)
	}
	md, js := files[0], files[1]
	if md.Filename != id+".md" || md.ContentType != "text/markdown" || md.Field != "files[0]" || !strings.HasPrefix(string(md.Data), "# "+id+": ") {
		t.Errorf("markdown %s %s %s:\n%s", md.Field, md.Filename, md.ContentType, md.Data)
	}
	var tr bot.Transcript
	if err := json.Unmarshal(js.Data, &tr); err != nil || js.Filename != id+".json" || js.ContentType != "application/json" || tr.Case.ID != id || tr.ExportedBy != identity(dana) {
		t.Errorf("json %s %s: %v\n%s", js.Filename, js.ContentType, err, js.Data)
	}
	msg, ok := e.fake.Message(md.MessageID)
	var m struct{ Flags int }
	if !ok || json.Unmarshal(msg, &m) != nil || m.Flags&64 == 0 {
		t.Errorf("the files' message is not ephemeral: %s", msg)
	}

	for _, tt := range []struct {
		name string
		inv  fakediscord.Invoker
		id   string
		want string
	}{
		{"non-moderator", memberInv(eve), id, "Only moderators of the escalation line may do that."},
		{"unknown case", moderator, "ESC-9999", "There is no case ESC-9999."},
	} {
		if got := e.command(tt.inv, "export", fakediscord.StringOption("case", tt.id)); len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s: answers %q, want %q", tt.name, got, tt.want)
		}
	}
	if n := len(e.fake.Attachments(escChannel)); n != 2 {
		t.Errorf("%d attachments after the refusals, want 2", n)
	}
}
