package discord

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"escalation-bot/xtest/fakediscord"

	"github.com/bwmarrin/discordgo"
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

// Every REST request reaches the observer, named without ids: a 429 and discordgo's retry
// after it, an error answer.
func TestAPIObserver(t *testing.T) {
	fake := fakediscord.New(t)
	log := &apiLog{}
	m, err := newMessenger(messengerParams{Config: Config{Token: "test-token", APIURL: fake.URL}, Logger: testLogger(t), Observer: log})
	if err != nil {
		t.Fatal(err)
	}
	fake.FailNext("POST /api/v10/channels/", 1, http.StatusTooManyRequests, 0.05)
	if _, err := m.dg.ChannelMessageSendComplex(escChannel, &discordgo.MessageSend{Content: "hello", AllowedMentions: &discordgo.MessageAllowedMentions{}}); err != nil {
		t.Fatal(err)
	}
	fake.FailNext("GET /api/v10/users/", 1, http.StatusNotFound, 0)
	if _, err := m.dg.User("123456789012345678"); err == nil {
		t.Fatal("a missing user was found")
	}
	want := "[POST channels limited POST channels ok GET users error]"
	if got := fmt.Sprint(log.calls); got != want {
		t.Fatalf("observed %s, want %s", got, want)
	}
}

func TestRoute(t *testing.T) {
	for path, want := range map[string]string{
		"https://discord.com/api/v10/channels/1/messages/2":                  "PATCH channels",
		"https://discord.com/api/v9/interactions/1/tok-en/callback":          "PATCH interactions",
		"https://discord.com/api/v10/webhooks/1/secret-token/messages/@orig": "PATCH webhooks",
		"https://discord.com/api/v10/unknown/secret":                         "PATCH other",
		"https://proxy.example/other":                                        "PATCH other",
	} {
		if got := route(httptest.NewRequest(http.MethodPatch, path, nil)); got != want {
			t.Errorf("route(%s) = %q, want %q", path, got, want)
		}
	}
}
