package discord

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/cardtest"
	"escalation-bot/xtest/fakediscord"

	"github.com/bwmarrin/discordgo"
)

// checkLimits fails the test for anything in msg that Discord would refuse.
func checkLimits(t *testing.T, msg *discordgo.MessageSend) {
	t.Helper()
	if msg.AllowedMentions == nil || msg.AllowedMentions.Parse == nil || len(msg.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions = %+v", msg.AllowedMentions)
	}
	if n := runeLen(msg.Content); n > maxContent {
		t.Errorf("content %d characters", n)
	}
	if msg.Content == "" && len(msg.Embeds) == 0 && len(msg.Components) == 0 {
		t.Error("empty message")
	}
	checkEmbeds(t, msg.Embeds)
	checkComponents(t, msg.Components)
}

func checkEmbeds(t *testing.T, embeds []*discordgo.MessageEmbed) {
	t.Helper()
	if len(embeds) > maxEmbeds {
		t.Errorf("%d embeds", len(embeds))
	}
	if n := embedSize(embeds); n > maxEmbedTotal {
		t.Errorf("embeds total %d characters", n)
	}
	for _, e := range embeds {
		if runeLen(e.Title) > maxEmbedTitle || runeLen(e.Description) > maxEmbedDesc || len(e.Fields) > maxEmbedFields {
			t.Errorf("embed title %d, description %d, fields %d", runeLen(e.Title), runeLen(e.Description), len(e.Fields))
		}
		for _, f := range e.Fields {
			if f.Name == "" || f.Value == "" || runeLen(f.Name) > maxFieldName || runeLen(f.Value) > maxFieldValue {
				t.Errorf("field name %d, value %d characters", runeLen(f.Name), runeLen(f.Value))
			}
		}
	}
}

func checkComponents(t *testing.T, rows []discordgo.MessageComponent) {
	t.Helper()
	if len(rows) > maxRows {
		t.Errorf("%d rows", len(rows))
	}
	ids := map[string]bool{}
	for _, c := range rows {
		row := c.(discordgo.ActionsRow)
		if len(row.Components) == 0 || len(row.Components) > maxRowItems {
			t.Errorf("row of %d components", len(row.Components))
		}
		for _, rc := range row.Components {
			var id string
			switch x := rc.(type) {
			case discordgo.Button:
				id = x.CustomID
				if x.Label == "" || runeLen(x.Label) > maxButtonLabel {
					t.Errorf("button label %q", x.Label)
				}
			case discordgo.SelectMenu:
				id = x.CustomID
				if len(row.Components) != 1 {
					t.Error("a select menu shares its row")
				}
				if len(x.Options) == 0 || len(x.Options) > maxSelectOptions {
					t.Errorf("select of %d options", len(x.Options))
				}
				values := map[string]bool{}
				for _, o := range x.Options {
					if runeLen(o.Label) > maxOptionText || runeLen(o.Value) > maxOptionText || values[o.Value] {
						t.Errorf("option %+v", o)
					}
					values[o.Value] = true
				}
			default:
				t.Errorf("component %T", rc)
			}
			if id == "" || runeLen(id) > maxCustomID || ids[id] {
				t.Errorf("custom_id %q (duplicate %v)", id, ids[id])
			}
			ids[id] = true
		}
	}
}

func choose(n int, value func(int) string) []conversation.Button {
	var out []conversation.Button
	for i := range n {
		out = append(out, conversation.Button{Label: fmt.Sprintf("Choice %d", i+1), Action: conversation.ActionChoose, Value: value(i)})
	}
	return out
}

func short(i int) string { return fmt.Sprintf("v%d", i) }

var controls = []conversation.Button{
	{Label: "Skip", Action: conversation.ActionControl, Value: "skip"},
	{Label: "Back", Action: conversation.ActionControl, Value: "back"},
}

func TestOwnerComponents(t *testing.T) {
	long := func(i int) string { return fmt.Sprintf("%03d-%s", i, strings.Repeat("long value ", 12)) }
	tests := []struct {
		name              string
		buttons           []conversation.Button
		wantRows, dropped int
		wantSelect        bool
	}{
		{"three", choose(3, short), 1, 0, false},
		{"twelve and controls", append(choose(12, short), controls...), 3, 0, false},
		{"twenty-five", choose(25, short), 5, 0, false},
		{"thirty become a menu", append(choose(30, short), controls...), 3, 0, true},
		{"long values hashed", append(choose(12, long), controls...), 3, 0, false},
		{"duplicates kept once", append(choose(3, short), choose(3, short)...), 1, 0, false},
		{"more than five menus", append(choose(130, short), controls...), 5, 130 - 4*25, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, dropped := ownerComponents(tt.buttons)
			checkComponents(t, rows)
			if len(rows) != tt.wantRows || dropped != tt.dropped {
				t.Errorf("%d rows, %d dropped; want %d, %d", len(rows), dropped, tt.wantRows, tt.dropped)
			}
			_, isSelect := rows[0].(discordgo.ActionsRow).Components[0].(discordgo.SelectMenu)
			if isSelect != tt.wantSelect {
				t.Errorf("first row is a select menu: %v", isSelect)
			}
		})
	}
}

func TestEncodeValue(t *testing.T) {
	tests := []struct {
		value  string
		hashed bool
	}{
		{"understood", false},
		{"", false},
		{strings.Repeat("x", 87), false}, // 100 - len("owner|choose|")
		{strings.Repeat("x", 88), true},
		{"#1", true}, // would read as a hash
		{"ünïcödé", false},
	}
	for _, tt := range tests {
		id := ownerCustomID(conversation.ActionChoose, tt.value)
		if runeLen(id) > maxCustomID {
			t.Errorf("%q: custom_id of %d characters", tt.value, runeLen(id))
		}
		got := strings.TrimPrefix(id, "owner|choose|")
		if hashed := got != tt.value; hashed != tt.hashed || hashed && (got != hashValue(tt.value) || len(got) != 17) {
			t.Errorf("%q encoded as %q", tt.value, got)
		}
	}
}

func TestRenderReply(t *testing.T) {
	var fields []conversation.Field
	var edits []conversation.Button
	for i := range 30 {
		fields = append(fields, conversation.Field{Key: fmt.Sprintf("k%d", i), Label: fmt.Sprintf("Question %d", i), Value: strings.Repeat("answer ", 140)})
		edits = append(edits, conversation.Button{Label: fmt.Sprintf("Edit question %d", i), Action: conversation.ActionEdit, Value: fmt.Sprintf("k%d", i)})
	}
	tests := []struct {
		name     string
		reply    conversation.Reply
		messages int
		contains string
	}{
		{"plain", conversation.Reply{Text: "Hello"}, 1, "Hello"},
		{"5,000 characters", conversation.Reply{Text: strings.Repeat("word ", 1000), Buttons: controls}, 3, "…"},
		{"emergency", conversation.Reply{Text: "Stop the car.", Emergency: true}, 1, "Please read this first"},
		{"review card of 30 long answers", conversation.Reply{Text: "Here is everything", Fields: fields, Buttons: append(edits, conversation.Button{Label: "Submit", Action: conversation.ActionSubmit})}, 1, "Here is everything"},
		{"buttons only", conversation.Reply{Buttons: controls}, 1, ""},
		{"mentions neutralized", conversation.Reply{Text: "hi @everyone <@&1>"}, 1, "@\u200beveryone <\u200b@&1>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := renderReply(tt.reply)
			if len(msgs) != tt.messages {
				t.Fatalf("%d messages, want %d", len(msgs), tt.messages)
			}
			for i, m := range msgs {
				checkLimits(t, m)
				if i < len(msgs)-1 && (len(m.Components) > 0 || len(m.Embeds) > 0) {
					t.Error("buttons or answers before the last message")
				}
			}
			if !strings.Contains(msgs[0].Content, tt.contains) {
				t.Errorf("content %.200q lacks %q", msgs[0].Content, tt.contains)
			}
			if len(tt.reply.Buttons) > 0 && len(msgs[len(msgs)-1].Components) == 0 {
				t.Error("buttons lost")
			}
		})
	}
}

func TestRenderCard(t *testing.T) {
	base := bot.Card{
		ID: "ESC-1001", Title: "2019 Model 3: won't charge", Status: bot.StatusOpen, Owner: "Alice",
		Severity: bot.SeverityHigh, Summary: "It stopped charging.", Category: "Battery & charging",
		CreatedAt: time.Now(), Automatic: true,
		Fields:  []bot.Answer{{Key: "vin", Label: "VIN", Value: "1HGCM82633A004352"}},
		Buttons: bot.CardOf(bot.Case{ID: "ESC-1001", Status: bot.StatusOpen}).Buttons,
	}
	many := base
	many.Fields = nil
	for i := range 40 {
		many.Fields = append(many.Fields, bot.Answer{Key: fmt.Sprint(i), Label: fmt.Sprintf("Answer %d", i), Value: strings.Repeat("long answer ", 100)})
	}
	longSummary := base
	longSummary.Summary = strings.Repeat("The charging port *and* the display both fail. ", 110)[:5000]
	claimed := base
	claimed.Status, claimed.ClaimedByName, claimed.ClaimedAt = bot.StatusClaimed, "Dana", time.Now()
	claimed.Buttons = bot.CardOf(bot.Case{ID: "ESC-1001", Status: bot.StatusClaimed}).Buttons
	resolved := claimed
	resolved.Status, resolved.Note, resolved.Buttons = bot.StatusResolved, "Replaced the charger.", nil

	tests := []struct {
		name      string
		card      bot.Card
		buttons   []string
		truncated bool
		contains  string
	}{
		{"open", base, []string{"case|claim|ESC-1001"}, false, "Status: open"},
		{"claimed", claimed, []string{"case|reply|ESC-1001", "case|resolve|ESC-1001", "case|release|ESC-1001"}, false, "Claimed by: Dana <t:"},
		{"resolved", resolved, nil, false, "Resolution: Replaced the charger."},
		{"5,000-character summary", longSummary, []string{"case|claim|ESC-1001"}, true, `\*and\*`},
		{"40 long answers", many, []string{"case|claim|ESC-1001"}, true, "Answer 0: long answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			embed, comps := renderCard(tt.card)
			checkLimits(t, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed}, Components: comps, AllowedMentions: noMentions()})
			if !strings.HasPrefix(embed.Title, "ESC-1001 · ") {
				t.Errorf("title %q", embed.Title)
			}
			var ids []string
			for _, c := range comps {
				for _, b := range c.(discordgo.ActionsRow).Components {
					ids = append(ids, b.(discordgo.Button).CustomID)
				}
			}
			if strings.Join(ids, ",") != strings.Join(tt.buttons, ",") {
				t.Errorf("buttons %v, want %v", ids, tt.buttons)
			}
			if comps == nil {
				t.Error("components nil: an edit would keep the old buttons")
			}
			marked := strings.HasSuffix(embed.Description, cardMarker("ESC-1001"))
			if marked != tt.truncated {
				t.Errorf("marker %v, want %v: %.100q…", marked, tt.truncated, embed.Description)
			}
			all := text(&discordgo.Message{Embeds: []*discordgo.MessageEmbed{embed}})
			if !strings.Contains(all, tt.contains) {
				t.Errorf("card lacks %q:\n%.1500s", tt.contains, all)
			}
		})
	}
}

// TestCardStates: a card shows its escalation, reminders, next deadline and rating, with the
// owner's comment neutralized and escaped like all owner text; posted to the fake Discord, it
// stays within Discord's limits however long the comment is.
func TestCardStates(t *testing.T) {
	fake := fakediscord.New(t)
	m, err := NewMessenger(Config{Token: "test-token", APIURL: fake.URL}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	due := time.Now().Add(25 * time.Minute)
	card := cardtest.States(due, "Fixed **fast** @everyone <@&1> [link](https://evil.example) \u202eexe")
	tests := []struct {
		name           string
		card           bot.Card
		want, unwanted []string
	}{
		{"every state", card, []string{
			"ESC-1001 · Car will not charge\n⏫ **Escalated**: not claimed in time, sent to the next tier\n\nThe car stopped charging.",
			"\nReminders: 3\n",
			fmt.Sprintf("\nNext deadline: <t:%d:R>\n", due.Unix()),
			"\nRating: ★★★★☆ (4/5)\n“Fixed \\*\\*fast\\*\\* @\u200beveryone <\u200b@&1> \\[link\\](https://evil.example) exe”",
		}, []string{"@everyone", "<@&1>", "\u202e"}},
		{"none of them", bot.Card{ID: "ESC-1", Status: bot.StatusOpen}, nil, []string{"Escalated", "Reminders", "Next deadline", "Rating"}},
		{"a long comment within limits", cardtest.Long(card, "@here **a long comment** "), []string{"Rating: ★★★★☆ (4/5)\n“@\u200bhere", cardMarker("ESC-1001")}, []string{"@here"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := m.PostCard(t.Context(), escChannel, tt.card); err != nil {
				t.Fatal(err)
			}
			fake.AssertNoViolations(t)
			raw := fake.Messages(escChannel)
			var msg discordgo.Message
			if err := json.Unmarshal(raw[len(raw)-1], &msg); err != nil {
				t.Fatal(err)
			}
			cardtest.Shows(t, text(&msg), tt.want, tt.unwanted)
		})
	}
}

func TestSplitAndCut(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  int // pieces
	}{
		{"short", "hello", 2000, 1},
		{"empty", "  ", 2000, 0},
		{"words", strings.Repeat("word ", 1000), 2000, 3},
		{"no spaces", strings.Repeat("x", 4500), 2000, 3},
		{"escapes", strings.Repeat(`\*`, 1500), 2000, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces := split(tt.text, tt.limit)
			if len(pieces) != tt.want {
				t.Fatalf("%d pieces, want %d", len(pieces), tt.want)
			}
			for i, p := range pieces {
				if runeLen(p) > tt.limit {
					t.Errorf("piece %d has %d characters", i, runeLen(p))
				}
				if i > 0 && !strings.HasPrefix(p, "…") || i < len(pieces)-1 && !strings.HasSuffix(p, "…") {
					t.Errorf("piece %d lacks its markers: %.20q…%.20q", i, p, p[max(0, len(p)-20):])
				}
				body := strings.TrimSuffix(strings.TrimPrefix(p, "…"), "…")
				if n := len(body) - len(strings.TrimRight(body, `\`)); n%2 == 1 {
					t.Errorf("piece %d ends inside an escape", i)
				}
			}
		})
	}
	if got, cutIt := cut(`abc\*def`, 5); got != "abc…" || !cutIt {
		t.Errorf("cut = %q, %v", got, cutIt)
	}
	if got, cutIt := cut("abc", 5); got != "abc" || cutIt {
		t.Errorf("cut = %q, %v", got, cutIt)
	}
}

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, 2019-05", "plain text, 2019-05"},
		{"**bold** and _it_", `\*\*bold\*\* and \_it\_`},
		{"[click](https://x.example)", `\[click\](https://x.example)`},
		{"# heading\n> quote\n- item", "\\# heading\n\\> quote\n\\- item"},
		{"a > b # c", "a > b # c"},
		{"||spoiler|| `code` ~~x~~", "\\|\\|spoiler\\|\\| \\`code\\` \\~\\~x\\~\\~"},
		{`back\slash`, `back\\slash`},
	}
	for _, tt := range tests {
		if got := escapeMarkdown(tt.in); got != tt.want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRenderThreadAndAnswers(t *testing.T) {
	msgs := renderThread(bot.ThreadMessage{CaseID: "ESC-1", From: "Alice **", Role: "owner", Text: strings.Repeat("help @here ", 500)})
	if len(msgs) < 3 || !strings.HasPrefix(msgs[0].Content, `**Alice \*\*** (owner):`) {
		t.Fatalf("%d messages, first %.60q", len(msgs), msgs[0].Content)
	}
	for _, m := range msgs {
		checkLimits(t, m)
		if strings.Contains(m.Content, "@here") {
			t.Error("a live @here")
		}
	}
	pieces := answerPieces(strings.Repeat("line of history\n", 2000))
	if len(pieces) != maxFollowups || !strings.HasSuffix(pieces[maxFollowups-1], "(truncated)") {
		t.Errorf("%d pieces, last ends %q", len(pieces), pieces[len(pieces)-1][max(0, len(pieces[len(pieces)-1])-20):])
	}
	for _, p := range pieces {
		if runeLen(p) > maxContent {
			t.Errorf("piece of %d characters", runeLen(p))
		}
	}
	modal := renderModal(bot.ActionResolve, "ESC-1001")
	if modal.CustomID != "case|resolve|ESC-1001" || runeLen(modal.Title) > maxModalTitle {
		t.Errorf("modal = %+v", modal)
	}
}

func TestCommandSchema(t *testing.T) {
	table := bot.NewService(bot.Params{}).Commands()
	var warned []string
	cmds := applicationCommands(table, false, func(msg string, args ...any) { warned = append(warned, fmt.Sprint(msg, args)) })
	if len(warned) > 0 {
		t.Errorf("warnings: %v", warned)
	}
	if len(cmds) != 3 {
		t.Fatalf("%d commands", len(cmds))
	}
	subs := cmds[1].Options
	if len(subs) != len(table) {
		t.Fatalf("%d sub-commands for %d table entries", len(subs), len(table))
	}
	for i, sub := range subs {
		if sub.Name != table[i].Name || sub.Description == "" || runeLen(sub.Description) > maxDescription {
			t.Errorf("sub-command %+v", sub)
		}
		optional := false
		for _, o := range sub.Options {
			if o.Required && optional {
				t.Errorf("%s: required option %s after an optional one", sub.Name, o.Name)
			}
			optional = optional || !o.Required
			if !commandName.MatchString(o.Name) || o.Description == "" || o.Type != discordgo.ApplicationCommandOptionString {
				t.Errorf("%s: option %+v", sub.Name, o)
			}
		}
	}
	if cmds[0].Contexts != nil {
		t.Error("contexts set on a server command")
	}
	if global := applicationCommands(table, true, t.Logf); global[0].Contexts == nil || len(*global[0].Contexts) != 2 {
		t.Error("/escalate is not offered in DMs globally")
	}
}

func TestCommandLine(t *testing.T) {
	table := bot.NewService(bot.Params{}).Commands()
	opt := func(name, value string) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value}
	}
	sub := func(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) discordgo.ApplicationCommandInteractionData {
		return discordgo.ApplicationCommandInteractionData{Name: escalationsCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts},
		}}
	}
	tests := []struct {
		name string
		data discordgo.ApplicationCommandInteractionData
		want string // "": refused
	}{
		{"no options", sub("stats"), "/escalations stats"},
		{"table order", sub("block", opt("reason", "spam and abuse"), opt("user", "<@1>"), opt("duration", "7d")), "/escalations block discord:1 7d spam and abuse"},
		{"optional left out", sub("block", opt("reason", "spam"), opt("user", "<@1>")), "/escalations block discord:1 spam"},
		{"close", sub("close", opt("case", "ESC-1"), opt("reason", "duplicate of ESC-2")), "/escalations close ESC-1 duplicate of ESC-2"},
		{"unknown", sub("frobnicate"), "/escalations frobnicate"},
		{"nothing", discordgo.ApplicationCommandInteractionData{Name: escalationsCommand}, "/escalations help"},
		{"empty option", sub("list", opt("filter", "  ")), "/escalations list"},
		{"several words in a one-word option", sub("block", opt("user", "<@1>"), opt("duration", "7 days"), opt("reason", "spam")), ""},
		{"several users", sub("assign", opt("case", "ESC-1"), opt("user", "<@1> <@2>")), ""},
	}
	for _, tt := range tests {
		got, err := commandLine(table, tt.data)
		switch {
		case tt.want == "" && (err == nil || bot.ErrorCode(err) != bot.CodeInvalid):
			t.Errorf("%s: %q, %v; want a refusal", tt.name, got, err)
		case tt.want != "" && (err != nil || got != tt.want):
			t.Errorf("%s: %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

// TestUserMentions: the adapter turns Discord's mention syntax in a user option into the core's
// identity, and leaves everything else for the core to judge. Text options keep their words.
func TestUserMentions(t *testing.T) {
	table := bot.NewService(bot.Params{}).Commands()
	tests := []struct {
		user, want string
	}{
		{"<@400000000000000002>", "discord:400000000000000002"},
		{"<@!400000000000000002>", "discord:400000000000000002"},
		{"400000000000000002", "discord:400000000000000002"},
		{" <@1> ", "discord:1"},
		{"discord:42", "discord:42"},
		{"slack:T0001:UDANA", "slack:T0001:UDANA"},
		{"web:dana", "web:dana"},
		{"<@&800000000000000001>", "<@&800000000000000001>"}, // a role: no user
		{"<#300000000000000001>", "<#300000000000000001>"},   // a channel
		{"@everyone", "@everyone"},
		{"@here", "@here"},
		{"<@abc>", "<@abc>"},
		{"<@1>x", "<@1>x"},
		{"@dana", "@dana"},
	}
	for _, tt := range tests {
		data := discordgo.ApplicationCommandInteractionData{Name: escalationsCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{{
			Name: "block", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: "user", Type: discordgo.ApplicationCommandOptionString, Value: tt.user},
				{Name: "reason", Type: discordgo.ApplicationCommandOptionString, Value: "said <@1> is @everyone"},
			},
		}}}
		got, err := commandLine(table, data)
		if want := "/escalations block " + tt.want + " said <@1> is @everyone"; err != nil || got != want {
			t.Errorf("user %q: %q, %v; want %q", tt.user, got, err, want)
		}
		// Whatever the adapter passed on is either an identity or refused by the core.
		if _, err := bot.ParseCommand(table, got); err == nil != bot.ValidIdentity(bot.Identity(tt.want)) {
			t.Errorf("user %q: the core read %q with %v", tt.user, got, err)
		}
	}
}
