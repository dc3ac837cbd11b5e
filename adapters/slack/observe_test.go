package slack

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"escalation-bot/xtest/fakeslack"
)

// apiLog records what an APIObserver is told, as "method ok|limited|error".
type apiLog struct {
	mu    sync.Mutex
	calls []string
}

func (l *apiLog) APICall(method string, limited bool, err error) {
	outcome := "ok"
	switch {
	case limited:
		outcome = "limited"
	case err != nil:
		outcome = "error"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, method+" "+outcome)
}

// Every Web API attempt reaches the observer: a 429 and the retry after it, an error answer.
func TestAPIObserver(t *testing.T) {
	fake := fakeslack.New(t)
	log := &apiLog{}
	m, err := newMessenger(messengerParams{Config: Config{BotToken: "xoxb-test", SigningSecret: testSecret, APIURL: fake.APIURL()}, Logger: testLogger(t), Observer: log})
	if err != nil {
		t.Fatal(err)
	}
	fake.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 0)
	if _, err := m.api.post(t.Context(), escChannel, message{Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	fake.FailNextError("chat.update", 1, "message_not_found")
	if err := m.api.update(t.Context(), escChannel, "1.2", message{Text: "hello"}); err == nil {
		t.Fatal("update of a missing message succeeded")
	}
	want := "[chat.postMessage limited chat.postMessage ok chat.update error]"
	if got := fmt.Sprint(log.calls); got != want {
		t.Fatalf("observed %s, want %s", got, want)
	}
}

// Without an observer nothing is measured and nothing breaks.
func TestNoAPIObserver(t *testing.T) {
	fake := fakeslack.New(t)
	m, err := newMessenger(messengerParams{Config: Config{BotToken: "xoxb-test", SigningSecret: testSecret, APIURL: fake.APIURL()}, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.api.post(t.Context(), escChannel, message{Text: "hello"}); err != nil {
		t.Fatal(err)
	}
}
