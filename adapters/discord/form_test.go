package discord

import (
	"strings"
	"testing"
	"unicode/utf8"

	"escalation-bot/bot"
	"escalation-bot/presentation"
)

// formText is a text of exactly n characters, some of several bytes, ending in words of its own.
func formText(n int) string {
	const tail = " and that is all."
	rs := []rune(strings.Repeat("Grüße aus Köln ", n/15+1))
	return string(rs[:n-len(tail)]) + tail
}

// TestFormTakesWhatTheCoreKeeps: the Reply and Resolve forms take as much as Discord's text
// input allows and the core keeps, and a text of that full length reaches the case whole.
func TestFormTakesWhatTheCoreKeeps(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(alice)
	e.clickCase(memberInv(dana), bot.ActionClaim, id)

	for _, action := range []string{bot.ActionReply, bot.ActionResolve} {
		open := e.clickCase(memberInv(dana), action, id)
		var resp struct {
			Data struct {
				Components []struct {
					Components []struct {
						MaxLength int `json:"max_length"`
					} `json:"components"`
				} `json:"components"`
			} `json:"data"`
		}
		if err := e.fake.WaitResponse(t, open, wait).Decode(&resp); err != nil || len(resp.Data.Components) != 1 || len(resp.Data.Components[0].Components) != 1 {
			t.Fatalf("%s form = %+v (%v)", action, resp, err)
		}
		limit := resp.Data.Components[0].Components[0].MaxLength
		if want := presentation.FormLimit(action, maxInputText); limit != want || limit > 4000 {
			t.Errorf("%s form takes %d characters, want %d", action, limit, want)
		}
		text := formText(limit)
		e.submitModal(memberInv(dana), action, id, text)
		var kept string
		if action == bot.ActionReply {
			audit, err := e.cases.Audit(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range audit {
				if a.Action == "exec_message" {
					kept = a.Text
				}
			}
		} else {
			kept = e.getCase(id).Note
		}
		if kept != text {
			t.Errorf("%s: the core kept %d of the %d characters the form took", action, utf8.RuneCountInString(kept), limit)
		}
	}
	e.fake.AssertNoViolations(t)
}
