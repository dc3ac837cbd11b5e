package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
)

// /escalations export sends the transcript to the moderator alone, as two files in the DM
// with the bot, and says so in the ephemeral answer; what cannot be sent is said, not dropped.
func TestExportFiles(t *testing.T) {
	e := newEnv(t, moderators("slack:*:"+mod))
	id := e.openCase(owner1)

	got := e.command(mod, "mo", "C1", "/escalations", "export "+id)
	want := "Transcript of " + id + ": 1 entry. Sent to you in a DM: " + id + ".md, " + id + ".json."
	if len(got) != 1 || got[0] != want {
		t.Fatalf("answer %q, want %q", got, want)
	}
	files := e.fake.WaitFiles(t, mod, 2, 5*time.Second)
	md, js := files[0], files[1]
	if md.Name != id+".md" || md.Channel != "D"+mod || !strings.HasPrefix(string(md.Data), "# "+id+": ") || !strings.HasPrefix(md.Comment, "Transcript of "+id) {
		t.Errorf("markdown file %s in %s, comment %q:\n%s", md.Name, md.Channel, md.Comment, md.Data)
	}
	var tr bot.Transcript
	if err := json.Unmarshal(js.Data, &tr); err != nil || js.Name != id+".json" || tr.Case.ID != id || tr.ExportedBy != identity(team, mod) || len(tr.History) != 1 {
		t.Errorf("json file %s: %v\n%s", js.Name, err, js.Data)
	}

	for _, tt := range []struct{ name, user, text, want string }{
		{"non-moderator", eve, "export " + id, "Only moderators of the escalation line may do that."},
		{"unknown case", mod, "export ESC-9999", "There is no case ESC-9999."},
	} {
		if got := e.command(tt.user, "x", "C1", "/escalations", tt.text); len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s: answers %q, want %q", tt.name, got, tt.want)
		}
	}

	e.fake.FailNextError("files.completeUploadExternal", 1, "internal_error")
	got = e.command(mod, "mo", "C1", "/escalations", "export "+id)
	if want := "I could not send you " + id + ".md, " + id + ".json: Slack did not take the files. Please try again in a moment."; len(got) != 1 || got[0] != want {
		t.Errorf("failed upload answers %q, want %q", got, want)
	}
	if n := len(e.fake.Files("")); n != 2 {
		t.Errorf("%d files shared in all, want the first 2", n)
	}
	if got := e.command(mod, "mo", "C1", "/escalations", "export "+id); len(got) != 1 || !strings.Contains(got[0], "Sent to you in a DM") {
		t.Errorf("after a failed upload: %q", got)
	}
	if n := len(e.fake.Files(mod)); n != 4 {
		t.Errorf("%d files in the DM, want 4", n)
	}
}
