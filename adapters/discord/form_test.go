package discord

import (
	"testing"
	"unicode/utf8"

	"escalation-bot/bot"
	"escalation-bot/presentation"
	"escalation-bot/xtest/cardtest"
)

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
		text := cardtest.FormText(limit)
		e.submitModal(memberInv(dana), action, id, text)
		kept := cardtest.Kept(t, e.cases, id, action)
		if kept != text {
			t.Errorf("%s: the core kept %d of the %d characters the form took", action, utf8.RuneCountInString(kept), limit)
		}
	}
	e.fake.AssertNoViolations(t)
}
