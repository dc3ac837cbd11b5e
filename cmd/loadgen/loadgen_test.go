package main

import (
	stdjson "encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"escalation-bot/xtest/ownertest"
	"escalation-bot/xtest/proc"
	"escalation-bot/xtest/redistest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	proc.RemoveBuilds()
	os.Exit(code)
}

// A few owners run their whole intake in every mode against the real bot binary and Redis:
// each is told a case id, each case is in Redis and (on the chat platforms) has one card, and
// every move and reply is timed.
func TestLoadEveryMode(t *testing.T) {
	bin := proc.Build(t, "escalation-bot/cmd/escalation-bot")
	for _, mode := range []string{"slack", "playground", "discord"} {
		t.Run(mode, func(t *testing.T) {
			rds := redistest.New(t)
			cfg, err := parseFlags([]string{
				"-mode", mode, "-owners", "4", "-concurrency", "2", "-bin", bin,
				"-redis", redistest.URL(t), "-tenant", rds.Tenant, "-keep", // redistest deletes the tenant
				"-timeout", "2m",
			}, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := execute(t.Context(), cfg, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			rep.print(&out)
			t.Log("\n" + out.String())
			if !rep.OK() {
				t.Fatalf("run failed: %+v", rep)
			}
			if rep.Cases != 4 || rep.Told != 4 {
				t.Errorf("cases %d, owners told %d; want 4 and 4", rep.Cases, rep.Told)
			}
			// Every move answered: hello, then one a step, then Submit.
			if rep.Turns < 4*10 || rep.Reply.N != rep.Turns {
				t.Errorf("turns %d, first replies timed %d", rep.Turns, rep.Reply.N)
			}
			if mode != "discord" && rep.Ack.N != rep.Turns {
				t.Errorf("acks timed %d of %d turns", rep.Ack.N, rep.Turns)
			}
			if mode != "playground" && rep.Cards != 4 {
				t.Errorf("cards %d, want 4", rep.Cards)
			}
			if rep.RSSBytes <= 0 || rep.PeakRSSBytes < rep.RSSBytes || rep.Seconds <= 0 {
				t.Errorf("bot memory %d (peak %d), %v s", rep.RSSBytes, rep.PeakRSSBytes, rep.Seconds)
			}
		})
	}
}

// Bad flags are refused with what to write instead.
func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-mode", "irc"}, "want slack, playground or discord"},
		{[]string{"-owners", "0"}, "at least 1"},
		{[]string{"-mode", "slack", "-bot", "http://127.0.0.1:8080"}, "-mode playground only"},
	} {
		_, err := parseFlags(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseFlags(%q) = %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
	cfg, err := parseFlags([]string{"-mode", "playground", "-bot", "http://127.0.0.1:8080"}, io.Discard)
	if err != nil || cfg.tenant != "default" || cfg.replyTimeout != 30*time.Second {
		t.Errorf("playground against a running bot: %+v, %v", cfg, err)
	}
}

// A move's request body is the JSON the playground's API reads.
func TestRequestBody(t *testing.T) {
	for _, mv := range []ownertest.Move{
		{Text: "hello"},
		{Text: `a "quoted" word, a \ and a tab	and ünïcode 🚗 <b>&</b>`},
		{Text: ""},
		{Action: "choose", Value: "understood"},
		{Action: "submit"},
	} {
		var o owner
		got, err := o.requestBody(mv)
		if err != nil {
			t.Fatal(err)
		}
		var back struct{ Text, Action, Value string }
		if err := stdjson.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q: %v", got, err)
		}
		if back.Text != mv.Text || back.Action != mv.Action || back.Value != mv.Value {
			t.Errorf("%q reads as %+v, want %+v", got, back, mv)
		}
		if mv.Action == "" && strings.Contains(string(got), "action") || mv.Action != "" && strings.Contains(string(got), `"text"`) {
			t.Errorf("%q mixes a message and an action", got)
		}
	}
	var o owner
	if _, err := o.requestBody(ownertest.Move{Text: "bad \xff byte"}); err == nil {
		t.Error("invalid UTF-8 went out without an error")
	}
}
