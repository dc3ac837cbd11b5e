package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/conversation"
	"escalation-bot/inbox"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/logtest"
	"escalation-bot/xtest/redistest"
)

// TestRetryOfUnseenEventIsProcessed: Slack retries an event exactly when it did not see the
// first delivery acked (a 503 while stopping, a timeout), so a retry may be the only delivery:
// it is processed like any event. A second retry of it changes nothing.
func TestRetryOfUnseenEventIsProcessed(t *testing.T) {
	e := newEnv(t)
	body := fakeslack.EventCallback(team, "EvRetryOnly", fakeslack.MessageIM(owner1, dmOf(owner1), "hello", e.ts()))
	retry := func(n string) {
		t.Helper()
		h := fakeslack.Sign(testSecret, time.Now(), body)
		h.Set("X-Slack-Retry-Num", n)
		h.Set("X-Slack-Retry-Reason", "http_error")
		if status, out := e.post("/slack/events", body, h); status != http.StatusOK {
			t.Fatalf("retry %s answered %d %s", n, status, out)
		}
		e.settle()
	}
	retry("1")
	e.waitShown("chat.postMessage", dmOf(owner1), "escalation assistant")
	posts, s := len(e.posts(dmOf(owner1))), e.session(owner1)
	if s.Version != 1 {
		t.Fatalf("session version %d after the retry, want 1 (one turn)", s.Version)
	}

	retry("2")
	if got := len(e.posts(dmOf(owner1))); got != posts {
		t.Errorf("DM posts = %d after a retry of a handled event, want %d", got, posts)
	}
	if v := e.session(owner1).Version; v != s.Version {
		t.Errorf("a retry of a handled event ran a turn: version %d, was %d", v, s.Version)
	}
}

// TestSocketEnvelopeNotAckedWhileStopping: once the inbox is stopping, an envelope is not acked,
// so Slack redelivers it (to another connection) instead of counting it as delivered.
func TestSocketEnvelopeNotAckedWhileStopping(t *testing.T) {
	logs := &logtest.Buffer{}
	e := newEnv(t, socketMode, captureLogs(logs))
	e.fake.WaitSocketConnections(t, 1, 5*time.Second)
	if err := e.inbox.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		typ     string
		payload any
	}{
		{"events_api", fakeslack.EventCallback(team, "EvLate", fakeslack.MessageIM(owner1, dmOf(owner1), "hello", e.ts()))},
		{"interactive", fakeslack.BlockActionsPayload(team, dana, "dana", escChannel, e.ts(), "trig-late", fakeslack.Action{ActionID: "case|claim", Value: "ESC-1"})},
		{"slash_commands", fakeslack.SlashCommandPayload(team, mod, "mo", "C1", "/escalations", "stats", "trig-late-cmd", e.fake.ResponseURL("trig-late-cmd"))},
	} {
		id := e.fake.SendEnvelope(t, tt.typ, tt.payload)
		// The adapter logs the envelope once it has decided about it.
		logs.WaitFor(t, "envelope="+id)
		if _, acked := e.fake.Acked(id); acked {
			t.Errorf("%s envelope acked while stopping: Slack would not redeliver it", tt.typ)
		}
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 0 {
		t.Errorf("work ran while stopping: %d posts", n)
	}
}

// TestOwnerMessagesRunInOrder: five DMs delivered back to back, without waiting for the work of
// one before the next arrives, are applied and answered in the order they were written: the
// session and the questions asked are those of the same answers given one at a time.
func TestOwnerMessagesRunInOrder(t *testing.T) {
	for name, opts := range map[string][]option{"http": nil, "socket mode": {socketMode}} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, opts...)
			// The five steps after the consent, in flow order, and their answers.
			var steps, texts []string
			for _, st := range conversation.DefaultFlow().Steps {
				if a, ok := answers[st.ID]; ok && len(steps) < 5 {
					steps, texts = append(steps, st.ID), append(texts, a)
				}
			}
			start := func(user string) {
				e.dm(user, "hello")
				e.press(user, conversation.ActionChoose, "understood")
				if s := e.session(user); s.Step != steps[0] {
					t.Fatalf("after the consent %s is at step %q, want %q", user, s.Step, steps[0])
				}
			}

			// Eve answers one message at a time: the reference.
			start(eve)
			before := len(e.posts(dmOf(eve)))
			for _, text := range texts {
				e.dm(eve, text)
			}
			want := e.session(eve)

			// Alice types the same answers quickly: all five arrive before any is worked on.
			start(owner1)
			beforeAlice := len(e.posts(dmOf(owner1)))
			for _, text := range texts {
				ts := e.ts()
				body := fakeslack.EventCallback(team, "Ev"+ts, fakeslack.MessageIM(owner1, dmOf(owner1), text, ts))
				if e.socket {
					e.fake.SendEnvelope(t, "events_api", body)
				} else {
					e.signed("/slack/events", body)
				}
			}
			e.settle()
			got := e.session(owner1)

			if got.Step != want.Step || got.Turns != want.Turns {
				t.Errorf("quick answers left step %q after %d turns; one at a time: step %q after %d", got.Step, got.Turns, want.Step, want.Turns)
			}
			for _, st := range steps {
				if got.Answers[st] != want.Answers[st] {
					t.Errorf("step %s: answer %q, one at a time %q", st, got.Answers[st], want.Answers[st])
				}
			}
			if !slices.Equal(got.History, want.History) {
				t.Errorf("history %v, one at a time %v", got.History, want.History)
			}
			// The questions came in the same order: each answer landed on the next step.
			asked := func(user string, from int) []string {
				var out []string
				for _, c := range e.posts(dmOf(user))[from:] {
					out = append(out, strings.ReplaceAll(c.Form.Get("text"), user, ""))
				}
				return out
			}
			if a, w := asked(owner1, beforeAlice), asked(eve, before); !slices.Equal(a, w) {
				t.Errorf("answers to the quick messages:\n  %q\none at a time:\n  %q", a, w)
			}
		})
	}
}

// TestStoppedJobsRefuseHTTPRetry: a retry that arrives while stopping gets 503 like any event,
// so that Slack tries again later.
func TestStoppedJobsRefuseHTTPRetry(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := e.inbox.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	body := fakeslack.EventCallback(team, "EvRetryLate", fakeslack.MessageIM(owner1, dmOf(owner1), "hello", e.ts()))
	h := fakeslack.Sign(testSecret, time.Now(), body)
	h.Set("X-Slack-Retry-Num", "1")
	if status, _ := e.post("/slack/events", body, h); status != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", status)
	}
}

// TestNotStoredNotAcked: when Redis cannot store a request, Slack gets 503 (and sends it again
// later) instead of a 200 for work that would be lost.
func TestNotStoredNotAcked(t *testing.T) {
	e := newEnv(t)
	box := inbox.New(redisstore.NewInbox(redistest.Down(t), redisstore.Config{}), inbox.Config{}, testLogger(t))
	a := NewAdapter(e.adapter.cfg, e.svc, e.adapter.msgr, box, testLogger(t))
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e.srv = srv
	for _, tt := range []struct {
		path string
		body []byte
	}{
		{"/slack/events", fakeslack.EventCallback(team, "EvDown", fakeslack.MessageIM(owner1, dmOf(owner1), "hello", e.ts()))},
		{"/slack/interactions", fakeslack.BlockActions(team, dana, "dana", escChannel, e.ts(), "trig-down", fakeslack.Action{ActionID: "case|claim", Value: "ESC-1"})},
		{"/slack/commands", fakeslack.SlashCommand(team, mod, "mo", "C1", "/escalations", "stats", "trig-down-cmd", e.fake.ResponseURL("trig-down-cmd"))},
	} {
		status, _ := e.post(tt.path, tt.body, fakeslack.Sign(testSecret, time.Now(), tt.body))
		if status != http.StatusServiceUnavailable {
			t.Errorf("%s with Redis down: status %d, want 503", tt.path, status)
		}
	}
	if n := len(e.posts(dmOf(owner1))); n != 0 {
		t.Errorf("the owner was answered %d times although nothing was stored", n)
	}
}

// TestStoredEventSurvivesCrash: an event stored and acknowledged by a replica that died before
// handling it is handled by the next one that runs.
func TestStoredEventSurvivesCrash(t *testing.T) {
	e := newEnv(t)
	// The dead replica: it stored the event (and Slack got its 200), then it was gone.
	body := fakeslack.EventCallback(team, "EvOrphan", fakeslack.MessageIM(owner1, dmOf(owner1), "hello", e.ts()))
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(env)
	store := redisstore.NewInbox(e.rds.Client, redisstore.Config{Tenant: e.rds.Tenant})
	if err := store.Put(t.Context(), inbox.Item{ID: eventID(env.EventID), Lane: eventKey(env), Kind: kindEvent, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Take(t.Context(), 50*time.Millisecond, 10); err != nil { // it had begun
		t.Fatal(err)
	}
	e.waitShown("chat.postMessage", dmOf(owner1), "escalation assistant")
	e.settle()
	greetings := 0
	for _, c := range e.posts(dmOf(owner1)) {
		if strings.Contains(shown(c), "escalation assistant") {
			greetings++
		}
	}
	if greetings != 1 {
		t.Errorf("the owner was greeted %d times, want 1", greetings)
	}

	// Another replica handled the event and answered, then died before marking it done: the
	// event is handled again, and the answer, found in the DM, is not posted twice.
	posts := len(e.posts(dmOf(owner1)))
	if err := store.Put(t.Context(), inbox.Item{ID: "again", Lane: eventKey(env), Kind: kindEvent, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Take(t.Context(), 50*time.Millisecond, 10); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	e.settle()
	if len(e.fake.Calls("conversations.history")) == 0 {
		t.Error("the redelivered event did not look for its earlier answer")
	}
	if n := len(e.posts(dmOf(owner1))); n != posts {
		t.Errorf("the redelivered event posted %d more messages, want none", n-posts)
	}
}
