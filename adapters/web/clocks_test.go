package web

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/clocktest"
	"escalation-bot/xtest/redistest"
)

// The playground's card JSON carries the clocks (reminders, escalated, due) and the owner's
// verdict (rating), and its thread names the on-call people.
func TestCardJSONCarriesClocksAndRating(t *testing.T) {
	r := redistest.New(t)
	clock := clocktest.Frozen(t)
	e := newEnvOver(t, r, func(p *bot.Params) {
		cfg := redisstore.Config{Tenant: r.Tenant, Clock: clock}
		p.Due = redisstore.NewDueQueue(r.Client, cfg)
		p.Clock = clock
		p.Config.RemindUnclaimedAfter = 30 * time.Minute
		p.Config.EscalateUnclaimedAfter = 2 * time.Hour
		p.Config.OnCall = []string{"web:oncall", "role:123"}
		p.Config.BackupChannels = []string{"web:directors"}
		p.Config.ConfirmResolutionWithin = 7 * 24 * time.Hour
	})
	tick := func(d time.Duration) {
		t.Helper()
		clock.Advance(d)
		for range 5 {
			if n, err := e.svc.RunDue(context.Background()); err != nil {
				t.Fatal(err)
			} else if n == 0 {
				return
			}
		}
	}
	e.intake("ann")
	id := e.submit("ann", nil)
	card := e.channel()[0]
	if want := clock.Now().Add(30 * time.Minute).UTC().Format(time.RFC3339); card.ID != id || card.Due != want || card.Reminders != 0 || card.Escalated || card.Rating != 0 {
		t.Fatalf("new card: %+v, want due %s", card, want)
	}
	tick(31 * time.Minute)
	card = e.channel()[0]
	last := card.Thread[len(card.Thread)-1]
	if card.Reminders != 1 || !strings.HasPrefix(last.Text, "Reminder: ") || strings.Join(last.Mentions, ",") != "oncall" {
		t.Fatalf("after a reminder: reminders %d, line %+v", card.Reminders, last)
	}
	tick(2 * time.Hour)
	if card = e.channel()[0]; !card.Escalated {
		t.Fatalf("not escalated: %+v", card)
	}
	for _, step := range []struct{ action, note string }{{"claim", ""}, {"resolve", "New charger fitted."}} {
		if code, out := e.exec("dana", step.action, id, step.note); code != 200 {
			t.Fatalf("%s: %d %+v", step.action, code, out)
		}
	}
	if card = e.channel()[0]; card.Due != "" {
		t.Fatalf("a resolved case has a deadline: %q", card.Due)
	}
	rate := e.owner("ann", conversation.Input{Action: bot.ActionResolution, Value: "solved:" + id}, nil)
	if len(rate) != 1 || len(rate[0].Buttons) != 5 {
		t.Fatalf("after confirming: %+v", rate)
	}
	four := rate[0].Buttons[3]
	e.owner("ann", conversation.Input{Action: four.Action, Value: four.Value}, nil)
	e.owner("ann", conversation.Input{Text: "Quick and kind."}, nil)
	if card = e.channel()[0]; card.Rating != 4 || card.RatingComment != "Quick and kind." {
		t.Fatalf("rated card: %+v", card)
	}
}

// The playground downloads a case's transcript as Markdown or JSON.
func TestExportDownload(t *testing.T) {
	e := newEnv(t)
	e.intake("ann")
	id := e.submit("ann", nil)
	e.exec("dana", "claim", id, "")
	for _, tt := range []struct {
		query, ctype, want string
	}{
		{"", "text/markdown; charset=utf-8", "# " + id},
		{"?format=json", "application/json", `"exported_by":"web:dana"`},
	} {
		res, err := http.Get(e.srv.URL + "/api/execs/dana/exports/" + id + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), tt.ctype) ||
			!strings.Contains(res.Header.Get("Content-Disposition"), id) || !strings.Contains(string(body), tt.want) {
			t.Fatalf("export%s: %d %v\n%s", tt.query, res.StatusCode, res.Header, body)
		}
	}
	res, err := http.Get(e.srv.URL + "/api/execs/dana/exports/ESC-9999")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown case: %d", res.StatusCode)
	}
}

// The export command's answer links its files, for the executive who ran it only.
func TestExportCommandLinks(t *testing.T) {
	e := newEnv(t)
	e.intake("ann")
	id := e.submit("ann", nil)
	var out struct {
		Text  string `json:"text"`
		Files []struct{ Name, URL string }
	}
	if code := e.call(http.MethodPost, "/api/execs/mo/commands", map[string]string{"text": "/escalations export " + id}, nil, &out); code != 200 {
		t.Fatalf("export: %d %+v", code, out)
	}
	if !strings.Contains(out.Text, "Transcript of "+id) || len(out.Files) != 2 || out.Files[0].Name != id+".md" {
		t.Fatalf("answer %+v", out)
	}
	get := func(u string) (int, string) {
		res, err := http.Get(e.srv.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if code, body := get(out.Files[0].URL); code != 200 || !strings.HasPrefix(body, "# "+id) {
		t.Fatalf("download %s: %d %.80s", out.Files[0].URL, code, body)
	}
	if code, _ := get(strings.Replace(out.Files[0].URL, "/execs/mo/", "/execs/eve/", 1)); code != http.StatusNotFound {
		t.Fatalf("another executive downloaded it: %d", code)
	}
}
