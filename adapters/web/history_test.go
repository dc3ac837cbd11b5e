package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"escalation-bot/conversation"
)

type historyLine struct {
	Role    string   `json:"role"`
	Text    string   `json:"text"`
	Buttons []string `json:"buttons"`
	At      string   `json:"at"`
}

// The history endpoint answers an owner's whole dialogue, both sides, in order; a request sent
// again with its Idempotency-Key adds nothing to it.
func TestOwnerHistory(t *testing.T) {
	e := newEnv(t)
	key := http.Header{"Idempotency-Key": {"k1"}}
	e.owner("ann", conversation.Input{Text: "hello"}, key)
	e.owner("ann", conversation.Input{Text: "hello"}, key)
	e.owner("ann", conversation.Input{Action: conversation.ActionChoose, Value: "understood"}, nil)

	var out struct {
		Lines []historyLine `json:"lines"`
	}
	if code := e.call(http.MethodGet, "/api/owners/"+url.PathEscape("ann")+"/history", nil, nil, &out); code != http.StatusOK {
		t.Fatalf("history: %d", code)
	}
	var got []string
	for _, l := range out.Lines {
		if l.At == "" {
			t.Errorf("line without a time: %+v", l)
		}
		got = append(got, l.Role+": "+strings.SplitN(l.Text, ".", 2)[0])
	}
	if len(got) < 5 || got[0] != "owner: hello" || out.Lines[1].Role != "bot" || got[3] != "owner: I understand" || out.Lines[4].Role != "bot" {
		t.Fatalf("history = %q", got)
	}
	if len(out.Lines[2].Buttons) == 0 {
		t.Errorf("the consent question has no button labels: %+v", out.Lines[2])
	}
	if strings.Count(strings.Join(got, "\n"), "owner: hello") != 1 {
		t.Errorf("a replayed message is in the history twice: %q", got)
	}

	// Nobody's dialogue is empty, not missing; a bad name is refused.
	var empty struct {
		Lines []historyLine `json:"lines"`
	}
	if code := e.call(http.MethodGet, "/api/owners/nobody/history", nil, nil, &empty); code != http.StatusOK || empty.Lines == nil || len(empty.Lines) != 0 {
		t.Errorf("history of nobody: %d %+v", code, empty)
	}
	if code := e.call(http.MethodGet, "/api/owners/"+url.PathEscape("a<b")+"/history", nil, nil, nil); code != http.StatusBadRequest {
		t.Errorf("history of a bad name: %d", code)
	}
}
