package bot_test

import (
	"context"
	"strings"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

func TestModeratorCommands(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	first := h.intake(t, "web:owner1", true, nil)
	second := h.intake(t, "web:owner2", true, map[string]string{"vin": "5YJ3E1EA2KF317000", "description": "The brakes squeal and the car pulls left when braking hard on the highway."})
	mod := bot.Actor{ID: "web:mod", Name: "Mod"}
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	if _, err := h.svc.Claim(ctx, dana, first); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		line  string
		actor bot.Actor
		want  []string // substrings of the answer
		code  bot.Code // expected error code, "" for none
	}{
		{"/escalations", mod, []string{"list", "assign", "pause"}, ""},
		{"/escalations help", dana, []string{"Moderator commands"}, ""},
		{"/escalations list", mod, []string{second, "safety"}, ""},
		{"/escalations list claimed", mod, []string{first, "claimed by Dana"}, ""},
		{"/escalations list all", mod, []string{first, second}, ""},
		{"/escalations list resolved", mod, []string{"No resolved cases"}, ""},
		{"/escalations list spaceships", mod, nil, bot.CodeInvalid},
		{"/escalations show " + strings.ToLower(first), mod, []string{first, "VIN", validVIN, "History", "claim"}, ""},
		{"/escalations show ESC-424242", mod, nil, bot.CodeNotFound},
		{"/escalations show", mod, nil, bot.CodeInvalid},
		{"/escalations assign " + second + " web:erin", mod, []string{second, "erin"}, ""},
		{"/escalations close " + second, mod, nil, bot.CodeInvalid},
		{"/escalations close " + second + " owner reached by phone, all sorted", mod, []string{"closed"}, ""},
		{"/escalations reopen " + second, mod, []string{"open again"}, ""},
		{"/escalations block web:troll 2w abusive language", mod, []string{"web:troll", "blocked until"}, ""},
		{"/escalations block web:troll2 spam", mod, []string{"until unblocked"}, ""},
		{"/escalations block web:troll3 3x", mod, nil, bot.CodeInvalid}, // meant as a duration, and not one
		{"/escalations unblock web:troll", mod, []string{"may use the line again"}, ""},
		{"/escalations unblock web:nobody", mod, nil, bot.CodeNotFound},
		{"/escalations pause", mod, []string{"paused"}, ""},
		{"/escalations resume", mod, []string{"open again"}, ""},
		{"/escalations stats", mod, []string{"open 1", "claimed 1", "total 2"}, ""},
		{"/escalations frobnicate", mod, nil, bot.CodeInvalid},
		{"/escalations list", dana, nil, bot.CodeForbidden},
		{"/escalations close " + first + " nope", dana, nil, bot.CodeForbidden},
		{"/escalations stats extra words", mod, nil, bot.CodeInvalid},
		{"/escalations " + strings.Repeat("x", 20000), mod, nil, bot.CodeInvalid},
	}
	for _, tt := range tests {
		name := tt.line
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			got, err := h.svc.Command(ctx, tt.actor, tt.line)
			if tt.code != "" {
				if bot.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v (code %s), want code %s", err, bot.ErrorCode(err), tt.code)
				}
				if msg := bot.ErrorMessage(err); msg == "" || len(msg) > 300 {
					t.Fatalf("refusal message %q", msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Fatalf("answer lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestCommandTableIsComplete(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	want := []string{"list", "show", "export", "assign", "close", "reopen", "block", "unblock", "verify", "unverify", "forget", "pause", "resume", "stats", "help"}
	var got []string
	for _, c := range h.svc.Commands() {
		got = append(got, c.Name)
		if c.Help == "" || !strings.HasPrefix(c.Usage(), c.Name) {
			t.Errorf("command %s lacks help or usage", c.Name)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("commands = %v, want %v", got, want)
	}
}
