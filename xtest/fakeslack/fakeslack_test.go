package fakeslack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"escalation-bot/xtest/fakeslack"
)

func newAPI(s *fakeslack.Server) *slack.Client {
	return slack.New("xoxb-test", slack.OptionAPIURL(s.APIURL()))
}

func section(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

func button(actionID, text, value string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, slack.NewTextBlockObject(slack.PlainTextType, text, false, false))
}

func TestURLs(t *testing.T) {
	s := fakeslack.New(t)
	if strings.HasSuffix(s.URL, "/") || s.APIURL() != s.URL+"/api/" {
		t.Fatalf("URL %q, APIURL %q", s.URL, s.APIURL())
	}
}

func TestWebAPIDecodesWithRealClient(t *testing.T) {
	s := fakeslack.New(t)
	api := newAPI(s)

	auth, err := api.AuthTest()
	if err != nil {
		t.Fatal(err)
	}
	if auth.UserID != "UBOT" || auth.TeamID != "T0001" || auth.BotID != "B0001" {
		t.Fatalf("auth.test: %+v", auth)
	}

	blocks := slack.MsgOptionBlocks(section("*Case ESC-1001*"),
		slack.NewActionBlock("claim", button("claim:ESC-1001", "Claim", "ESC-1001")))
	ch, ts, err := api.PostMessage("C0EXEC", blocks, slack.MsgOptionText("Case ESC-1001", false))
	if err != nil {
		t.Fatal(err)
	}
	if ch != "C0EXEC" || ts != "1700000000.000100" {
		t.Fatalf("postMessage: channel %q ts %q", ch, ts)
	}
	_, ts2, err := api.PostMessage("C0EXEC", slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts))
	if err != nil {
		t.Fatal(err)
	}
	if ts2 <= ts {
		t.Fatalf("ts not increasing: %q then %q", ts, ts2)
	}
	calls := s.Calls("chat.postMessage")
	if len(calls) != 2 || calls[0].Form.Get("channel") != "C0EXEC" || calls[0].Form.Get("text") != "Case ESC-1001" ||
		!strings.Contains(calls[0].Form.Get("blocks"), `"action_id":"claim:ESC-1001"`) ||
		calls[1].Form.Get("thread_ts") != ts || calls[0].Token != "xoxb-test" {
		t.Fatalf("recorded calls: %+v", calls)
	}

	_, uts, text, err := api.UpdateMessage("C0EXEC", ts, slack.MsgOptionText("claimed", false), slack.MsgOptionBlocks(section("claimed")))
	if err != nil || uts != ts || text != "claimed" {
		t.Fatalf("update: ts %q text %q err %v", uts, text, err)
	}

	ets, err := api.PostEphemeral("C0EXEC", "U123", slack.MsgOptionText("only you", false))
	if err != nil || ets == "" {
		t.Fatalf("postEphemeral: %q %v", ets, err)
	}

	dm, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U123"}})
	if err != nil || dm.ID != "DU123" {
		t.Fatalf("conversations.open: %+v %v", dm, err)
	}
	if ch, _, err := api.PostMessage("U123", slack.MsgOptionText("hi", false)); err != nil || ch != "DU123" {
		t.Fatalf("post to a user ID: %q %v", ch, err)
	}

	modal := slack.ModalViewRequest{
		Type:       slack.VTModal,
		Title:      slack.NewTextBlockObject(slack.PlainTextType, "Resolve case", false, false),
		Submit:     slack.NewTextBlockObject(slack.PlainTextType, "Resolve", false, false),
		CallbackID: "resolve",
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("note",
			slack.NewTextBlockObject(slack.PlainTextType, "Note", false, false), nil,
			slack.NewPlainTextInputBlockElement(nil, "note"))}},
		PrivateMetadata: "ESC-1001",
	}
	view, err := api.OpenView("trigger-1", modal)
	if err != nil {
		t.Fatal(err)
	}
	if view.ID == "" || view.CallbackID != "resolve" || view.PrivateMetadata != "ESC-1001" || len(view.Blocks.BlockSet) != 1 {
		t.Fatalf("views.open: %+v", view.View)
	}
	if got := s.Calls("views.open")[0]; got.Token != "xoxb-test" || got.Form.Get("trigger_id") != "trigger-1" ||
		!strings.Contains(got.Form.Get("view"), `"callback_id":"resolve"`) {
		t.Fatalf("views.open call: %+v", got)
	}
	updated, err := api.UpdateView(modal, "", view.Hash, view.ID)
	if err != nil || updated.ID != view.ID || updated.Hash == view.Hash {
		t.Fatalf("views.update: %+v %v", updated, err)
	}
	if _, err := api.UpdateView(modal, "", view.Hash, view.ID); err == nil || err.Error() != "hash_conflict" {
		t.Fatalf("views.update with a stale hash: %v", err)
	}

	s.SetUserGroupMembers("S0EXEC", "U1", "U2")
	members, err := api.GetUserGroupMembers("S0EXEC")
	if err != nil || strings.Join(members, ",") != "U1,U2" {
		t.Fatalf("usergroups.users.list: %v %v", members, err)
	}
	if _, err := api.GetUserGroupMembers("S0NONE"); err == nil || err.Error() != "no_such_subteam" {
		t.Fatalf("unknown group: %v", err)
	}

	s.SetUser("U123", "alice", "T0001")
	u, err := api.GetUserInfo("U123")
	if err != nil || u.ID != "U123" || u.Name != "alice" || u.TeamID != "T0001" || u.Profile.DisplayName != "alice" {
		t.Fatalf("users.info: %+v %v", u, err)
	}
	if _, err := api.GetUserInfo("U404"); err == nil || err.Error() != "user_not_found" {
		t.Fatalf("unknown user: %v", err)
	}

	s.AssertNoViolations(t)
}

func TestFailures(t *testing.T) {
	s := fakeslack.New(t)
	api := newAPI(s)

	s.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 7)
	s.FailNext("chat.postMessage", 1, http.StatusInternalServerError, 0)
	s.FailNext("chat.postMessage", 1, http.StatusOK, 0)
	s.FailNextError("chat.postMessage", 1, "channel_not_found")

	_, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("429: %T %v", err, err)
	}
	_, _, err = api.PostMessage("C1", slack.MsgOptionText("x", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 500 {
		t.Fatalf("500: %T %v", err, err)
	}
	_, _, err = api.PostMessage("C1", slack.MsgOptionText("x", false))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "internal_error" {
		t.Fatalf("200 error: %T %v", err, err)
	}
	if _, _, err = api.PostMessage("C1", slack.MsgOptionText("x", false)); err == nil || err.Error() != "channel_not_found" {
		t.Fatalf("FailNextError: %v", err)
	}
	if _, _, err = api.PostMessage("C1", slack.MsgOptionText("x", false)); err != nil {
		t.Fatalf("after the failures: %v", err)
	}
	var errs []string
	for _, c := range s.Calls("chat.postMessage") {
		errs = append(errs, c.Err)
	}
	if got := strings.Join(errs, ","); got != "ratelimited,http_500,internal_error,channel_not_found," {
		t.Fatalf("recorded errors %q", got)
	}
	if v := s.Violations(); len(v) != 0 {
		t.Fatalf("injected failures are not violations: %v", v)
	}
}

func TestRetryingClientRetries429(t *testing.T) {
	s := fakeslack.New(t)
	api := slack.New("xoxb-test", slack.OptionAPIURL(s.APIURL()), slack.OptionRetryConfig(slack.RetryConfig{MaxRetries: 2}))
	s.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 0)
	start := time.Now()
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false)); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Calls("chat.postMessage")); n != 2 {
		t.Fatalf("%d calls", n)
	}
	if time.Since(start) < time.Second {
		t.Fatalf("slack-go waits at least 1s after a 429")
	}
}

func TestViolations(t *testing.T) {
	many := func(n int, f func(i int) slack.Block) slack.MsgOption {
		var b []slack.Block
		for i := range n {
			b = append(b, f(i))
		}
		return slack.MsgOptionBlocks(b...)
	}
	buttons := func(n int) slack.MsgOption {
		var els []slack.BlockElement
		for i := range n {
			els = append(els, button(fmt.Sprintf("a%d", i), "B", "v"))
		}
		return slack.MsgOptionBlocks(slack.NewActionBlock("", els...))
	}
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name    string
		opt     slack.MsgOption
		wantErr string // "" = accepted
	}{
		{"section at 3000", slack.MsgOptionBlocks(section(long(3000))), ""},
		{"section over 3000", slack.MsgOptionBlocks(section(long(3001))), "invalid_blocks"},
		{"section with multibyte text at 3000", slack.MsgOptionBlocks(section(strings.Repeat("é", 3000))), ""},
		{"empty section text", slack.MsgOptionBlocks(section("")), "invalid_blocks"},
		{"50 blocks", many(50, func(int) slack.Block { return slack.NewDividerBlock() }), ""},
		{"51 blocks", many(51, func(int) slack.Block { return slack.NewDividerBlock() }), "invalid_blocks"},
		{"25 buttons", buttons(25), ""},
		{"26 buttons", buttons(26), "invalid_blocks"},
		{"button text 76", slack.MsgOptionBlocks(slack.NewActionBlock("", button("a", long(76), "v"))), "invalid_blocks"},
		{"mrkdwn button text", slack.MsgOptionBlocks(slack.NewActionBlock("", slack.NewButtonBlockElement("a", "v",
			slack.NewTextBlockObject(slack.MarkdownType, "*B*", false, false)))), "invalid_blocks"},
		{"button value 2000", slack.MsgOptionBlocks(slack.NewActionBlock("", button("a", "B", long(2000)))), ""},
		{"button value 2001", slack.MsgOptionBlocks(slack.NewActionBlock("", button("a", "B", long(2001)))), "invalid_blocks"},
		{"action_id 256", slack.MsgOptionBlocks(slack.NewActionBlock("", button(long(256), "B", "v"))), "invalid_blocks"},
		{"duplicate action_id", slack.MsgOptionBlocks(
			slack.NewActionBlock("", button("claim", "B", "1")),
			slack.NewActionBlock("", button("claim", "B", "2"))), "invalid_blocks"},
		{"duplicate block_id", slack.MsgOptionBlocks(
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "a", false, false), nil, nil, slack.SectionBlockOptionBlockID("x")),
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "b", false, false), nil, nil, slack.SectionBlockOptionBlockID("x"))), "invalid_blocks"},
		{"header over 150", slack.MsgOptionBlocks(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, long(151), false, false))), "invalid_blocks"},
		{"text at 40000", slack.MsgOptionText(long(40000), false), ""},
		{"text over 40000", slack.MsgOptionText(long(40001), false), "msg_too_long"},
		{"no text", slack.MsgOptionText("", false), "no_text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := fakeslack.New(t)
			_, _, err := newAPI(s).PostMessage("C1", tc.opt)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.wantErr {
				t.Fatalf("error %q, want %q; violations %v", got, tc.wantErr, s.Violations())
			}
			if v := s.Violations(); (len(v) > 0) != (tc.wantErr != "") {
				t.Fatalf("violations %v", v)
			}
		})
	}

	t.Run("reported with Slack's messages", func(t *testing.T) {
		s := fakeslack.New(t)
		_, _, err := newAPI(s).PostMessage("C1", slack.MsgOptionBlocks(section(long(3001))))
		var se slack.SlackErrorResponse
		if !errors.As(err, &se) || len(se.ResponseMetadata.Messages) != 1 ||
			se.ResponseMetadata.Messages[0] != "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]" {
			t.Fatalf("%#v", err)
		}
		v := s.Violations()
		if len(v) != 1 || !strings.HasPrefix(v[0], "chat.postMessage: invalid_blocks: [ERROR] must be less than 3001") {
			t.Fatalf("violations %q", v)
		}
		if len(s.Calls("chat.postMessage")) != 1 {
			t.Fatal("rejected call not recorded")
		}
	})

	t.Run("chat.update of an unknown message", func(t *testing.T) {
		s := fakeslack.New(t)
		if _, _, _, err := newAPI(s).UpdateMessage("C1", "1700000000.999999", slack.MsgOptionText("x", false)); err == nil || err.Error() != "message_not_found" {
			t.Fatalf("%v", err)
		}
		if len(s.Violations()) != 1 {
			t.Fatal(s.Violations())
		}
	})

	t.Run("chat.update validates blocks", func(t *testing.T) {
		s := fakeslack.New(t)
		api := newAPI(s)
		_, ts, err := api.PostMessage("C1", slack.MsgOptionText("x", false))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := api.UpdateMessage("C1", ts, buttons(26)); err == nil || err.Error() != "invalid_blocks" {
			t.Fatalf("%v", err)
		}
	})

	t.Run("modal title over 24", func(t *testing.T) {
		s := fakeslack.New(t)
		_, err := newAPI(s).OpenView("tr", slack.ModalViewRequest{
			Type:   slack.VTModal,
			Title:  slack.NewTextBlockObject(slack.PlainTextType, long(25), false, false),
			Blocks: slack.Blocks{BlockSet: []slack.Block{section("a")}},
		})
		if err == nil || err.Error() != "invalid_arguments" || len(s.Violations()) != 1 {
			t.Fatalf("%v %v", err, s.Violations())
		}
	})
}

func TestAuth(t *testing.T) {
	s := fakeslack.New(t)
	for token, want := range map[string]string{
		"":            "not_authed",
		"xapp-1-test": "not_allowed_token_type",
		"bogus":       "invalid_auth",
	} {
		_, _, err := slack.New(token, slack.OptionAPIURL(s.APIURL())).PostMessage("C1", slack.MsgOptionText("x", false))
		if err == nil || err.Error() != want {
			t.Errorf("token %q: %v, want %s", token, err, want)
		}
	}
	if _, _, err := slack.New("xoxb-test", slack.OptionAPIURL(s.APIURL())).StartSocketModeContext(context.Background()); err == nil || err.Error() != "not_authed" {
		t.Errorf("apps.connections.open without an app token: %v", err)
	}
	api := slack.New("xoxb-test", slack.OptionAppLevelToken("xoxb-test"), slack.OptionAPIURL(s.APIURL()))
	if _, _, err := api.StartSocketModeContext(context.Background()); err == nil || err.Error() != "not_allowed_token_type" {
		t.Errorf("apps.connections.open with a bot token: %v", err)
	}

	resp, err := http.PostForm(s.APIURL()+"reactions.add", url.Values{"token": {"xoxb-test"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"error":"unknown_method"`) {
		t.Errorf("unknown method: %s", body)
	}
	if n := len(s.Violations()); n != 6 {
		t.Errorf("%d violations: %v", n, s.Violations())
	}
}

func TestDelayTakesEffectAtOnce(t *testing.T) {
	s := fakeslack.New(t)
	api := newAPI(s)
	s.Delay("chat.postMessage", 500*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a timeout, got %v", err)
	}
	s.WaitCalls(t, "chat.postMessage", 1, time.Second)
	s.Delay("chat.postMessage", 0)
	start := time.Now()
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false)); err != nil || time.Since(start) > 400*time.Millisecond {
		t.Fatalf("after Delay 0: %v in %v", err, time.Since(start))
	}
}

func TestConcurrentPostsGetDistinctTimestamps(t *testing.T) {
	s := fakeslack.New(t)
	api := newAPI(s)
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			_, ts, err := api.PostMessage("C1", slack.MsgOptionText("x", false))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			seen[ts] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(seen) != 40 || len(s.WaitCalls(t, "chat.postMessage", 40, time.Second)) != 40 {
		t.Fatalf("%d distinct ts", len(seen))
	}
}

func TestResetKeepsMessages(t *testing.T) {
	s := fakeslack.New(t)
	api := newAPI(s)
	_, ts, _ := api.PostMessage("C1", slack.MsgOptionText("x", false))
	_, _, _ = api.PostMessage("C1", slack.MsgOptionText("", false)) // a violation
	s.FailNext("chat.update", 5, 500, 0)
	s.Reset()
	if len(s.Calls("")) != 0 || len(s.Violations()) != 0 {
		t.Fatal("Reset kept calls or violations")
	}
	if _, _, _, err := api.UpdateMessage("C1", ts, slack.MsgOptionText("y", false)); err != nil {
		t.Fatalf("update after Reset: %v", err)
	}
}

// fatalRecorder is a testing.TB whose Fatalf records the message and ends the goroutine.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestWaitCallsListsWhatWasCalled(t *testing.T) {
	s := fakeslack.New(t)
	_, _ = newAPI(s).AuthTest()
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.WaitCalls(rec, "chat.postMessage", 1, 50*time.Millisecond)
	}()
	<-done
	if !strings.Contains(rec.msg, "got 0") || !strings.Contains(rec.msg, "auth.test×1") {
		t.Fatalf("message %q", rec.msg)
	}
}

func TestResponseURL(t *testing.T) {
	s := fakeslack.New(t)
	api := newAPI(s)
	_, _, err := api.PostMessage("", slack.MsgOptionResponseURL(s.ResponseURL("cmd-1"), slack.ResponseTypeEphemeral),
		slack.MsgOptionText("working on it", false))
	if err != nil {
		t.Fatal(err)
	}
	got := s.WaitResponses(t, "cmd-1", 1, time.Second)
	var msg struct {
		Text         string `json:"text"`
		ResponseType string `json:"response_type"`
	}
	if err := json.Unmarshal(got[0], &msg); err != nil || msg.Text != "working on it" || msg.ResponseType != "ephemeral" {
		t.Fatalf("%s %v", got[0], err)
	}
	if len(s.Calls("")) != 0 {
		t.Fatal("a response_url post is not a Web API call")
	}
}

func TestSignedRequests(t *testing.T) {
	body := fakeslack.EventCallback("T0001", "Ev1", fakeslack.MessageIM("U123", "D123", "hello", "1700000001.000100"))
	h := fakeslack.Sign("secret", time.Now(), body)
	sv, err := slack.NewSecretsVerifier(h, "secret")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = sv.Write(body)
	if err := sv.Ensure(); err != nil {
		t.Fatalf("fresh signature refused: %v", err)
	}

	sv, err = slack.NewSecretsVerifier(h, "other-secret")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = sv.Write(body)
	if err := sv.Ensure(); err == nil {
		t.Fatal("wrong secret accepted")
	}

	stale := fakeslack.Sign("secret", time.Now().Add(-6*time.Minute), body)
	if _, err := slack.NewSecretsVerifier(stale, "secret"); !errors.Is(err, slack.ErrExpiredTimestamp) {
		t.Fatalf("stale timestamp: %v", err)
	}

	req := fakeslack.NewSignedRequest(t, "http://app.invalid/slack/events", "secret", body)
	if req.Header.Get("Content-Type") != "application/json" || req.Header.Get("X-Slack-Signature") == "" {
		t.Fatalf("headers %v", req.Header)
	}
}

func TestHTTPPayloadsDecode(t *testing.T) {
	ev, err := slackevents.ParseEvent(fakeslack.EventCallback("T0001", "Ev1",
		fakeslack.MessageIM("U123", "D123", "hello", "1700000001.000100")), slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	msg, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if ev.Type != slackevents.CallbackEvent || !ok || msg.ChannelType != "im" || msg.Text != "hello" || msg.User != "U123" {
		t.Fatalf("%+v %+v", ev, ev.InnerEvent.Data)
	}
	ev, err = slackevents.ParseEvent(fakeslack.EventCallback("T0001", "Ev2",
		fakeslack.AppMention("U123", "C1", "<@UBOT> help", "1700000001.000200")), slackevents.OptionNoVerifyToken())
	if mention, ok := ev.InnerEvent.Data.(*slackevents.AppMentionEvent); err != nil || !ok || mention.Channel != "C1" {
		t.Fatalf("%+v %v", ev.InnerEvent.Data, err)
	}
	ev, err = slackevents.ParseEvent(fakeslack.URLVerification("ch4ll"), slackevents.OptionNoVerifyToken())
	if uv, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); err != nil || !ok || uv.Challenge != "ch4ll" {
		t.Fatalf("%+v %v", ev, err)
	}

	post := func(body []byte) *http.Request {
		return fakeslack.NewSignedRequest(t, "http://app.invalid/slack/interactive", "secret", body)
	}
	ic, err := slack.InteractionCallbackParse(post(fakeslack.BlockActions("T0001", "U9", "exec", "C0EXEC", "1700000000.000100", "trig-1",
		fakeslack.Action{ActionID: "claim", Value: "ESC-1001"},
		fakeslack.Action{ActionID: "pick", Value: "U7", BlockID: "who", Type: "users_select"})))
	if err != nil {
		t.Fatal(err)
	}
	ba := ic.ActionCallback.BlockActions
	if ic.Type != slack.InteractionTypeBlockActions || ic.User.ID != "U9" || ic.Channel.ID != "C0EXEC" ||
		ic.Container.MessageTs != "1700000000.000100" || ic.TriggerID != "trig-1" || len(ba) != 2 ||
		ba[0].ActionID != "claim" || ba[0].Value != "ESC-1001" || ba[1].SelectedUser != "U7" || ba[1].BlockID != "who" {
		t.Fatalf("%+v", ic)
	}

	ic, err = slack.InteractionCallbackParse(post(fakeslack.ViewSubmission("T0001", "U9", "exec", "resolve", "ESC-1001",
		map[string]map[string]string{"note": {"note": "fixed"}})))
	if err != nil {
		t.Fatal(err)
	}
	if ic.Type != slack.InteractionTypeViewSubmission || ic.View.CallbackID != "resolve" || ic.View.PrivateMetadata != "ESC-1001" ||
		ic.View.State.Values["note"]["note"].Value != "fixed" {
		t.Fatalf("%+v", ic.View)
	}

	req := post(fakeslack.SlashCommand("T0001", "U9", "mod", "C0EXEC", "/escalations", "list", "trig-2", "http://x.invalid/r"))
	cmd, err := slack.SlashCommandParse(req)
	if err != nil || cmd.Command != "/escalations" || cmd.Text != "list" || cmd.UserID != "U9" || cmd.ResponseURL != "http://x.invalid/r" || cmd.TriggerID != "trig-2" {
		t.Fatalf("%+v %v", cmd, err)
	}
}

func TestServerBoundPayloads(t *testing.T) {
	s := fakeslack.New(t)
	api := newAPI(s)
	_, ts, err := api.PostMessage("C0EXEC", slack.MsgOptionBlocks(slack.NewActionBlock("act", button("claim", "Claim", "ESC-1"))))
	if err != nil {
		t.Fatal(err)
	}
	var ic slack.InteractionCallback
	if err := json.Unmarshal(s.BlockActionsPayload("T0001", "U9", "exec", "C0EXEC", ts, "trig-9",
		fakeslack.Action{ActionID: "claim", Value: "ESC-1", BlockID: "act"}), &ic); err != nil {
		t.Fatal(err)
	}
	if ic.ResponseURL != s.ResponseURL("trig-9") || len(ic.Message.Blocks.BlockSet) != 1 {
		t.Fatalf("%+v", ic)
	}

	view, err := api.OpenView("tr", slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: "resolve",
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Resolve", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section("a")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ic = slack.InteractionCallback{}
	if err := json.Unmarshal(s.ViewSubmissionPayload("T0001", "U9", "exec", "resolve", "", nil), &ic); err != nil || ic.View.ID != view.ID {
		t.Fatalf("%v %q != %q", err, ic.View.ID, view.ID)
	}
}

// runSocketMode runs a socketmode client against s and forwards its events.
func runSocketMode(t *testing.T, s *fakeslack.Server, opts ...slack.Option) (*socketmode.Client, <-chan socketmode.Event) {
	t.Helper()
	opts = append([]slack.Option{slack.OptionAppLevelToken("xapp-1-test"), slack.OptionAPIURL(s.APIURL())}, opts...)
	client := socketmode.New(slack.New("xoxb-test", opts...), socketmode.OptionPingInterval(1500*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = client.RunContext(ctx)
	}()
	events := make(chan socketmode.Event, 100)
	go func() {
		for {
			select {
			case evt := <-client.Events:
				select {
				case events <- evt:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return client, events
}

func nextEvent(t *testing.T, events <-chan socketmode.Event, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case evt := <-events:
			if evt.Type == typ {
				return evt
			}
		case <-timeout:
			t.Fatalf("no %s event", typ)
		}
	}
}

func TestSocketMode(t *testing.T) {
	s := fakeslack.New(t)
	client, events := runSocketMode(t, s)
	s.WaitSocketConnections(t, 1, 5*time.Second)
	nextEvent(t, events, socketmode.EventTypeHello)

	id := s.SendEnvelope(t, "events_api", fakeslack.EventCallback("T0001", "Ev1",
		fakeslack.MessageIM("U123", "D123", "hello", "1700000001.000100")))
	evt := nextEvent(t, events, socketmode.EventTypeEventsAPI)
	api, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok || evt.Request.EnvelopeID != id {
		t.Fatalf("%+v", evt)
	}
	if msg, ok := api.InnerEvent.Data.(*slackevents.MessageEvent); !ok || msg.Text != "hello" || msg.ChannelType != "im" {
		t.Fatalf("%+v", api.InnerEvent.Data)
	}
	if err := client.Ack(*evt.Request); err != nil {
		t.Fatal(err)
	}
	if p := s.WaitAck(t, id, 5*time.Second); p != nil {
		t.Fatalf("ack payload %s", p)
	}

	id = s.SendEnvelope(t, "interactive", fakeslack.BlockActionsPayload("T0001", "U9", "exec", "C0EXEC", "1700000000.000100", "trig",
		fakeslack.Action{ActionID: "claim", Value: "ESC-1001"}))
	evt = nextEvent(t, events, socketmode.EventTypeInteractive)
	ic, ok := evt.Data.(slack.InteractionCallback)
	if !ok || ic.Type != slack.InteractionTypeBlockActions || len(ic.ActionCallback.BlockActions) != 1 ||
		ic.ActionCallback.BlockActions[0].Value != "ESC-1001" || evt.Request.AcceptsResponsePayload {
		t.Fatalf("%+v", evt)
	}
	_ = client.Ack(*evt.Request)
	s.WaitAck(t, id, 5*time.Second)

	id = s.SendEnvelope(t, "slash_commands", fakeslack.SlashCommandPayload("T0001", "U9", "mod", "C0EXEC", "/escalations", "list", "trig", s.ResponseURL("c1")))
	evt = nextEvent(t, events, socketmode.EventTypeSlashCommand)
	cmd, ok := evt.Data.(slack.SlashCommand)
	if !ok || cmd.Command != "/escalations" || cmd.Text != "list" || !evt.Request.AcceptsResponsePayload {
		t.Fatalf("%+v", evt)
	}
	_ = client.Ack(*evt.Request, map[string]any{"text": "no open cases"})
	if p := s.WaitAck(t, id, 5*time.Second); !bytes.Equal(p, []byte(`{"text":"no open cases"}`)) {
		t.Fatalf("ack payload %s", p)
	}

	s.DropConnections() // removes the old connections at once; the client comes back on its own
	s.WaitCalls(t, "apps.connections.open", 2, 10*time.Second)
	s.WaitSocketConnections(t, 1, 10*time.Second)
	nextEvent(t, events, socketmode.EventTypeHello)
	id = s.SendEnvelope(t, "events_api", fakeslack.EventCallback("T0001", "Ev2",
		fakeslack.AppMention("U123", "C1", "<@UBOT> hi", "1700000001.000200")))
	evt = nextEvent(t, events, socketmode.EventTypeEventsAPI)
	_ = client.Ack(*evt.Request)
	s.WaitAck(t, id, 5*time.Second)

	if n := len(s.Calls("apps.connections.open")); n != 2 {
		t.Fatalf("%d apps.connections.open calls", n)
	}
	s.AssertNoViolations(t)
}

func TestSocketStaysUpAndHonoursDebugReconnects(t *testing.T) {
	s := fakeslack.New(t)
	_, events := runSocketMode(t, s, slack.OptionDebug(true), slack.OptionLog(log.New(io.Discard, "", 0)))
	hello := nextEvent(t, events, socketmode.EventTypeHello)
	if got := hello.Request.DebugInfo.ApproximateConnectionTime; got != 360 {
		t.Fatalf("approximate_connection_time %d with debug_reconnects=true", got)
	}
	// The client gives up on a connection that goes 1.5s without a ping.
	time.Sleep(3200 * time.Millisecond)
	if n, opens := s.SocketConnections(), len(s.Calls("apps.connections.open")); n != 1 || opens != 1 {
		t.Fatalf("%d connections, %d apps.connections.open calls", n, opens)
	}
}

func TestSendEnvelopeRejectsFormBodies(t *testing.T) {
	s := fakeslack.New(t)
	_, _ = runSocketMode(t, s)
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.SendEnvelope(rec, "interactive", fakeslack.BlockActions("T0001", "U9", "exec", "C1", "1.2", "tr"))
	}()
	<-done
	if !strings.Contains(rec.msg, "not JSON") {
		t.Fatalf("message %q", rec.msg)
	}
}

// Files arrive in Slack's three steps through slack-go and are kept; what Slack refuses is
// refused.
func TestFileUpload(t *testing.T) {
	s := fakeslack.New(t)
	api := newAPI(s)
	ctx := context.Background()
	dm, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil {
		t.Fatal(err)
	}
	content := "# ESC-1\n\nhello\n"
	sum, err := api.UploadFileContext(ctx, slack.UploadFileParameters{
		Filename: "ESC-1.md", FileSize: len(content), Reader: strings.NewReader(content), Title: "Transcript", Channel: dm.ID, InitialComment: "here",
	})
	if err != nil {
		t.Fatal(err)
	}
	files := s.WaitFiles(t, "U1", 1, time.Second)
	if f := files[0]; f.ID != sum.ID || f.Name != "ESC-1.md" || f.Title != "Transcript" || f.Channel != dm.ID || f.Comment != "here" || string(f.Data) != content {
		t.Fatalf("file %+v", f)
	}
	s.AssertNoViolations(t)

	// A user id is no channel, a length that does not match is refused, and an unknown or
	// unfinished file cannot be completed.
	_, err = api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "a.txt", FileSize: 2, Content: "ab", Channel: "U1"})
	if err == nil || !strings.Contains(err.Error(), "channel_not_found") {
		t.Errorf("user id as channel: %v", err)
	}
	_, err = api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "a.txt", FileSize: 5, Content: "ab", Channel: dm.ID})
	if err == nil {
		t.Error("a length that does not match was taken")
	}
	if _, err := api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "big", FileSize: fakeslack.MaxFileSize + 1}); err == nil || !strings.Contains(err.Error(), "file_too_large") {
		t.Errorf("too large: %v", err)
	}
	u, err := api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "b.txt", FileSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{u.FileID, "F404"} {
		if _, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: id}}, Channel: dm.ID}); err == nil || !strings.Contains(err.Error(), "file_not_found") {
			t.Errorf("complete %s: %v", id, err)
		}
	}
	if v := s.Violations(); len(v) != 5 {
		t.Errorf("violations:\n%s", strings.Join(v, "\n"))
	}
	if got := s.Files(""); len(got) != 1 {
		t.Errorf("files kept: %+v", got)
	}

	// An injected failure of the last step leaves the file unshared.
	s.FailNextError("files.completeUploadExternal", 1, "internal_error")
	if _, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "c.txt", FileSize: 1, Content: "c", Channel: dm.ID}); err == nil {
		t.Error("injected failure: no error")
	}
	if got := s.Files(dm.ID); len(got) != 1 {
		t.Errorf("files after a failed completion: %+v", got)
	}

	// files.delete takes the bot's file away, once; a user's file is not the bot's to delete.
	if err := api.DeleteFileContext(ctx, sum.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if got := s.Files(dm.ID); len(got) != 0 {
		t.Errorf("files after files.delete: %+v", got)
	}
	user := s.UserFile("u.png", "image/png", []byte("png"))
	for id, want := range map[string]string{sum.ID: "file_deleted", "F404": "file_not_found", user["id"].(string): "cant_delete_file"} {
		if err := api.DeleteFileContext(ctx, id); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("delete %s: %v, want %s", id, err, want)
		}
	}
}
