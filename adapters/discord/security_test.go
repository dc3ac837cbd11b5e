package discord

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/logtest"

	"github.com/bwmarrin/discordgo"
)

const (
	elsewhereGuild   = "200000000000000099" // a server the bot was added to that is not configured
	elsewhereChannel = "300000000000000099"
	otherChannel     = "300000000000000002" // a channel of the configured server, not an escalation channel
)

// refusal is the text of an interaction's initial answer, which must be an ephemeral message.
func (e *env) refusal(interactionID string) string {
	e.t.Helper()
	c := e.fake.WaitResponse(e.t, interactionID, wait)
	if c.CallbackType != int(discordgo.InteractionResponseChannelMessageWithSource) || !c.Ephemeral {
		e.t.Errorf("answered with type %d (ephemeral %v), want an ephemeral message", c.CallbackType, c.Ephemeral)
	}
	var r struct {
		Data struct {
			Content string `json:"content"`
		} `json:"data"`
	}
	if err := c.Decode(&r); err != nil {
		e.t.Fatal(err)
	}
	return r.Data.Content
}

// TestForeignGuildRefused: Manage Server (or Administrator, or a role with a moderator's id) in
// a server that is not one of DISCORD_GUILD_IDS makes nobody a moderator: /escalations and
// "Escalate for this member" from there are refused, and the answer tells nothing of the
// case. A moderator role in the configured server works.
func TestForeignGuildRefused(t *testing.T) {
	e := newEnv(t, beforeStart(func(f *fakediscord.Server) { f.SetGuild(elsewhereGuild, "Elsewhere") }))
	id := e.openCase(alice)
	boss := fakediscord.Invoker{
		UserID: eve, Username: names[eve], GuildID: elsewhereGuild, Roles: []string{modRole},
		Permissions: discordgo.PermissionManageGuild | discordgo.PermissionAdministrator | discordgo.PermissionViewChannel,
	}

	show := e.interact(fakediscord.SlashCommand(boss, elsewhereChannel, escalationsCommand,
		fakediscord.SubCommand("show", fakediscord.StringOption("case", id))))
	if got := e.refusal(show); got != notSetUp {
		t.Errorf("/escalations show from another server answered %q", got)
	}
	responses := e.fake.Responses(show)
	if len(responses) != 1 {
		t.Errorf("%d answers, want the refusal only: %v", len(responses), responses)
	}
	for _, c := range responses {
		for _, secret := range []string{id, names[alice], answers["vin"], answers["ticket"]} {
			if bytes.Contains(c.Body, []byte(secret)) {
				t.Errorf("the answer tells %q: %s", secret, c.Body)
			}
		}
	}

	post := fakediscord.MessageCreate("", elsewhereChannel, elsewhereGuild, bob, names[bob], "my car has been at the service center for 6 weeks")
	invite := e.interact(fakediscord.MessageCommand(boss, elsewhereChannel, inviteCommand, post))
	if got := e.refusal(invite); got != notSetUp {
		t.Errorf("invite from another server answered %q", got)
	}
	if _, found := e.session(bob); found {
		t.Error("an invite from another server started an intake")
	}

	if got := e.command(memberInv(dana, modRole), "show", fakediscord.StringOption("case", id)); len(got) != 1 || !strings.Contains(got[0], id+" · open") {
		t.Errorf("a moderator role in the configured server: %q", got)
	}
	e.fake.AssertNoViolations(t)
}

// TestActorRolesOnlyFromConfiguredGuilds: roles and Manage Server become the actor's roles in
// a server of DISCORD_GUILD_IDS only; never with DISCORD_GUILD_IDS empty.
func TestActorRolesOnlyFromConfiguredGuilds(t *testing.T) {
	member := &discordgo.Member{User: &discordgo.User{ID: mod, Username: "mo"}, Roles: []string{modRole}, Permissions: discordgo.PermissionAdministrator}
	tests := []struct {
		name   string
		guilds []string
		guild  string
		want   []string
	}{
		{"configured server", []string{guild}, guild, []string{"role:" + modRole, permManageGuild}},
		{"another server", []string{guild}, elsewhereGuild, nil},
		{"no servers configured", nil, guild, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &Adapter{cfg: Config{GuildIDs: tt.guilds}}
			act := a.actor(&discordgo.Interaction{GuildID: tt.guild, Member: member})
			if act.ID != identity(mod) || !slices.Equal(act.Roles, tt.want) {
				t.Errorf("actor = %+v, want roles %v", act, tt.want)
			}
		})
	}
}

// TestModeratorsByIdentityWithoutGuilds: with DISCORD_GUILD_IDS empty no role or permission
// counts; a moderator named by identity still is one.
func TestModeratorsByIdentityWithoutGuilds(t *testing.T) {
	e := newEnv(t,
		withConfig(func(c *Config) { c.GuildIDs = nil }),
		withBot(func(c *bot.Config) { c.Moderators = []string{"discord:" + mod, "role:" + modRole, permManageGuild} }))
	id := e.openCase(alice)
	manager := memberInv(dana, modRole)
	manager.Permissions = discordgo.PermissionManageGuild | discordgo.PermissionAdministrator | discordgo.PermissionViewChannel
	if got := e.command(manager, "show", fakediscord.StringOption("case", id)); len(got) != 1 || !strings.Contains(got[0], "Only moderators") {
		t.Errorf("role and Manage Server without DISCORD_GUILD_IDS: %q", got)
	}
	if got := e.command(memberInv(mod), "show", fakediscord.StringOption("case", id)); len(got) != 1 || !strings.Contains(got[0], id+" · open") {
		t.Errorf("moderator by identity: %q", got)
	}
	e.fake.AssertNoViolations(t)
}

// TestOwnerAdmissionTrustsOnlyConfiguredGuilds: /escalate from another server, whose roles and
// join dates its owner sets, is checked against the membership in the configured server.
func TestOwnerAdmissionTrustsOnlyConfiguredGuilds(t *testing.T) {
	old := time.Now().Add(-400 * 24 * time.Hour)
	e := newEnv(t,
		withConfig(func(c *Config) { c.OwnerRoleIDs, c.OwnerMinMemberDays = []string{ownerRole}, 30 }),
		beforeStart(func(f *fakediscord.Server) {
			f.SetGuild(elsewhereGuild, "Elsewhere")
			f.SetRoles(guild, fakediscord.Role{ID: ownerRole, Name: "Verified Owner", Position: 1})
			f.SetMember(guild, alice, nil, old)
		}))
	tests := []struct{ user, want string }{
		{alice, "“Verified Owner” role"},
		{dana, "open to members of our community server"},
	}
	for _, tt := range tests {
		t.Run(names[tt.user], func(t *testing.T) {
			inv := fakediscord.Invoker{UserID: tt.user, Username: names[tt.user], GuildID: elsewhereGuild, Roles: []string{ownerRole}, JoinedAt: old}
			id := e.interact(fakediscord.SlashCommand(inv, elsewhereChannel, escalateCommand))
			if got := e.followups(id); len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Errorf("/escalate from another server answered %q, want %q", got, tt.want)
			}
			if _, found := e.session(tt.user); found {
				t.Error("the other server's role and join date opened the intake")
			}
		})
	}
	if n := len(e.fake.Calls("GET /guilds/" + guild + "/members/")); n != 2 {
		t.Errorf("%d membership lookups in the configured server, want 2", n)
	}
	e.fake.AssertNoViolations(t)
}

// TestComponentOrigins: case buttons and modals count only from an escalation channel or the
// card's thread, never from a DM or another channel; intake buttons only from a DM.
func TestComponentOrigins(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(alice)
	card := e.cardID(id)
	claim := caseCustomID(bot.ActionClaim, id)

	t.Run("case button from a DM", func(t *testing.T) {
		iid := e.interact(fakediscord.ButtonClick(ownerInv(mod), dmOf(mod), card, claim))
		if got := e.refusal(iid); got != caseElsewhere {
			t.Errorf("answered %q", got)
		}
	})
	t.Run("case button from another channel", func(t *testing.T) {
		iid := e.interact(fakediscord.ButtonClick(memberInv(mod, modRole), otherChannel, card, claim))
		if got := e.refusal(iid); got != caseElsewhere {
			t.Errorf("answered %q", got)
		}
	})
	t.Run("case modal from a DM", func(t *testing.T) {
		p := fakediscord.ModalSubmit(ownerInv(mod), dmOf(mod), caseCustomID(bot.ActionResolve, id), fakediscord.TextField{CustomID: modalInputID, Value: "done"})
		if got := e.refusal(e.interact(p)); got != caseElsewhere {
			t.Errorf("answered %q", got)
		}
	})
	if c := e.getCase(id); c.ClaimedBy != "" || c.Status != bot.StatusOpen {
		t.Fatalf("refused clicks changed the case: %s by %q", c.Status, c.ClaimedBy)
	}

	t.Run("case button on the card", func(t *testing.T) {
		e.clickCase(memberInv(mod, modRole), bot.ActionClaim, id)
		if c := e.getCase(id); c.ClaimedBy != identity(mod) {
			t.Errorf("claimed by %q", c.ClaimedBy)
		}
	})
	t.Run("case button in the card's thread", func(t *testing.T) {
		iid := e.interact(fakediscord.ButtonClick(memberInv(mod, modRole), card, card, caseCustomID(bot.ActionRelease, id)))
		if typ := e.callbackType(iid); typ != int(discordgo.InteractionResponseDeferredMessageUpdate) {
			t.Errorf("answered with type %d", typ)
		}
		if c := e.getCase(id); c.ClaimedBy != "" {
			t.Errorf("still claimed by %q", c.ClaimedBy)
		}
	})
	t.Run("owner button in a server", func(t *testing.T) {
		iid := e.interact(fakediscord.ButtonClick(memberInv(dana), escChannel, card, ownerCustomID(conversation.ActionChoose, "understood")))
		if got := e.refusal(iid); !strings.Contains(got, "direct messages") {
			t.Errorf("answered %q", got)
		}
		if _, found := e.session(dana); found {
			t.Error("an intake button from a server ran an owner turn")
		}
	})
	e.fake.AssertNoViolations(t)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestNoInteractionTokenInLogs: a followup that meets a 429 (discordgo reports the URL), a
// callback the connection fails (*url.Error prints the URL) and one Discord refuses leave no
// interaction token in the log; the paths show "…" in its place.
func TestNoInteractionTokenInLogs(t *testing.T) {
	logs := &logtest.Buffer{}
	var failCallback atomic.Bool
	e := newEnv(t, withLogs(logs), withTransport(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/callback") && failCallback.CompareAndSwap(true, false) {
				return nil, errors.New("connection reset by peer")
			}
			return rt.RoundTrip(r)
		})
	}))
	defer func() {
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	}()
	var tokens []string
	send := func(p map[string]any) string {
		tokens = append(tokens, p["token"].(string))
		return e.interact(p)
	}

	e.fake.FailNext("POST /webhooks/", 1, http.StatusTooManyRequests, 0.05)
	help := send(fakediscord.SlashCommand(memberInv(mod, modRole), escChannel, escalationsCommand, fakediscord.SubCommand("help")))
	if got := e.followups(help); len(got) != 1 {
		t.Errorf("followups after the 429: %q", got)
	}

	failCallback.Store(true)
	dropped := send(fakediscord.SlashCommand(memberInv(alice), escChannel, escalateCommand))

	e.fake.FailNext("POST /interactions/", 1, http.StatusInternalServerError, 0)
	send(fakediscord.SlashCommand(memberInv(dana), escChannel, escalateCommand))

	out := logs.String()
	for _, tok := range tokens {
		secret := tok[strings.LastIndex(tok, "-")+1:]
		if strings.Contains(out, tok) || strings.Contains(out, secret) {
			t.Errorf("the log holds the token %s", tok)
		}
	}
	for _, want := range []string{
		"discord rate limit",
		"/webhooks/" + fakediscord.ApplicationID + "/…",
		"/interactions/" + dropped + "/…/callback",
		"connection reset by peer",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the log does not show %q", want)
		}
	}
}

// TestRedactTokens: the token segments of interaction URLs are cut, in plain strings and in
// whatever a log record carries.
func TestRedactTokens(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://discord.com/api/v9/webhooks/111/tok-EN.x_y?wait=true", "https://discord.com/api/v9/webhooks/111/…?wait=true"},
		{"https://discord.com/api/v9/webhooks/111/tok/messages/@original", "https://discord.com/api/v9/webhooks/111/…/messages/@original"},
		{`Post "https://discord.com/api/v9/interactions/222/tok/callback": EOF`, `Post "https://discord.com/api/v9/interactions/222/…/callback": EOF`},
		{"https://discord.com/api/v9/channels/333/messages", "https://discord.com/api/v9/channels/333/messages"},
		{"https://discord.com/api/v9/webhooks/111", "https://discord.com/api/v9/webhooks/111"},
	}
	for _, tt := range tests {
		if got := redactTokens(tt.in); got != tt.want {
			t.Errorf("redactTokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}

	var buf bytes.Buffer
	logger := redactLogger(redactLogger(slog.New(slog.NewJSONHandler(io.Writer(&buf), nil))))
	u := &url.URL{Scheme: "https", Host: "discord.com", Path: "/api/v9/webhooks/1/sekrit1"}
	logger.With("url", "/interactions/2/sekrit2/callback").WithGroup("g").Error("at /webhooks/3/sekrit3",
		"err", &url.Error{Op: "Post", URL: "https://discord.com/api/v9/interactions/4/sekrit4/callback", Err: io.EOF},
		"u", u, slog.Group("inner", "s", "/webhooks/5/sekrit5"))
	if strings.Contains(buf.String(), "sekrit") {
		t.Errorf("log line holds a token: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "/interactions/4/…/callback") {
		t.Errorf("log line lost the path: %s", buf.String())
	}
}
