package slack

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/corefx"
	"escalation-bot/health"
	"escalation-bot/inbox"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/redistest"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
)

// TestModule wires the adapter the way the command does, in HTTP mode: the endpoints are on
// the shared mux, the readiness check reports Slack, and the Messenger is the core's "slack"
// messenger (a case reaches the Slack channel).
func TestModule(t *testing.T) {
	r := redistest.New(t)
	fake := fakeslack.New(t)
	flow := conversation.DefaultFlow()
	var (
		mux      *http.ServeMux
		svc      *bot.Service
		sessions bot.SessionStore
	)
	app := fxtest.New(t,
		fx.NopLogger,
		Module,
		corefx.Module,
		redisstore.Module,
		inbox.Module,
		health.Module,
		fx.Supply(
			Config{BotToken: "xoxb-test", SigningSecret: testSecret, APIURL: strings.TrimSuffix(fake.APIURL(), "/")},
			redisstore.Config{URL: redistest.URL(t), Tenant: r.Tenant},
			bot.Config{Channels: []string{"slack:" + escChannel}, Moderators: []string{"slack:*:" + mod}},
			conversation.NewEngine(flow),
			fx.Annotate(conversation.NewRuleExtractor(flow), fx.As(new(conversation.Extractor))),
			fx.Annotate(bot.NewTemplateSummarizer(), fx.As(new(bot.Summarizer))),
			fx.Annotate(bot.SystemClock{}, fx.As(new(bot.Clock))),
			testLogger(t),
			http.NewServeMux(),
		),
		fx.Populate(&mux, &svc, &sessions),
	)
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Checks map[string]string `json:"checks"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&ready)
	resp.Body.Close()
	if ready.Checks["slack"] != "ok" {
		t.Errorf("readiness = %+v", ready.Checks)
	}

	body := fakeslack.EventCallback(team, "EvModule", fakeslack.MessageIM(owner1, dmOf(owner1), "hello", "1800000000.000001"))
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/events", strings.NewReader(string(body)))
	for k, v := range fakeslack.Sign(testSecret, time.Now(), body) {
		req.Header[k] = v
	}
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("event: %d", resp.StatusCode)
	}
	calls := fake.WaitCalls(t, "chat.postMessage", 1, 5*time.Second)
	if calls[0].Form.Get("channel") != dmOf(owner1) {
		t.Errorf("answered in %q", calls[0].Form.Get("channel"))
	}

	// A case submitted through the core is posted to the Slack channel by this Messenger.
	owner := identity(team, eve)
	say := func(ev bot.OwnerEvent) {
		ev.Owner, ev.Name = owner, "eve"
		if _, err := svc.HandleOwner(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
	say(bot.OwnerEvent{Text: "hello"})
	say(bot.OwnerEvent{Action: conversation.ActionChoose, Value: "understood"})
	for range 30 {
		turn, err := sessions.Load(t.Context(), owner, "")
		if err != nil {
			t.Fatal(err)
		}
		if turn.Session.Stage == conversation.StageReview {
			break
		}
		say(bot.OwnerEvent{Text: answers[turn.Session.Step]})
	}
	say(bot.OwnerEvent{Action: conversation.ActionSubmit})
	deadline := time.Now().Add(5 * time.Second)
	for !slices.ContainsFunc(fake.Calls("chat.postMessage"), func(c fakeslack.Call) bool { return c.Form.Get("channel") == escChannel }) {
		if time.Now().After(deadline) {
			t.Fatalf("no card in %s", escChannel)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestModuleSocketMode: with an app token the adapter connects out and serves no endpoint;
// stopping the app closes the connection.
func TestModuleSocketMode(t *testing.T) {
	r := redistest.New(t)
	fake := fakeslack.New(t)
	flow := conversation.DefaultFlow()
	mux := http.NewServeMux()
	app := fxtest.New(t,
		fx.NopLogger,
		Module,
		corefx.Module,
		redisstore.Module,
		inbox.Module,
		health.Module,
		fx.Supply(
			Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: fake.APIURL()},
			redisstore.Config{URL: redistest.URL(t), Tenant: r.Tenant},
			bot.Config{Channels: []string{"slack:" + escChannel}},
			conversation.NewEngine(flow),
			fx.Annotate(conversation.NewRuleExtractor(flow), fx.As(new(conversation.Extractor))),
			fx.Annotate(bot.NewTemplateSummarizer(), fx.As(new(bot.Summarizer))),
			fx.Annotate(bot.SystemClock{}, fx.As(new(bot.Clock))),
			testLogger(t),
			mux,
		),
	)
	app.RequireStart()
	fake.WaitSocketConnections(t, 1, 5*time.Second)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/slack/events", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("Socket Mode serves /slack/events: %d", resp.StatusCode)
	}
	id := fake.SendEnvelope(t, "events_api", fakeslack.EventCallback(team, "EvSM", fakeslack.MessageIM(owner1, dmOf(owner1), "hello", "1800000000.000001")))
	fake.WaitAck(t, id, 5*time.Second)
	fake.WaitCalls(t, "chat.postMessage", 1, 5*time.Second)
	app.RequireStop()
	fake.WaitSocketConnections(t, 0, 5*time.Second)
}
