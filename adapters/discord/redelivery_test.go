package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/conversation"
	"escalation-bot/inbox"
	"escalation-bot/xtest/fakediscord"

	goredis "github.com/redis/go-redis/v9"
)

// TestClickDoneThenFailedIsAnsweredOnce: an owner's click is acknowledged, its turn is saved,
// but the save's answer is lost (the connection to Redis broke after the write). The click is
// not answered with an apology (it was acknowledged: its work is owed); the inbox runs it
// again, without a second acknowledgement, and the owner gets the next question, once.
func TestClickDoneThenFailedIsAnsweredOnce(t *testing.T) {
	e := newEnv(t)
	e.dm(alice, "hello")
	fail := &failAfterWrite{key: redisstore.NewKeys(e.rds.Tenant).Conv(identity(alice))}
	e.rds.Client.AddHook(fail)
	fail.armed.Store(true)
	click := e.press(alice, conversation.ActionChoose, "understood")
	if fail.armed.Load() {
		t.Fatal("the session save did not run: nothing was injected")
	}
	s, _ := e.session(alice)
	if _, ok := s.Answers["consent"]; !ok {
		t.Fatalf("consent not taken: stage %s, step %s", s.Stage, s.Step)
	}
	prompt := stepPrompt(t, s.Step)
	shown := 0
	for _, m := range e.botMessages(dmOf(alice)) {
		if strings.Contains(text(m), "Sorry") {
			t.Errorf("the acknowledged click was answered with %q", text(m))
		}
		if strings.Contains(text(m), prompt) {
			shown++
		}
	}
	if shown != 1 {
		t.Errorf("the next question (%s) was asked %d times, want once:\n%s", s.Step, shown, e.dump(dmOf(alice)))
	}
	callbacks := 0
	for _, c := range e.fake.Responses(click) {
		if c.CallbackType != 0 {
			callbacks++
		}
	}
	if callbacks != 1 {
		t.Errorf("%d initial responses to the click, want 1: %v", callbacks, e.fake.Responses(click))
	}
	e.fake.AssertNoViolations(t)
}

// TestClickAcknowledgedByADeadProcess: a process stored a click and acknowledged it, then died
// before the turn. The process that takes the click over from the inbox is refused a second
// acknowledgement (40060, as on Discord) and does the work all the same: the person saw the
// click succeed.
func TestClickAcknowledgedByADeadProcess(t *testing.T) {
	e := newEnv(t)
	e.dm(alice, "hello")
	msgs := e.botMessages(dmOf(alice))
	payload := fakediscord.ButtonClick(ownerInv(alice), dmOf(alice), msgs[len(msgs)-1].ID, ownerCustomID(conversation.ActionChoose, "understood"))
	id, token := payload["id"].(string), payload["token"].(string)

	// The dead process's acknowledgement...
	resp, err := http.Post(fmt.Sprintf("%s/api/v10/interactions/%s/%s/callback", e.fake.URL, id, token), "application/json", strings.NewReader(`{"type":6}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("acknowledgement answered %s", resp.Status)
	}
	// ...and what it stored, which this process's inbox now takes.
	raw, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.inbox.Accept(t.Context(), inbox.Item{ID: "discord:interaction:" + id, Lane: string(identity(alice)), Kind: kindInteraction, Payload: raw}); err != nil {
		t.Fatal(err)
	}
	e.settle(0)

	s, _ := e.session(alice)
	if _, ok := s.Answers["consent"]; !ok {
		t.Fatalf("the acknowledged click was dropped: stage %s, step %s", s.Stage, s.Step)
	}
	e.waitShown(dmOf(alice), stepPrompt(t, s.Step))
	v := e.fake.Violations()
	if len(v) != 1 || !strings.Contains(v[0], "(40060)") {
		t.Errorf("violations = %q, want the one refused second acknowledgement", v)
	}
}

func stepPrompt(t *testing.T, step string) string {
	t.Helper()
	for _, st := range conversation.DefaultFlow().Steps {
		if st.ID == step {
			return st.Prompt
		}
	}
	t.Fatalf("no step %q in the default flow", step)
	return ""
}

// failAfterWrite lets the first script run on key reach Redis, then reports it failed: a write
// that was done and whose answer was lost.
type failAfterWrite struct {
	key   string
	armed atomic.Bool
}

func (h *failAfterWrite) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (h *failAfterWrite) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		err := next(ctx, cmd)
		script := cmd.Name() == "evalsha" || cmd.Name() == "eval"
		if err == nil && script && slices.ContainsFunc(cmd.Args(), func(a any) bool { return fmt.Sprint(a) == h.key }) && h.armed.CompareAndSwap(true, false) {
			return errors.New("injected: the connection broke after the write")
		}
		return err
	}
}

func (h *failAfterWrite) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}

// TestRedeliveredAnswerNotPostedTwice: a process answered an owner's DM, but only the first
// message of the answer reached Discord before it died, and the inbox runs the event again: the
// core asks the waiting question again, which was the message cut off, and it is posted. Then
// that run dies too before marking the event handled: the question asked once more is the
// message Discord already has (the nonce of the event and the message, enforced), and the DM
// does not show it twice.
func TestRedeliveredAnswerNotPostedTwice(t *testing.T) {
	var posts atomic.Int32
	cut := withTransport(func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/channels/"+dmOf(alice)+"/messages") && posts.Add(1) == 2 {
				return nil, errors.New("injected: the process died here")
			}
			return next.RoundTrip(r)
		})
	})
	e := newEnv(t, cut)
	id := e.dm(alice, "hello")
	first := e.botMessages(dmOf(alice))
	if len(first) != 1 || posts.Load() != 2 {
		t.Fatalf("the first answer should have been cut after its first message: %d messages, %d posts", len(first), posts.Load())
	}

	// From now on the event is run again by another inbox each time its worker died.
	if err := e.inbox.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	store := redisstore.NewInbox(e.rds.Client, redisstore.Config{Tenant: e.rds.Tenant})
	box := inbox.New(store, inbox.Config{Poll: 20 * time.Millisecond}, testLogger(t))
	box.Handle(kindDM, e.adapter.handleDM)
	raw, err := json.Marshal(fakediscord.MessageCreate(id, dmOf(alice), "", alice, names[alice], "hello"))
	if err != nil {
		t.Fatal(err)
	}
	redeliver := func(n int) {
		t.Helper()
		before := posts.Load()
		if err := store.Put(t.Context(), inbox.Item{ID: fmt.Sprintf("again-%d", n), Lane: string(identity(alice)), Kind: kindDM, Payload: raw}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Take(t.Context(), 50*time.Millisecond, 10); err != nil { // the worker that dies
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		box.Start()
		deadline := time.Now().Add(wait)
		for posts.Load() == before || !box.Idle(t.Context()) || !e.adapter.jobs.Idle() {
			if time.Now().After(deadline) {
				t.Fatalf("redelivery %d was not answered", n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Cleanup(func() { _ = box.Stop(context.Background()) })

	redeliver(1)
	msgs := e.botMessages(dmOf(alice))
	if len(msgs) != 2 || msgs[0].ID != first[0].ID || !strings.Contains(text(msgs[1]), stepPrompt(t, "consent")) {
		t.Fatalf("DM after the first redelivery:\n%s\nwant the greeting once, then the question that was cut off", e.dump(dmOf(alice)))
	}
	redeliver(2)
	if again := e.botMessages(dmOf(alice)); len(again) != 2 {
		t.Errorf("DM after the second redelivery:\n%s\nwant the question not posted twice", e.dump(dmOf(alice)))
	}
	for _, c := range e.fake.Calls("POST /channels/" + dmOf(alice) + "/messages") {
		var p struct {
			Nonce        string `json:"nonce"`
			EnforceNonce bool   `json:"enforce_nonce"`
		}
		if err := c.Decode(&p); err != nil || p.Nonce == "" || !p.EnforceNonce {
			t.Errorf("an answer posted without an enforced nonce: %s", c.Body)
		}
	}
	e.fake.AssertNoViolations(t)
}
