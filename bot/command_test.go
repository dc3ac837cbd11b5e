package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// table is the command table; it does not depend on the service's dependencies.
var table = bot.NewService(bot.Params{}).Commands()

func TestParseDuration(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration // 0: refused
	}{
		{"30m", 30 * time.Minute},
		{"12h", 12 * time.Hour},
		{"7d", 7 * day},
		{"2w", 14 * day},
		{"007d", 7 * day},
		{"1825d", bot.MaxDuration},
		{"260w", 260 * 7 * day},
		{"1m", time.Minute},
		{"", 0},
		{"7", 0},
		{"d", 0},
		{"0d", 0},
		{"0m", 0},
		{"-5m", 0},
		{"+5m", 0},
		{"1826d", 0},
		{"261w", 0},
		{"43801h", 0},
		{"2628001m", 0},
		{"99999999999999999999d", 0},
		{"9223372036854775807s", 0},
		{"9223372036854775807m", 0},
		{"30min", 0},
		{"1h30m", 0},
		{"1.5h", 0},
		{"2W", 0},
		{"6M", 0},
		{"7D", 0},
		{"7 d", 0},
		{"1y", 0},
		{"30s", 0},
		{"P7D", 0},
		{"٣d", 0}, // a digit, but not an ASCII one
		{"７d", 0},
	}
	for _, tt := range tests {
		got, err := bot.ParseDuration(tt.in)
		switch {
		case tt.want == 0 && err == nil:
			t.Errorf("ParseDuration(%q) = %v, want a refusal", tt.in, got)
		case tt.want == 0 && (bot.ErrorCode(err) != bot.CodeInvalid || !strings.Contains(bot.ErrorMessage(err), "30m, 12h, 7d or 2w")):
			t.Errorf("ParseDuration(%q) refused with %q (code %s); the message must show the syntax", tt.in, bot.ErrorMessage(err), bot.ErrorCode(err))
		case tt.want != 0 && (err != nil || got != tt.want):
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseIdentity(t *testing.T) {
	tests := []struct {
		in   string
		want bot.Identity // "": refused
	}{
		{"web:dana", "web:dana"},
		{"web:Дана", "web:Дана"},
		{"web:dana.smith-2_x", "web:dana.smith-2_x"},
		{" web:dana ", "web:dana"},
		{"slack:T0001:UDANA", "slack:T0001:UDANA"},
		{"slack:E0123ABC:W0456DEF", "slack:E0123ABC:W0456DEF"},
		{"discord:400000000000000002", "discord:400000000000000002"},
		{"discord:18446744073709551615", "discord:18446744073709551615"},
		{"", ""},
		{"''", ""},
		{`""`, ""},
		{"``", ""},
		{"*", ""},
		{"web:*", ""},
		{"slack:*:U1", ""},
		{"discord:*", ""},
		{"web:dan?", ""},
		{"<!channel>", ""},
		{"<!here>", ""},
		{"<!subteam^S123|@mods>", ""},
		{"<@U123>", ""},
		{"<@U123|dana>", ""},
		{"<@!123>", ""},
		{"<@&123>", ""},
		{"<#C123|general>", ""},
		{"@everyone", ""},
		{"@here", ""},
		{"@channel", ""},
		{"＠everyone", ""},
		{"@dana", ""},
		{"@", ""},
		{"dana", ""},
		{"web:", ""},
		{"web:../../x", ""},
		{"web:..", ""},
		{"web:.hidden", ""},
		{"web:-dash", ""},
		{"web:a/b", ""},
		{"web:a:b", ""},
		{"web:a\\b", ""},
		{"web:" + strings.Repeat("a", 65), ""},
		{"web:<!channel>", ""},
		{"web:%2e%2e", ""},
		{"slack:T1", ""},
		{"slack:T1:", ""},
		{"slack::U1", ""},
		{"slack:t1:u1", ""},
		{"slack:T1:U1:X", ""},
		{"slack:T1:C123", ""},
		{"slack:T1:U1/../x", ""},
		{"discord:", ""},
		{"discord:abc", ""},
		{"discord:0", ""},
		{"discord:0123", ""},
		{"discord:-1", ""},
		{"discord:99999999999999999999", ""},
		{"discord:18446744073709551616", ""},
		{"discord:1 2", ""},
		{"mars:dana", ""},
		{"WEB:dana", ""},
		{"http://example.com", ""},
		{"web:dana\x00", ""},
	}
	for _, tt := range tests {
		got, err := bot.ParseIdentity(tt.in)
		if tt.want == "" {
			if err == nil || bot.ErrorCode(err) != bot.CodeInvalid || bot.ErrorMessage(err) == "" {
				t.Errorf("ParseIdentity(%q) = %q, %v; want a refusal", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want || !bot.ValidIdentity(got) {
			t.Errorf("ParseIdentity(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestParseCommand reads lines by the table, without running them.
func TestParseCommand(t *testing.T) {
	type want map[string]bot.Value
	tests := []struct {
		line string
		want want   // nil: refused
		msg  string // part of the refusal
	}{
		{"/escalations", want{}, ""},
		{"help", want{}, ""},
		{"/escalations list", want{"filter": {}}, ""},
		{"/escalations LIST Claimed", want{"filter": {Set: true, Text: "claimed"}}, ""},
		{"/escalations show esc-12", want{"case": {Set: true, Text: "ESC-12"}}, ""},
		{"/escalations show 12", want{"case": {Set: true, Text: "ESC-12"}}, ""},
		{"/escalations close ESC-1   duplicate   of  ESC-2", want{"case": {Set: true, Text: "ESC-1"}, "reason": {Set: true, Text: "duplicate of ESC-2"}}, ""},
		{"/escalations block web:t1 30m spam", want{"user": {Set: true, User: "web:t1"}, "duration": {Set: true, Duration: 30 * time.Minute}, "reason": {Set: true, Text: "spam"}}, ""},
		{"/escalations block web:t1 2w spam and abuse", want{"user": {Set: true, User: "web:t1"}, "duration": {Set: true, Duration: 14 * 24 * time.Hour}, "reason": {Set: true, Text: "spam and abuse"}}, ""},
		{"/escalations block web:t1 spam", want{"user": {Set: true, User: "web:t1"}, "duration": {}, "reason": {Set: true, Text: "spam"}}, ""},
		{"/escalations block slack:T0001:UDANA 7d posting ads", want{"user": {Set: true, User: "slack:T0001:UDANA"}, "duration": {Set: true, Duration: 7 * 24 * time.Hour}, "reason": {Set: true, Text: "posting ads"}}, ""},
		{"/escalations block discord:123 12h x", want{"user": {Set: true, User: "discord:123"}, "duration": {Set: true, Duration: 12 * time.Hour}, "reason": {Set: true, Text: "x"}}, ""},
		{"/escalations pause", want{"message": {}}, ""},
		{"/escalations pause Back on Monday", want{"message": {Set: true, Text: "Back on Monday"}}, ""},
		{"/escalations assign ESC-1 web:dana", want{"case": {Set: true, Text: "ESC-1"}, "user": {Set: true, User: "web:dana"}}, ""},

		// Durations that were meant as one and are not DurationSyntax.
		{"/escalations block web:t1 30min spam", nil, "30m, 12h, 7d or 2w"},
		{"/escalations block web:t1 1h30m spam", nil, "30m, 12h, 7d or 2w"},
		{"/escalations block web:t1 1.5h spam", nil, "30m, 12h, 7d or 2w"},
		{"/escalations block web:t1 7 days spam", nil, "without a space"},
		{"/escalations block web:t1 -5m spam", nil, "30m, 12h, 7d or 2w"},
		{"/escalations block web:t1 9223372036854775807s spam", nil, "30m, 12h, 7d or 2w"},
		{"/escalations block web:t1 99999999999999999999d spam", nil, "longer than 5 years"},
		{"/escalations block web:t1 1826d spam", nil, "longer than 5 years"},
		{"/escalations block web:t1 0d spam", nil, "no time at all"},
		{"/escalations block web:t1 6M spam", nil, "30m, 12h, 7d or 2w"},
		{"/escalations block web:t1 .5d spam", nil, "30m, 12h, 7d or 2w"},
		{"/escalations block web:t1 P7D spam", nil, "30m, 12h, 7d or 2w"},
		{"/escalations block web:t1 3x", nil, "30m, 12h, 7d or 2w"},
		{"/escalations block web:t1 2nd warning", nil, "must not begin with a number"},
		{"/escalations block web:t1 spam 7d", nil, "duration goes before the reason"},
		{"/escalations block web:t1 7d spam for 2w", nil, "duration goes before the reason"},
		{"/escalations block web:t1 7d", nil, "Usage: /escalations block <user> [duration] <reason>"},
		{"/escalations block web:t1", nil, "Usage"},

		// Users that are no single, well-formed identity.
		{"/escalations block web:* spam", nil, "wildcards"},
		{"/escalations block * spam", nil, "wildcards"},
		{"/escalations block '' spam", nil, "Name a user"},
		{"/escalations block <!channel> spam", nil, "everyone in a channel"},
		{"/escalations block @everyone spam", nil, "everyone in a channel"},
		{"/escalations block <@U123|dana> spam", nil, "mention"},
		{"/escalations block <@!123> spam", nil, "mention"},
		{"/escalations block @dana spam", nil, "which platform"},
		{"/escalations block web:../../x spam", nil, "playground name"},
		{"/escalations block slack:T1 spam", nil, "Slack user"},
		{"/escalations block discord:abc spam", nil, "Discord user"},
		{"/escalations unblock dana", nil, "which platform"},
		{"/escalations assign ESC-1 ''", nil, "Name a user"},
		{"/escalations assign ESC-1 <!channel>", nil, "everyone in a channel"},
		{"/escalations assign ESC-1 web:../../x", nil, "playground name"},
		{"/escalations assign ESC-1 web:*", nil, "wildcards"},
		{"/escalations assign ESC-1", nil, "Usage"},
		{"/escalations assign ESC-1 web:a web:b", nil, "Too many words"},

		// Everything else.
		{"/escalations show ESC-x", nil, "not a case id"},
		{"/escalations show ../../x", nil, "not a case id"},
		{"/escalations list spaceships", nil, "open, claimed, mine"},
		{"/escalations stats extra", nil, "Too many words"},
		{"/escalations frobnicate", nil, "don't know the command"},
		{"/escalationsx list", nil, "don't know the command"},
		{"/escalations " + strings.Repeat("x", 5000), nil, "too long"},
		{"/escalations pause \xff", nil, "could not read"},
		{"/escalations pause back\x00soon", nil, "control characters"},
		{"/escalations pause back\u009bsoon", nil, "control characters"},
	}
	for _, tt := range tests {
		in, err := bot.ParseCommand(table, tt.line)
		name := bot.Truncate(tt.line, 60)
		if tt.want == nil {
			if bot.ErrorCode(err) != bot.CodeInvalid || !strings.Contains(bot.ErrorMessage(err), tt.msg) {
				t.Errorf("%q: %v (code %s), want a refusal saying %q", name, err, bot.ErrorCode(err), tt.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", name, err)
			continue
		}
		for arg, v := range tt.want {
			if got := in.Arg(arg); got != v {
				t.Errorf("%q: %s = %+v, want %+v", name, arg, got, v)
			}
		}
	}
}

// TestCommandTable: the table is data adapters can rely on.
func TestCommandTable(t *testing.T) {
	kinds := []bot.ArgKind{bot.ArgCase, bot.ArgUser, bot.ArgDuration, bot.ArgChoice, bot.ArgText}
	for _, c := range table {
		for i, a := range c.Args {
			switch {
			case !slices.Contains(kinds, a.Kind):
				t.Errorf("%s %s: kind %q", c.Name, a.Name, a.Kind)
			case a.Rest && (a.Kind != bot.ArgText || i != len(c.Args)-1):
				t.Errorf("%s %s: only a last text takes the rest of the line", c.Name, a.Name)
			case (a.Kind == bot.ArgChoice) != (len(a.Choices) > 0):
				t.Errorf("%s %s: choices belong to a choice", c.Name, a.Name)
			case a.Help == "":
				t.Errorf("%s %s: no help", c.Name, a.Name)
			}
			for _, ch := range a.Choices {
				if ch != strings.ToLower(ch) {
					t.Errorf("%s %s: choice %q is not lower case", c.Name, a.Name, ch)
				}
			}
		}
	}
}

// TestRefusedCommandsChangeNothing runs the refused forms against Redis: nobody is blocked and
// the case keeps its state, and an accepted block shows the owner the reason alone.
func TestRefusedCommandsChangeNothing(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	id := h.intake(t, "web:owner1", true, nil)
	mod := bot.Actor{ID: "web:mod", Name: "Mod"}
	refused := []string{
		"block web:t1 30min spam",
		"block web:t1 1h30m spam",
		"block web:t1 1.5h spam",
		"block web:t1 7 days spam",
		"block web:t1 -5m spam",
		"block web:t1 9223372036854775807s spam",
		"block web:t1 spam 7d",
		"block web:* spam",
		"block * spam",
		"block '' spam",
		"block <!channel> spam",
		"block @everyone spam",
		"block web:../../x spam",
		"assign " + id + " ''",
		"assign " + id + " <!channel>",
		"assign " + id + " web:../../x",
		"assign " + id + " web:*",
		"assign " + id + " <@U0DANA|dana>",
		"assign " + id + " @everyone",
	}
	for _, line := range refused {
		out, err := h.svc.Command(ctx, mod, line)
		if bot.ErrorCode(err) != bot.CodeInvalid || len(bot.ErrorMessage(err)) > 400 {
			t.Errorf("%q: %q, %v (code %s), want a short refusal", line, out, err, bot.ErrorCode(err))
		}
	}
	if blocks, err := h.mod.Blocks(ctx); err != nil || len(blocks) != 0 {
		t.Fatalf("blocks after refusals: %+v, %v", blocks, err)
	}
	if c, err := h.cases.Get(ctx, id); err != nil || c.Status != bot.StatusOpen {
		t.Fatalf("case after refusals: %s, %v", c.Status, err)
	}

	// Accepted: the owner reads the reason, and no duration words.
	for _, line := range []string{"block web:t1 30m posting ads", "block web:t2 posting ads"} {
		if _, err := h.svc.Command(ctx, mod, line); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
	}
	blocks, err := h.mod.Blocks(ctx)
	if err != nil || len(blocks) != 2 {
		t.Fatalf("blocks: %+v, %v", blocks, err)
	}
	for _, b := range blocks {
		if b.Reason != "posting ads" {
			t.Errorf("%s: reason %q", b.User, b.Reason)
		}
		if want := h.clock.Now().Add(30 * time.Minute); b.User == "web:t1" && !b.Until.Equal(want) {
			t.Errorf("web:t1 until %v, want %v", b.Until, want)
		}
		if b.User == "web:t2" && !b.Until.IsZero() {
			t.Errorf("web:t2 until %v, want until unblocked", b.Until)
		}
	}
	got := texts(h.say(t, "web:t1", "hello"))
	if !strings.Contains(got, "Reason: posting ads.") || strings.Contains(got, "30m") {
		t.Fatalf("blocked owner was told:\n%s", got)
	}
}

// people is a platform that knows its users: a Messenger that is also a bot.Directory.
type people struct {
	names map[bot.Identity]string
	err   error
}

func (p *people) Platform() string { return "slack" }
func (p *people) SendToOwner(context.Context, bot.Identity, []conversation.Reply, bot.Delivery) error {
	return nil
}
func (p *people) PostCard(context.Context, string, bot.Card) (string, error) { return "", nil }
func (p *people) UpdateCard(context.Context, string, string, bot.Card) error { return nil }
func (p *people) Announce(context.Context, string, bot.ThreadMessage, bot.Delivery) error {
	return nil
}
func (p *people) PostThread(context.Context, string, string, bot.ThreadMessage, bot.Delivery) error {
	return nil
}

func (p *people) Person(_ context.Context, id bot.Identity) (string, error) {
	if p.err != nil {
		return "", p.err
	}
	name, ok := p.names[id]
	if !ok {
		return "", bot.ErrNotFound
	}
	return name, nil
}

// TestAssignChecksThePlatform: where the platform can tell whether a user exists, assign asks
// it and takes the name from it; a playground name is anyone who types it.
func TestAssignChecksThePlatform(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	slack := &people{names: map[bot.Identity]string{"slack:T0001:UDANA": "Dana"}}
	h.rebuild(t, func(p *bot.Params) { p.Messengers = append(p.Messengers, slack) })
	ctx := context.Background()
	id := h.intake(t, "web:owner1", true, nil)
	mod := bot.Actor{ID: "web:mod", Name: "Mod"}

	tests := []struct {
		line string
		err  error
		code bot.Code
		want string
	}{
		{"assign " + id + " slack:T0001:UNOBODY", nil, bot.CodeNotFound, "There is no user slack:T0001:UNOBODY"},
		{"assign " + id + " slack:T0001:UDANA", errors.New("slack down"), bot.CodeUnavailable, "try again"},
		{"assign " + id + " slack:T0001:UDANA", nil, "", id + " is now with Dana."},
		{"assign " + id + " web:erin", nil, "", id + " is now with erin."},
		{"block slack:T0001:UDANA 7d rude", nil, "", "Dana (slack:T0001:UDANA) is blocked until"},
		{"block slack:T0001:UGONE rude", nil, "", "slack:T0001:UGONE is blocked until unblocked."},
	}
	for _, tt := range tests {
		slack.err = tt.err
		out, err := h.svc.Command(ctx, mod, tt.line)
		if tt.code != "" {
			if bot.ErrorCode(err) != tt.code || !strings.Contains(bot.ErrorMessage(err), tt.want) {
				t.Errorf("%q: %q, %v (code %s), want code %s saying %q", tt.line, out, err, bot.ErrorCode(err), tt.code, tt.want)
			}
			continue
		}
		if err != nil || !strings.Contains(out, tt.want) {
			t.Errorf("%q: %q, %v; want %q", tt.line, out, err, tt.want)
		}
	}
	c, err := h.cases.Get(ctx, id)
	if err != nil || c.ClaimedBy != "web:erin" || c.ClaimedByName != "erin" {
		t.Fatalf("case claimed by %q (%q), %v", c.ClaimedBy, c.ClaimedByName, err)
	}
}

// FuzzCommandLine: no line makes the parser panic, and what it accepts is well-formed.
func FuzzCommandLine(f *testing.F) {
	for _, s := range []string{
		"/escalations block web:t1 30m spam", "block web:t1 30min spam", "block web:t1 7 days spam",
		"block web:* spam", "assign ESC-1 <!channel>", "assign 1 slack:T1:U1", "block discord:1 2w x",
		"list all", "pause", "close ESC-9 done", "block web:t1 9223372036854775807s spam",
		"block web:Дана 1825d x", "unblock web:../../x", "show esc-000", "block discord:18446744073709551615 1m a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		in, err := bot.ParseCommand(table, line)
		if err != nil {
			if bot.ErrorCode(err) != bot.CodeInvalid || bot.ErrorMessage(err) == "" {
				t.Fatalf("%q: refused with %v (code %s)", line, err, bot.ErrorCode(err))
			}
			return
		}
		if len(in.Values) != len(in.Command.Args) {
			t.Fatalf("%q: %d values for %d arguments", line, len(in.Values), len(in.Command.Args))
		}
		for i, a := range in.Command.Args {
			v := in.Values[i]
			if a.Required && !v.Set {
				t.Fatalf("%q: required %s not set", line, a.Name)
			}
			if !v.Set {
				if v != (bot.Value{}) {
					t.Fatalf("%q: %s not set but %+v", line, a.Name, v)
				}
				continue
			}
			switch a.Kind {
			case bot.ArgDuration:
				if v.Duration <= 0 || v.Duration > bot.MaxDuration {
					t.Fatalf("%q: duration %v", line, v.Duration)
				}
			case bot.ArgUser:
				if !bot.ValidIdentity(v.User) {
					t.Fatalf("%q: identity %q", line, v.User)
				}
			case bot.ArgCase:
				if id, err := bot.ParseCaseID(v.Text); err != nil || id != v.Text {
					t.Fatalf("%q: case %q", line, v.Text)
				}
			case bot.ArgChoice:
				if !slices.Contains(a.Choices, v.Text) {
					t.Fatalf("%q: choice %q", line, v.Text)
				}
			case bot.ArgText:
				if strings.TrimSpace(v.Text) == "" || !utf8.ValidString(v.Text) {
					t.Fatalf("%q: text %q", line, v.Text)
				}
				for _, w := range strings.Fields(v.Text) {
					if _, err := bot.ParseDuration(w); err == nil && slices.ContainsFunc(in.Command.Args, func(a bot.Arg) bool { return a.Kind == bot.ArgDuration }) {
						t.Fatalf("%q: a duration %q left in the text", line, w)
					}
				}
			}
		}
	})
}
