package discord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/clocktest"
	"escalation-bot/xtest/fakediscord"

	"github.com/bwmarrin/discordgo"
)

// TestIntakeToResolvedCase is the whole story: an owner's intake in the DM (messages and
// buttons), the card in the channel, a claim (the card edited to show the claimer), a reply
// and a resolution through the modals, and the owner told at each step.
func TestIntakeToResolvedCase(t *testing.T) {
	e := newEnv(t)
	id := e.intake(alice, nil)
	dm := dmOf(alice)

	// The review card was an embed of the answers, with an edit button for each.
	review := e.waitShown(dm, "Here is everything you told me")
	if len(review.Embeds) == 0 || len(review.Embeds[0].Fields) < 10 {
		t.Fatalf("review card embeds = %+v", review.Embeds)
	}
	edits := 0
	for _, c := range components(review) {
		if strings.HasPrefix(c.CustomID, "owner|edit|") {
			edits++
		}
	}
	if edits < 10 {
		t.Errorf("review card has %d edit buttons", edits)
	}
	e.waitShown(dm, "Your case is "+id)

	card := e.card(id)
	if len(card.Embeds) != 1 || !strings.HasPrefix(card.Embeds[0].Title, id+" · ") {
		t.Fatalf("card = %q", text(card))
	}
	if got := components(card); len(got) != 1 || got[0].CustomID != "case|claim|"+id {
		t.Errorf("open card buttons = %+v", got)
	}
	if !strings.Contains(text(card), "Austin, Texas, USA") {
		t.Errorf("card lacks the answers:\n%s", text(card))
	}

	claim := e.clickCase(memberInv(dana), bot.ActionClaim, id)
	if got := e.callbackType(claim); got != int(discordgo.InteractionResponseDeferredMessageUpdate) {
		t.Errorf("claim answered with type %d, want a deferred update", got)
	}
	card = e.card(id)
	if !strings.Contains(text(card), "Claimed by: Dana") {
		t.Errorf("card after the claim:\n%s", text(card))
	}
	var ids []string
	for _, c := range components(card) {
		ids = append(ids, c.CustomID)
	}
	if want := "case|reply|" + id + ",case|resolve|" + id + ",case|release|" + id; strings.Join(ids, ",") != want {
		t.Errorf("claimed card buttons = %v", ids)
	}
	e.waitShown(dm, "an executive, Dana, is now looking at your case")
	// The thread under the card (its channel id is the card's message id) holds the story.
	e.waitShown(e.cardID(id), "Dana claimed the case")

	// Reply through the modal.
	open := e.clickCase(memberInv(dana), bot.ActionReply, id)
	modal := e.fake.WaitResponse(t, open, wait)
	var resp struct {
		Data struct {
			CustomID string `json:"custom_id"`
			Title    string `json:"title"`
		} `json:"data"`
	}
	if err := modal.Decode(&resp); err != nil || modal.CallbackType != int(discordgo.InteractionResponseModal) || resp.Data.CustomID != "case|reply|"+id {
		t.Fatalf("reply modal = %+v (%v)", resp, err)
	}
	sent := e.submitModal(memberInv(dana), bot.ActionReply, id, "We are collecting the car tomorrow.")
	if got := e.followups(sent); len(got) != 1 || got[0] != "Sent to the owner of "+id+"." {
		t.Errorf("reply followups = %q", got)
	}
	e.waitShown(dm, "We are collecting the car tomorrow.")

	// The owner answers; it lands in the card's thread.
	e.dm(alice, "Thank you, that works for me.")
	e.waitShown(e.cardID(id), "Thank you, that works for me.")

	// Resolve through the modal.
	e.clickCase(memberInv(dana), bot.ActionResolve, id)
	done := e.submitModal(memberInv(dana), bot.ActionResolve, id, "Replaced the charger.")
	if got := e.followups(done); len(got) != 1 || !strings.Contains(got[0], "is resolved") {
		t.Errorf("resolve followups = %q", got)
	}
	card = e.card(id)
	if !strings.Contains(text(card), "Resolution: Replaced the charger.") || len(components(card)) != 0 {
		t.Errorf("resolved card:\n%s\nbuttons %v", text(card), components(card))
	}
	e.waitShown(dm, "has been resolved by Dana")
	if c := e.getCase(id); c.Status != bot.StatusResolved {
		t.Errorf("case is %s", c.Status)
	}
	e.fake.AssertNoViolations(t)
}

// TestConcurrentClaims: two executives click Claim at once; one wins, the card shows the
// winner, the other is told who won, privately.
func TestConcurrentClaims(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(alice)
	card := e.cardID(id)
	clicks := map[string]map[string]any{
		dana: fakediscord.ButtonClick(memberInv(dana), escChannel, card, caseCustomID(bot.ActionClaim, id)),
		eve:  fakediscord.ButtonClick(memberInv(eve), escChannel, card, caseCustomID(bot.ActionClaim, id)),
	}
	var last int64
	for _, u := range []string{dana, eve} {
		last = e.fake.Dispatch(t, "INTERACTION_CREATE", clicks[u])
	}
	e.settle(last)

	c := e.getCase(id)
	winner, loser := dana, eve
	if c.ClaimedBy == identity(eve) {
		winner, loser = eve, dana
	}
	if c.ClaimedByName != names[winner] {
		t.Fatalf("claimed by %q (%s)", c.ClaimedByName, c.ClaimedBy)
	}
	if !strings.Contains(text(e.card(id)), "Claimed by: "+names[winner]) {
		t.Errorf("card does not show %s:\n%s", names[winner], text(e.card(id)))
	}
	if got := e.followups(clicks[winner]["id"].(string)); len(got) != 0 {
		t.Errorf("the winner was told %q", got)
	}
	got := e.followups(clicks[loser]["id"].(string))
	if want := id + " is already claimed by " + names[winner]; len(got) != 1 || !strings.Contains(got[0], want) {
		t.Errorf("loser's followups = %q, want one containing %q", got, want)
	}
	for _, u := range []string{dana, eve} {
		if typ := e.callbackType(clicks[u]["id"].(string)); typ != int(discordgo.InteractionResponseDeferredMessageUpdate) {
			t.Errorf("claim of %s answered with type %d", names[u], typ)
		}
	}
	e.fake.AssertNoViolations(t)
}

// TestReconnectReplaysNoSecondTurn: the connection drops and the resumed session delivers a
// DM and a click again; neither makes a second turn nor a second answer.
func TestReconnectReplaysNoSecondTurn(t *testing.T) {
	e := newEnv(t)
	e.dm(alice, "hello")
	click := e.press(alice, conversation.ActionChoose, "understood")
	s, _ := e.session(alice)
	posts := len(e.botMessages(dmOf(alice)))
	callbacks := len(e.fake.Responses(click))

	e.fake.ReplayOnResume(2)
	e.fake.DropConnection(t)
	e.fake.WaitResumes(t, 1, wait)
	e.fake.WaitReady(t, wait)
	if r := e.fake.Resumes(); len(r) != 1 || !r[0].OK {
		t.Fatalf("resumes = %+v", r)
	}
	// Events are handled in order: once a later one is, the replays were too.
	e.dm(bob, "a later message")

	after, _ := e.session(alice)
	if after.Version != s.Version || after.Turns != s.Turns {
		t.Errorf("session moved on replay: version %d → %d, turns %d → %d", s.Version, after.Version, s.Turns, after.Turns)
	}
	if got := len(e.botMessages(dmOf(alice))); got != posts {
		t.Errorf("DM messages %d after the replay, want %d:\n%s", got, posts, e.dump(dmOf(alice)))
	}
	if got := len(e.fake.Responses(click)); got != callbacks {
		t.Errorf("the replayed click was answered again: %v", e.fake.Responses(click))
	}
	if n := len(e.fake.Identifies()); n != 1 {
		t.Errorf("identifies = %d: the adapter re-identified instead of resuming", n)
	}
	if err := e.adapter.Check().Func(t.Context()); err != nil {
		t.Errorf("not ready after the resume: %v", err)
	}
	e.fake.AssertNoViolations(t)
}

// TestOwnerRestrictions: OWNER_ROLE_IDS and OWNER_MIN_MEMBER_DAYS refuse a new intake politely,
// saying which role or how many more days; nothing is started.
func TestOwnerRestrictions(t *testing.T) {
	restricted := func(days int) option {
		return withConfig(func(c *Config) { c.OwnerRoleIDs, c.OwnerMinMemberDays = []string{ownerRole}, days })
	}
	members := beforeStart(func(f *fakediscord.Server) {
		f.SetRoles(guild, fakediscord.Role{ID: ownerRole, Name: "Verified Owner", Position: 1})
		f.SetMember(guild, alice, nil, time.Now().Add(-400*24*time.Hour))
		f.SetMember(guild, bob, []string{ownerRole}, time.Now().Add(-3*24*time.Hour))
		f.SetMember(guild, eve, []string{ownerRole}, time.Now().Add(-400*24*time.Hour))
	})
	e := newEnv(t, restricted(30), members)

	tests := []struct {
		name, user, want string
		started          bool
	}{
		{"without the role", alice, "members with the “Verified Owner” role", false},
		{"too new", bob, "27 more days to go", false},
		{"not a member", dana, "open to members of our community server", false},
		{"allowed", eve, "escalation assistant", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.dm(tt.user, "hello")
			msgs := e.botMessages(dmOf(tt.user))
			if len(msgs) == 0 || !strings.Contains(text(msgs[0]), tt.want) {
				t.Fatalf("answer to %s:\n%s", names[tt.user], e.dump(dmOf(tt.user)))
			}
			if _, found := e.session(tt.user); found != tt.started {
				t.Errorf("session found = %v, want %v", found, tt.started)
			}
		})
	}

	t.Run("slash command uses the interaction's member", func(t *testing.T) {
		inv := memberInv(alice)
		inv.JoinedAt = time.Now().Add(-400 * 24 * time.Hour)
		id := e.interact(fakediscord.SlashCommand(inv, escChannel, escalateCommand))
		got := e.followups(id)
		if len(got) != 1 || !strings.Contains(got[0], "Verified Owner") {
			t.Errorf("/escalate without the role answered %q", got)
		}
		inv.Roles = []string{ownerRole}
		id = e.interact(fakediscord.SlashCommand(inv, escChannel, escalateCommand))
		if got := e.followups(id); len(got) != 1 || got[0] != dmSent {
			t.Errorf("/escalate with the role answered %q", got)
		}
		if _, found := e.session(alice); !found {
			t.Error("no session after /escalate with the role")
		}
	})

	t.Run("an owner mid-intake carries on", func(t *testing.T) {
		// alice started through /escalate above; her role is not in the DM, and she goes on.
		before := len(e.botMessages(dmOf(alice)))
		e.press(alice, conversation.ActionChoose, "understood")
		msgs := e.botMessages(dmOf(alice))
		if len(msgs) <= before || strings.Contains(text(msgs[len(msgs)-1]), "Sorry, this line") {
			t.Errorf("the intake did not go on:\n%s", e.dump(dmOf(alice)))
		}
	})
	e.fake.AssertNoViolations(t)
}

// TestModeratorCommands: /escalations <sub> maps to the core's commands, answered ephemerally;
// only moderators (a role or Manage Server) may run them.
func TestModeratorCommands(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(alice)
	manager := memberInv(mod)
	manager.Permissions = discordgo.PermissionManageGuild | discordgo.PermissionViewChannel
	tests := []struct {
		name string
		inv  fakediscord.Invoker
		sub  string
		opts []fakediscord.CommandOption
		want string
	}{
		{"member without permission refused", memberInv(eve), "list", nil, "Only moderators of the escalation line may do that."},
		{"refused whatever the option", memberInv(eve), "close", []fakediscord.CommandOption{fakediscord.StringOption("case", id), fakediscord.StringOption("reason", "spam")}, "Only moderators"},
		{"moderator role", memberInv(dana, modRole), "list", nil, "1 open case(s)"},
		{"manage server", manager, "show", []fakediscord.CommandOption{fakediscord.StringOption("case", id)}, id + " · open"},
		{"help for anyone", memberInv(eve), "help", nil, "/escalations close <case> <reason>"},
		{"choice option", memberInv(dana, modRole), "list", []fakediscord.CommandOption{fakediscord.StringOption("filter", "claimed")}, "No claimed cases."},
		{"assign by mention", manager, "assign", []fakediscord.CommandOption{fakediscord.StringOption("case", id), fakediscord.StringOption("user", "<@"+dana+">")}, id + " is now with Dana."},
		{"block with optional duration", manager, "block", []fakediscord.CommandOption{fakediscord.StringOption("user", "<@"+bob+">"), fakediscord.StringOption("reason", "abusive language")}, "Bob (discord:" + bob + ") is blocked until unblocked"},
		{"block by nickname mention for a while", manager, "block", []fakediscord.CommandOption{fakediscord.StringOption("user", "<@!"+eve+">"), fakediscord.StringOption("duration", "7d"), fakediscord.StringOption("reason", "spam")}, "Eve (discord:" + eve + ") is blocked until "},
		{"duration in words refused", manager, "block", []fakediscord.CommandOption{fakediscord.StringOption("user", "<@"+eve+">"), fakediscord.StringOption("duration", "7days"), fakediscord.StringOption("reason", "spam")}, "30m, 12h, 7d or 2w"},
		{"duration of two words refused", manager, "block", []fakediscord.CommandOption{fakediscord.StringOption("user", "<@"+eve+">"), fakediscord.StringOption("duration", "1h 30m"), fakediscord.StringOption("reason", "spam")}, "takes one word"},
		{"several words refused before a non-moderator learns of it", memberInv(eve), "block", []fakediscord.CommandOption{fakediscord.StringOption("user", "<@"+eve+"> <@"+dana+">"), fakediscord.StringOption("reason", "spam")}, "Only moderators"},
		{"role mention refused", manager, "block", []fakediscord.CommandOption{fakediscord.StringOption("user", "<@&"+modRole+">"), fakediscord.StringOption("reason", "spam")}, "could not tell who that mention is"},
		{"everyone refused", manager, "assign", []fakediscord.CommandOption{fakediscord.StringOption("case", id), fakediscord.StringOption("user", "@everyone")}, "everyone in a channel"},
		{"unknown user refused", manager, "assign", []fakediscord.CommandOption{fakediscord.StringOption("case", id), fakediscord.StringOption("user", "<@499999999999999999>")}, "There is no user discord:499999999999999999"},
		{"wildcard refused", manager, "unblock", []fakediscord.CommandOption{fakediscord.StringOption("user", "discord:*")}, "without wildcards"},
		{"unblock by id", manager, "unblock", []fakediscord.CommandOption{fakediscord.StringOption("user", bob)}, "may use the line again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.command(tt.inv, tt.sub, tt.opts...)
			if len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Errorf("answers %q, want one containing %q", got, tt.want)
			}
		})
	}
	if c := e.getCase(id); c.ClaimedBy != identity(dana) {
		t.Errorf("assign gave the case to %q", c.ClaimedBy)
	}
	e.fake.AssertNoViolations(t)
}

// TestMentionsAreInert: @everyone, @here, role and user mentions an owner writes reach the
// channel as text, and every message the bot sends says allowed_mentions explicitly.
func TestMentionsAreInert(t *testing.T) {
	e := newEnv(t)
	desc := "It stopped charging @everyone and <@&123> said to ask @here and <@" + dana + "> about it, see [this](https://evil.example)."
	id := e.intake(alice, map[string]string{"description": desc})
	e.dm(alice, "Hello @everyone <@&123> any news?")
	e.waitShown(e.cardID(id), "any news?")

	checked := 0
	for _, c := range e.fake.Calls("") {
		if c.Method != http.MethodPost && c.Method != http.MethodPatch || len(c.Body) == 0 {
			continue
		}
		var p struct {
			Content         string                    `json:"content"`
			Embeds          []*discordgo.MessageEmbed `json:"embeds"`
			AllowedMentions *struct {
				Parse []string `json:"parse"`
			} `json:"allowed_mentions"`
			Data *struct {
				Content string `json:"content"`
			} `json:"data"`
		}
		if err := c.Decode(&p); err != nil {
			continue // a command registration (an array)
		}
		isMessage := strings.HasSuffix(c.Path, "/messages") || strings.Contains(c.Path, "/messages/") && !strings.HasSuffix(c.Path, "/threads") ||
			strings.Contains(c.Path, "/webhooks/")
		if !isMessage {
			continue
		}
		// The owner's own DM may show their words as written; the channel may not.
		inChannel := !strings.Contains(c.Path, "/channels/"+dmOf(alice)+"/")
		checked++
		if p.AllowedMentions == nil || p.AllowedMentions.Parse == nil || len(p.AllowedMentions.Parse) != 0 {
			t.Errorf("%s %s: allowed_mentions = %+v, want parse: []", c.Method, c.Path, p.AllowedMentions)
		}
		shown := p.Content
		for _, em := range p.Embeds {
			shown += em.Title + em.Description
			for _, f := range em.Fields {
				shown += f.Name + f.Value
			}
		}
		for _, live := range []string{"@everyone", "@here", "<@&", "<@" + dana, "[this](https"} {
			if strings.Contains(shown, live) && (inChannel || live != "[this](https") {
				t.Errorf("%s %s carries a live %q:\n%s", c.Method, c.Path, live, shown)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d messages checked", checked)
	}
	card := text(e.card(id))
	if !strings.Contains(card, "@\u200beveryone") || !strings.Contains(card, "<\u200b@&123>") {
		t.Errorf("the owner's words are missing from the card:\n%s", card)
	}
	if v := e.fake.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}

// TestLongDescriptionWithinLimits: a 5,000-character description (a flow that keeps that much)
// makes a card and a review card Discord accepts, cut with the marker.
func TestLongDescriptionWithinLimits(t *testing.T) {
	flow := conversation.DefaultFlow()
	for i := range flow.Steps {
		if flow.Steps[i].ID == "description" {
			flow.Steps[i].MaxLength = 6000
		}
	}
	e := newEnv(t, withFlow(flow))
	desc := strings.Repeat("The charging port *and* the <display> both fail. ", 110)[:5000]
	id := e.intake(alice, map[string]string{"description": desc})
	card := e.card(id)
	if !strings.Contains(card.Embeds[0].Description, "… (truncated, see /escalations show "+id+")") {
		t.Errorf("no marker in the card:\n%s", card.Embeds[0].Description)
	}
	if !strings.Contains(text(card), `The charging port \*and\* the <display> both fail.`) {
		t.Errorf("description missing or not escaped:\n%.600s", text(card))
	}
	if n := embedSize(card.Embeds); n > maxEmbedTotal {
		t.Errorf("card embed size %d", n)
	}
	e.fake.AssertNoViolations(t)
}

// TestManyChoicesWithinLimits: a step with 12 choices (one with a value too long for a
// custom id) is rendered within Discord's component limits, and each choice still works;
// 40 choices become select menus.
func TestManyChoicesWithinLimits(t *testing.T) {
	longValue := "a-choice-value-that-is-far-too-long-to-fit-into-a-discord-custom-id-together-with-its-prefix-0123456789"
	for _, n := range []int{12, 40} {
		t.Run(fmt.Sprintf("%d choices", n), func(t *testing.T) {
			flow := conversation.DefaultFlow()
			flow.Translations = nil // the test's own categories, in English only
			for i := range flow.Steps {
				st := &flow.Steps[i]
				if st.ID == "category" {
					st.Choices = nil
					for k := 1; k <= n; k++ {
						st.Choices = append(st.Choices, conversation.Choice{Value: fmt.Sprintf("c%d", k), Label: fmt.Sprintf("Category %d", k)})
					}
					st.Choices[n-1].Value = longValue
				}
				// Steps shown only for some categories are asked of everyone here.
				if st.When != nil && st.When.Step == "category" {
					st.When, st.Optional = nil, true
				}
			}
			if err := flow.Validate(); err != nil {
				t.Fatal(err)
			}
			e := newEnv(t, withFlow(flow))
			e.dm(alice, "hello")
			e.press(alice, conversation.ActionChoose, "understood")
			for range 20 {
				s, _ := e.session(alice)
				if s.Step == "category" {
					break
				}
				e.dm(alice, answers[s.Step])
			}
			msgs := e.botMessages(dmOf(alice))
			shown := components(msgs[len(msgs)-1])
			if len(shown) < n {
				t.Fatalf("%d of %d choices shown:\n%+v", len(shown), n, shown)
			}
			if n > maxRows*maxRowItems && !shown[0].Select {
				t.Errorf("%d choices not in a select menu", n)
			}
			e.press(alice, conversation.ActionChoose, longValue)
			if s, _ := e.session(alice); s.Answers["category"] != longValue {
				t.Errorf("category answer = %q, want the long value", s.Answers["category"])
			}
			e.fake.AssertNoViolations(t)
		})
	}
}

// TestCommandsRegistered: one bulk overwrite per start, to the configured server, derived from
// the core's command table; globally when no server is configured.
func TestCommandsRegistered(t *testing.T) {
	t.Run("guild", func(t *testing.T) {
		e := newEnv(t)
		if n := len(e.fake.Calls("PUT /applications/*/guilds/" + guild + "/commands")); n != 1 {
			t.Errorf("guild overwrites = %d", n)
		}
		// Stale global commands of an earlier run without DISCORD_GUILD_IDS are removed.
		if global := e.fake.Calls("PUT /applications/*/commands$"); len(global) != 1 || strings.TrimSpace(string(global[0].Body)) != "[]" {
			t.Errorf("global overwrites = %v, want one with []", global)
		}
		if n := len(e.fake.Commands("")); n != 0 {
			t.Errorf("global commands = %d, want none", n)
		}
		var cmds []discordgo.ApplicationCommand
		for _, raw := range e.fake.Commands(guild) {
			var c discordgo.ApplicationCommand
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, c)
		}
		byName := map[string]discordgo.ApplicationCommand{}
		for _, c := range cmds {
			byName[c.Name] = c
		}
		esc, ok := byName[escalationsCommand]
		if !ok || esc.DefaultMemberPermissions == nil || *esc.DefaultMemberPermissions != discordgo.PermissionManageGuild {
			t.Fatalf("/escalations = %+v", esc)
		}
		var subs []string
		for _, o := range esc.Options {
			subs = append(subs, o.Name)
		}
		var want []string
		for _, c := range e.svc.Commands() {
			want = append(want, c.Name)
		}
		if strings.Join(subs, ",") != strings.Join(want, ",") {
			t.Errorf("sub-commands %v, want the core's %v", subs, want)
		}
		if c, ok := byName[inviteCommand]; !ok || c.Type != discordgo.MessageApplicationCommand || c.DefaultMemberPermissions == nil {
			t.Errorf("message command = %+v", c)
		}
		if c, ok := byName[escalateCommand]; !ok || c.DefaultMemberPermissions != nil {
			t.Errorf("/escalate = %+v", c)
		}
	})
	t.Run("global", func(t *testing.T) {
		e := newEnv(t, withConfig(func(c *Config) { c.GuildIDs = nil }))
		if n := len(e.fake.Calls("PUT /applications/*/commands$")); n != 1 {
			t.Errorf("global overwrites = %d", n)
		}
		if n := len(e.fake.Commands("")); n != 3 {
			t.Errorf("global commands = %d", n)
		}
	})
}

// TestRateLimitedMessage: a 429 on message create; discordgo waits Retry-After and the message
// still arrives.
func TestRateLimitedMessage(t *testing.T) {
	e := newEnv(t)
	e.fake.FailNext("POST /channels/"+dmOf(alice)+"/messages", 1, http.StatusTooManyRequests, 1)
	e.dm(alice, "hello")
	calls := e.fake.Calls("POST /channels/" + dmOf(alice) + "/messages")
	if len(calls) < 2 || calls[0].Status != http.StatusTooManyRequests || calls[1].Status != http.StatusOK {
		t.Fatalf("calls = %v", calls)
	}
	if wait := calls[1].At.Sub(calls[0].At); wait < time.Second {
		t.Errorf("retried after %v, before the retry_after of 1s", wait)
	}
	if string(calls[0].Body) != string(calls[1].Body) {
		t.Error("the retried message is not the refused one")
	}
	e.waitShown(dmOf(alice), "escalation assistant")
}

// TestFailedCardPostIsRetried: a card Discord refuses is an error for the core, whose due queue
// posts it later.
func TestFailedCardPostIsRetried(t *testing.T) {
	clock := clocktest.Running(t)
	e := newEnv(t, withClock(clock))
	e.fake.FailNext("POST /channels/"+escChannel+"/messages", 1, http.StatusInternalServerError, 0)
	id := e.openCase(alice)
	if posts := e.getCase(id).Posts; len(posts) != 0 {
		t.Fatalf("posted despite the failure: %+v", posts)
	}
	clock.Advance(2 * time.Minute) // the check is due a minute after the submission
	if _, err := e.svc.RunDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	if posts := e.getCase(id).Posts; len(posts) != 1 {
		t.Fatalf("posts after the retry: %+v", posts)
	}
	if card := e.card(id); !strings.HasPrefix(card.Embeds[0].Title, id) {
		t.Errorf("card = %s", text(card))
	}
}

// TestLostCardPostNotDoubled: a card Discord accepted whose post was never recorded (the
// process died, or Redis failed, right after the post) is found in the channel by the due
// queue and not posted again.
func TestLostCardPostNotDoubled(t *testing.T) {
	clock := clocktest.Running(t)
	e := newEnv(t, withClock(clock))
	id := e.openCase(alice)
	first := e.cardID(id)
	keys := redisstore.NewKeys(e.rds.Tenant)
	if err := e.rds.Client.HDel(t.Context(), keys.Case(id), "posts").Err(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)
	if _, err := e.svc.RunDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	if posts := e.getCase(id).Posts; len(posts) != 1 || posts[0].Ref != first {
		t.Fatalf("posts after the check: %+v, want the first card %s", posts, first)
	}
	cards := 0
	for _, c := range e.fake.Calls("POST /channels/" + escChannel + "/messages") {
		if c.Status == http.StatusOK && strings.Contains(string(c.Body), id) {
			cards++
		}
	}
	if cards != 1 {
		t.Fatalf("card posted %d times, want once", cards)
	}
}
