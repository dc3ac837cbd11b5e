package presentation

import (
	"testing"

	"escalation-bot/bot"
)

func TestFormLimit(t *testing.T) {
	tests := []struct {
		name        string
		action      string
		platformMax int
		want        int
	}{
		{"Slack reply: Slack's limit is the smaller", bot.ActionReply, 3000, 3000},
		{"Discord reply: the two agree", bot.ActionReply, 4000, 4000},
		{"a platform allowing more: the core's", bot.ActionReply, 10000, ReplyLimit},
		{"Slack note: the core's", bot.ActionResolve, 3000, NoteLimit},
		{"Discord note: the core's", bot.ActionResolve, 4000, NoteLimit},
	}
	for _, tt := range tests {
		if got := FormLimit(tt.action, tt.platformMax); got != tt.want {
			t.Errorf("%s: FormLimit(%s, %d) = %d, want %d", tt.name, tt.action, tt.platformMax, got, tt.want)
		}
	}
}
