package slack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/presentation"
	"escalation-bot/xtest/cardtest"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/logtest"
)

// claimAs gives the case to user straight through the core (no Slack lookups on the way).
func (e *env) claimAs(user, name, id string) {
	e.t.Helper()
	if _, err := e.svc.Claim(e.t.Context(), bot.Actor{ID: identity(team, user), Name: name}, id); err != nil {
		e.t.Fatal(err)
	}
}

// TestModalOpensBeforeUsergroupRetry: a Reply click whose user group lookup is answered 429
// Retry-After 3 opens the modal at once, without waiting out the 429 (the trigger_id would
// expire): views.open comes before any retry of the lookup. The core checks on submit.
func TestModalOpensBeforeUsergroupRetry(t *testing.T) {
	e := newEnv(t, moderators("slack:*:"+mod, "group:SMODS"), usergroups("SMODS"), beforeStart(func(f *fakeslack.Server) {
		f.SetUserGroupMembers("SMODS", mod)
	}))
	id := e.openCase(owner1)
	e.claimAs(dana, "Dana", id)
	e.fake.Reset()
	e.fake.FailNext("usergroups.users.list", 1, http.StatusTooManyRequests, 3)

	e.clickCase(dana, "dana", bot.ActionReply, id)
	var order []string
	for _, c := range e.fake.Calls("") {
		if c.Method == "usergroups.users.list" || c.Method == "views.open" {
			order = append(order, c.Method+"/"+c.Err)
		}
	}
	want := []string{"usergroups.users.list/ratelimited", "views.open/"}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("calls %v, want %v: views.open first, no retry of the lookup before it", order, want)
	}
	if eph := e.calls("chat.postEphemeral", ""); len(eph) != 0 {
		t.Errorf("the click was refused:\n%s", e.dump("chat.postEphemeral"))
	}

	// A refusal the check is sure of still comes before any modal: Eve has not claimed it.
	e.clickCase(eve, "eve", bot.ActionReply, id)
	e.waitShown("chat.postEphemeral", escChannel, "claimed by Dana")
	if n := len(e.calls("views.open", "")); n != 1 {
		t.Errorf("views.open calls = %d, want 1 (none for Eve)", n)
	}
}

// TestViewsOpenNotRetried: a trigger_id is good for one views.open; after a 429 the adapter
// does not try again but tells the executive to click again.
func TestViewsOpenNotRetried(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(owner1)
	e.claimAs(dana, "Dana", id)
	e.fake.FailNext("views.open", 1, http.StatusTooManyRequests, 1)
	e.clickCase(dana, "dana", bot.ActionResolve, id)
	if calls := e.fake.Calls("views.open"); len(calls) != 1 {
		t.Errorf("views.open called %d times, want once:\n%s", len(calls), e.dump("views.open"))
	}
	eph := e.waitShown("chat.postEphemeral", escChannel, "click the button again")
	if eph.Form.Get("user") != dana {
		t.Errorf("ephemeral to %q", eph.Form.Get("user"))
	}
}

// TestResponseURLNotLogged: a response_url that cannot be reached is logged as its host and
// "/commands/…", never with the tokens that make it usable.
func TestResponseURLNotLogged(t *testing.T) {
	logs := &logtest.Buffer{}
	e := newEnv(t, captureLogs(logs))
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // connections are refused: net/http puts the whole URL in the error
	const token = "S3cr3tT0k3nXyz"
	hook := dead.URL + "/commands/" + team + "/8123456789/" + token
	e.signed("/slack/commands", fakeslack.SlashCommand(team, mod, "mo", "C1", "/escalations", "stats", "trig-hook", hook))
	e.settle()

	out := logs.String()
	if !strings.Contains(out, "answer slash command") || !strings.Contains(out, "/commands/…") {
		t.Fatalf("the failure was not logged with the redacted URL:\n%s", out)
	}
	for _, secret := range []string{token, "8123456789", "/commands/" + team} {
		if strings.Contains(out, secret) {
			t.Errorf("the log shows %q of the response_url:\n%s", secret, out)
		}
	}
}

// TestConfigHidesSecrets: however a Config is printed or logged, the tokens, the signing secret
// and a proxy password stay out.
func TestConfigHidesSecrets(t *testing.T) {
	cfg := Config{
		BotToken:      "xoxb-111-222-botsecret",
		AppToken:      "xapp-1-A1-333-appsecret",
		SigningSecret: "signsecret0123",
		APIURL:        "http://user:proxypass@proxy:8080/api/",
		Usergroups:    []string{"S1"},
	}
	var js bytes.Buffer
	slog.New(slog.NewJSONHandler(&js, nil)).Info("config", "cfg", cfg)
	var txt bytes.Buffer
	slog.New(slog.NewTextHandler(&txt, nil)).Info("config", "cfg", &cfg)
	shown := map[string]string{
		"Sprint":    fmt.Sprint(cfg),
		"%+v":       fmt.Sprintf("%+v", cfg),
		"%#v":       fmt.Sprintf("%#v", cfg),
		"%v of ptr": fmt.Sprintf("%v", &cfg),
		"slog JSON": js.String(),
		"slog text": txt.String(),
	}
	for how, s := range shown {
		for _, secret := range []string{"botsecret", "appsecret", "signsecret", "proxypass"} {
			if strings.Contains(s, secret) {
				t.Errorf("%s shows %s: %s", how, secret, s)
			}
		}
		if !strings.Contains(s, "proxy:8080") || !strings.Contains(s, "S1") {
			t.Errorf("%s hides what is not secret: %s", how, s)
		}
	}
}

// TestRefusedSubmissionQuotesText: a Reply submission the core refuses has closed the modal;
// the refusal in the executive's DM gives them back what they wrote.
func TestRefusedSubmissionQuotesText(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(owner1)
	e.claimAs(dana, "Dana", id)
	typed := "We will collect the car on Monday & bring a <loaner>.\nCall me first."
	e.submitModal(eve, "eve", bot.ActionReply, id, typed)

	dm := e.waitShown("chat.postMessage", dmOf(eve), "claimed by Dana")
	if !strings.Contains(shown(dm), "What you wrote") || !strings.Contains(shown(dm), escape(typed)) {
		t.Errorf("the refusal does not quote the text:\n%s", shown(dm))
	}
	for _, c := range e.posts(dmOf(owner1)) {
		if strings.Contains(shown(c), "Monday") {
			t.Errorf("the refused reply reached the owner")
		}
	}
	e.fake.AssertNoViolations(t)
}

// TestActionsOnlyWhereShown: case buttons count only from an escalation channel and intake
// buttons only from the owner's DM; from elsewhere the clicker is told so, privately, and
// nothing happens.
func TestActionsOnlyWhereShown(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(owner1)
	for _, channel := range []string{dmOf(dana), "COTHER"} {
		e.interact(dana, "dana", channel, e.ts(), fakeslack.Action{ActionID: caseActionID(bot.ActionClaim), Value: id})
		eph := e.waitShown("chat.postEphemeral", channel, notInEscalationChannel)
		if eph.Form.Get("user") != dana {
			t.Errorf("refusal to %q", eph.Form.Get("user"))
		}
	}
	if c := e.getCase(id); c.Status != bot.StatusOpen {
		t.Errorf("a case button from outside the escalation channel changed the case: %s", c.Status)
	}
	if n := len(e.calls("chat.update", "")); n != 0 {
		t.Errorf("the card was updated %d times", n)
	}

	e.dm(eve, "hello")
	before := e.session(eve)
	for _, channel := range []string{escChannel, "CGENERAL"} {
		e.interact(eve, "eve", channel, e.ts(), fakeslack.Action{ActionID: ownerActionID(conversation.ActionChoose, 0), Value: "understood"})
		e.waitShown("chat.postEphemeral", channel, notInDM)
	}
	if after := e.session(eve); after.Version != before.Version || after.Step != before.Step {
		t.Errorf("an intake button from a channel ran a turn: step %q → %q", before.Step, after.Step)
	}
	// From the DM the same button works.
	e.press(eve, conversation.ActionChoose, "understood")
	if s := e.session(eve); s.Version == before.Version {
		t.Error("the intake button in the DM did nothing")
	}
}

// TestFormTakesWhatTheCoreKeeps: the Reply and Resolve forms take as much as Slack's input
// allows and the core keeps, and a text of that full length reaches the case whole.
func TestFormTakesWhatTheCoreKeeps(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(owner1)
	e.clickCase(dana, "dana", bot.ActionClaim, id)
	e.waitShown("chat.update", escChannel, "*Claimed by*\nDana")

	for _, action := range []string{bot.ActionReply, bot.ActionResolve} {
		e.clickCase(dana, "dana", action, id)
		views := e.calls("views.open", "")
		var view struct {
			Blocks []struct {
				Element struct {
					MaxLength int `json:"max_length"`
				} `json:"element"`
			} `json:"blocks"`
		}
		if err := json.Unmarshal([]byte(views[len(views)-1].Form.Get("view")), &view); err != nil || len(view.Blocks) != 1 {
			t.Fatalf("%s form: %v", action, err)
		}
		limit := view.Blocks[0].Element.MaxLength
		if want := presentation.FormLimit(action, maxInputText); limit != want || limit > 3000 {
			t.Errorf("%s form takes %d characters, want %d", action, limit, want)
		}
		text := cardtest.FormText(limit)
		e.submitModal(dana, "dana", action, id, text)
		kept := cardtest.Kept(t, e.cases, id, action)
		if kept != text {
			t.Errorf("%s: the core kept %d of the %d characters the form took", action, utf8.RuneCountInString(kept), limit)
		}
	}
	e.fake.AssertNoViolations(t)
}
