package slack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/cardtest"
	"escalation-bot/xtest/fakeslack"

	slackgo "github.com/slack-go/slack"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a & b", "a &amp; b"},
		{"<!channel>", "&lt;!channel&gt;"},
		{"<@U123|dana>", "&lt;@U123|dana&gt;"},
		{"<https://evil.example|click>", "&lt;https://evil.example|click&gt;"},
		{"&lt; already", "&amp;lt; already"},
	}
	for _, tt := range tests {
		if got := escape(tt.in); got != tt.want {
			t.Errorf("escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := unescape(escape(tt.in)); got != tt.in {
			t.Errorf("unescape(escape(%q)) = %q", tt.in, got)
		}
	}
}

func TestFit(t *testing.T) {
	tests := []struct {
		name  string
		raw   string
		limit int
		want  string
	}{
		{"short", "hello", 10, "hello"},
		{"exact", "hello", 5, "hello"},
		{"cut", "hello world", 8, "hello w…"}, {"cut at space", "hello world", 7, "hello…"},
		{"escaped fits", "a<b", 6, "a&lt;b"},
		{"entity not broken", "ab&cd", 6, "ab…"},
		{"multibyte", "ééééé", 3, "éé…"},
		{"zero", "x", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fit(tt.raw, tt.limit)
			if got != tt.want {
				t.Errorf("fit(%q, %d) = %q, want %q", tt.raw, tt.limit, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.limit {
				t.Errorf("fit(%q, %d) has %d characters", tt.raw, tt.limit, n)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	words := strings.Repeat("lorem ipsum dolor ", 600) // 10,800 characters
	tests := []struct {
		name   string
		raw    string
		limit  int
		pieces int
	}{
		{"empty", "   ", 100, 0},
		{"one piece", "short text", 100, 1},
		{"words", words, 3000, 4},
		{"no spaces", strings.Repeat("x", 7000), 3000, 3},
		{"escapes count", strings.Repeat("<>", 1000), 3000, 3}, // 8,000 once escaped
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := split(tt.raw, tt.limit)
			if len(got) != tt.pieces {
				t.Fatalf("split gave %d pieces, want %d", len(got), tt.pieces)
			}
			var joined strings.Builder
			for i, p := range got {
				if n := utf8.RuneCountInString(p); n > tt.limit {
					t.Errorf("piece %d has %d characters, limit %d", i, n, tt.limit)
				}
				if i > 0 && !strings.HasPrefix(p, "…") {
					t.Errorf("piece %d does not start with the continuation marker", i)
				}
				if i < len(got)-1 && !strings.HasSuffix(p, "…") {
					t.Errorf("piece %d does not end with the continuation marker", i)
				}
				if strings.Contains(strings.TrimSuffix(strings.TrimPrefix(p, "…"), "…"), "&a…") {
					t.Errorf("piece %d breaks an entity", i)
				}
				joined.WriteString(strings.TrimSuffix(strings.TrimPrefix(p, "…"), "…"))
			}
			// Nothing is lost but the whitespace at the cuts.
			strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
			if want := strip(escape(tt.raw)); strip(joined.String()) != want {
				t.Errorf("pieces do not add up to the text")
			}
		})
	}
}

// blocksJSON marshals blocks into generic maps for inspection.
func blocksJSON(t *testing.T, blocks []slackgo.Block) []map[string]any {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// actionIDs lists the action ids of every element of the blocks, in order.
func actionIDs(t *testing.T, blocks []slackgo.Block) []string {
	var ids []string
	for _, b := range blocksJSON(t, blocks) {
		if acc, ok := b["accessory"].(map[string]any); ok {
			ids = append(ids, acc["action_id"].(string))
		}
		if els, ok := b["elements"].([]any); ok && b["type"] == "actions" {
			for _, e := range els {
				ids = append(ids, e.(map[string]any)["action_id"].(string))
			}
		}
	}
	return ids
}

// allText is every text of the blocks, joined.
func allText(t *testing.T, blocks []slackgo.Block) string {
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	return textsOf(raw)
}

func textsOf(raw []byte) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				b.WriteString(s)
				b.WriteString("\n")
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return b.String()
}

func TestRenderReply(t *testing.T) {
	many := make([]conversation.Button, 30)
	for i := range many {
		many[i] = conversation.Button{Label: fmt.Sprintf("Choice %d", i), Action: conversation.ActionChoose, Value: fmt.Sprint(i)}
	}
	review := conversation.Reply{
		Text: "Here is everything you told me.",
		Fields: []conversation.Field{
			{Key: "vin", Label: "VIN", Value: "1HGCM82633A004352"},
			{Key: "description", Label: "Description", Value: strings.Repeat("It will not charge. ", 300)},
		},
		Buttons: []conversation.Button{
			{Label: "Edit VIN", Action: conversation.ActionEdit, Value: "vin"},
			{Label: "Edit Description", Action: conversation.ActionEdit, Value: "description"},
			{Label: "Submit", Action: conversation.ActionSubmit},
			{Label: "Restart", Action: conversation.ActionControl, Value: "restart"},
		},
	}
	tests := []struct {
		name      string
		reply     conversation.Reply
		actionIDs []string
		blocks    int
		contains  []string
	}{
		{
			name:   "text only",
			reply:  conversation.Reply{Text: "Hello <@U1> & welcome"},
			blocks: 1, contains: []string{"Hello &lt;@U1&gt; &amp; welcome"},
		},
		{
			name: "choices",
			reply: conversation.Reply{Text: "Pick one", Buttons: []conversation.Button{
				{Label: "Model 3", Action: conversation.ActionChoose, Value: "model3"},
				{Label: "Model Y", Action: conversation.ActionChoose, Value: "modely"},
				{Label: "Back", Action: conversation.ActionControl, Value: "back"},
			}},
			actionIDs: []string{"owner|choose|0", "owner|choose|1", "owner|control|2"},
			blocks:    2,
		},
		{
			name:      "review card: an edit button beside each field",
			reply:     review,
			actionIDs: []string{"owner|edit|0", "owner|edit|1", "owner|submit|2", "owner|control|3"},
			blocks:    4, contains: []string{"*VIN*\n1HGCM82633A004352", "*Description*\n"},
		},
		{
			name:   "thirty buttons: two actions blocks",
			reply:  conversation.Reply{Text: "Many", Buttons: many},
			blocks: 3,
		},
		{
			name:   "emergency",
			reply:  conversation.Reply{Text: "Pull over safely.", Emergency: true},
			blocks: 1, contains: []string{":rotating_light:", "Pull over safely."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := renderReply(tt.reply)
			if len(m.Blocks) != tt.blocks {
				t.Errorf("%d blocks, want %d: %s", len(m.Blocks), tt.blocks, allText(t, m.Blocks))
			}
			if tt.actionIDs != nil {
				if got := actionIDs(t, m.Blocks); strings.Join(got, ",") != strings.Join(tt.actionIDs, ",") {
					t.Errorf("action ids = %v, want %v", got, tt.actionIDs)
				}
			}
			text := allText(t, m.Blocks)
			for _, c := range tt.contains {
				if !strings.Contains(text, c) {
					t.Errorf("blocks lack %q:\n%s", c, text)
				}
			}
			if m.Text == "" {
				t.Error("no fallback text")
			}
		})
	}
}

func TestRenderCard(t *testing.T) {
	created := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	base := bot.Card{
		ID: "ESC-1001", Title: "Car will not charge", Status: bot.StatusOpen, Owner: "Alice",
		Severity: bot.SeverityHigh, Summary: "The car stopped charging.", Category: "battery",
		CreatedAt: created, Fields: []bot.Answer{{Key: "vin", Label: "VIN", Value: "1HGCM82633A004352"}},
	}
	withStatus := func(s bot.Status, mod func(*bot.Case)) bot.Card {
		c := bot.Case{ID: base.ID, Status: s, OwnerName: base.Owner, Answers: base.Fields, CreatedAt: created,
			Summary: bot.Summary{Title: base.Title, Text: base.Summary, Severity: base.Severity, Category: base.Category}}
		if mod != nil {
			mod(&c)
		}
		return bot.CardOf(c)
	}
	claimed := withStatus(bot.StatusClaimed, func(c *bot.Case) {
		c.ClaimedBy, c.ClaimedByName, c.ClaimedAt = "slack:T1:U1", "Dana", created.Add(time.Hour)
	})
	many := base
	for i := range 200 {
		many.Fields = append(many.Fields, bot.Answer{Key: fmt.Sprint(i), Label: fmt.Sprintf("Q%d", i), Value: strings.Repeat("long answer ", 40)})
	}
	many.Buttons = withStatus(bot.StatusOpen, nil).Buttons
	long := withStatus(bot.StatusOpen, func(c *bot.Case) {
		c.Answers = append(c.Answers, bot.Answer{Key: "description", Label: "Description", Value: strings.Repeat("<!channel> & more words ", 420)})
	})
	tests := []struct {
		name      string
		card      bot.Card
		actionIDs []string
		contains  []string
		lacks     []string
	}{
		{"open", withStatus(bot.StatusOpen, nil), []string{"case|claim"}, []string{"*ESC-1001* · Car will not charge", "*Status*\nopen", "*VIN*\n1HGCM82633A004352"}, []string{"Claimed by"}},
		{"claimed", claimed, []string{"case|reply", "case|resolve", "case|release"}, []string{"*Claimed by*\nDana, 26 Nov 2026 10:00 UTC"}, nil},
		{"resolved", withStatus(bot.StatusResolved, func(c *bot.Case) { c.Note = "Replaced the charger." }), nil, []string{"*Resolution*\nReplaced the charger."}, nil},
		{"closed", withStatus(bot.StatusClosed, func(c *bot.Case) { c.Note = "duplicate" }), nil, []string{"*Closed because*\nduplicate"}, nil},
		{"safety", withStatus(bot.StatusOpen, func(c *bot.Case) { c.Summary.Safety = true }), []string{"case|claim"}, []string{":warning:", "NO: safety-critical"}, nil},
		{"too many blocks", many, []string{"case|claim"}, []string{"… (truncated, see /escalations show ESC-1001)"}, nil},
		{"long answer split", long, []string{"case|claim"}, []string{"*Description*\n&lt;!channel&gt;", "…"}, []string{"<!channel>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := renderCard(tt.card)
			if len(m.Blocks) > maxBlocks {
				t.Errorf("%d blocks", len(m.Blocks))
			}
			if got := actionIDs(t, m.Blocks); strings.Join(got, ",") != strings.Join(tt.actionIDs, ",") {
				t.Errorf("action ids = %v, want %v", got, tt.actionIDs)
			}
			if len(tt.actionIDs) > 0 {
				if last := blocksJSON(t, m.Blocks)[len(m.Blocks)-1]; last["type"] != "actions" {
					t.Errorf("the buttons are not the last block: %v", last["type"])
				}
			}
			text := allText(t, m.Blocks)
			for _, c := range tt.contains {
				if !strings.Contains(text, c) {
					t.Errorf("card lacks %q:\n%s", c, text)
				}
			}
			for _, c := range tt.lacks {
				if strings.Contains(text, c) || strings.Contains(m.Text, c) {
					t.Errorf("card has %q", c)
				}
			}
			if n := utf8.RuneCountInString(m.Text); n == 0 || n > maxFallback {
				t.Errorf("fallback text has %d characters", n)
			}
		})
	}
}

func TestRenderThread(t *testing.T) {
	tests := []struct {
		msg  bot.ThreadMessage
		want string
	}{
		{bot.ThreadMessage{CaseID: "ESC-1", From: "Alice", Role: "owner", Text: "Any news? <@U1>"}, "*Alice* (owner):\nAny news? &lt;@U1&gt;"},
		{bot.ThreadMessage{CaseID: "ESC-1", From: "Dana", Role: "executive", Text: "On it"}, "*Dana* (executive):\nOn it"},
		{bot.ThreadMessage{CaseID: "ESC-1", From: "Dana", Role: "bot", Text: "Dana claimed the case"}, ":information_source: Dana claimed the case"},
	}
	for _, tt := range tests {
		if got := allText(t, renderThread(tt.msg).Blocks); !strings.Contains(got, tt.want) {
			t.Errorf("thread %+v = %q, want %q", tt.msg, got, tt.want)
		}
	}
}

// TestRenderedWithinSlackLimits posts every kind of rendering through the real client to the
// fake Slack, which refuses what the real one would.
func TestRenderedWithinSlackLimits(t *testing.T) {
	fake := fakeslack.New(t)
	client := slackgo.New("xoxb-test", slackgo.OptionAPIURL(fake.APIURL()))
	huge := strings.Repeat("&<> word ", 2000)
	buttons := make([]conversation.Button, 60)
	for i := range buttons {
		buttons[i] = conversation.Button{Label: strings.Repeat("L", 100), Action: conversation.ActionChoose, Value: strings.Repeat("v", 2500)}
	}
	fields := make([]conversation.Field, 70)
	for i := range fields {
		fields[i] = conversation.Field{Key: fmt.Sprint(i), Label: "Field", Value: huge}
		buttons = append(buttons, conversation.Button{Label: "Edit", Action: conversation.ActionEdit, Value: fmt.Sprint(i)})
	}
	card := bot.Card{ID: "ESC-1", Title: huge, Status: bot.StatusOpen, Owner: huge, Summary: huge, Ask: huge,
		KeyFacts: []string{huge, huge}, Note: huge, Category: huge, Buttons: []conversation.Button{{Label: "Claim", Action: bot.ActionClaim, Value: "ESC-1"}}}
	for i := range 30 {
		card.Fields = append(card.Fields, bot.Answer{Key: fmt.Sprint(i), Label: huge, Value: huge})
	}
	messages := map[string]message{
		"reply":  renderReply(conversation.Reply{Text: huge, Buttons: buttons, Fields: fields, Emergency: true}),
		"card":   renderCard(card),
		"thread": renderThread(bot.ThreadMessage{CaseID: "ESC-1", From: huge, Role: "owner", Text: huge}),
		"text":   renderText(huge),
	}
	for name, m := range messages {
		if _, _, err := client.PostMessage("C1", m.options()...); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	view := renderModal(bot.ActionResolve, "ESC-1000000")
	if _, err := client.OpenView("trigger", view); err != nil {
		t.Errorf("modal: %v", err)
	}
	fake.AssertNoViolations(t)
}

// TestCardStates: a card shows its escalation, reminders, next deadline and rating, with the
// owner's comment escaped like all owner text, and stays within Slack's limits however long
// the comment is.
func TestCardStates(t *testing.T) {
	fake := fakeslack.New(t)
	client := slackgo.New("xoxb-test", slackgo.OptionAPIURL(fake.APIURL()))
	due := time.Date(2026, 11, 26, 11, 30, 0, 0, time.UTC)
	card := cardtest.States(due, "Fixed <!channel> @everyone <https://evil.example|here> \u202eexe")
	tests := []struct {
		name           string
		card           bot.Card
		want, unwanted []string
	}{
		{"every state", card, []string{
			":arrow_double_up: *Escalated*: not claimed in time, sent to the next tier",
			"*Reminders*\n3",
			fmt.Sprintf("*Next deadline*\n<!date^%d^{date_short_pretty} {time}|26 Nov 2026 11:30 UTC>", due.Unix()),
			"*Rating*\n★★★★☆ (4/5)\n“Fixed &lt;\u200b!channel&gt; @\u200beveryone &lt;\u200bhttps://evil.example|here&gt; exe”",
		}, []string{"<!channel>", "<https:", "\u202e"}},
		{"none of them", bot.Card{ID: "ESC-1", Status: bot.StatusOpen}, nil, []string{"Escalated", "Reminders", "Next deadline", "Rating"}},
		{"a long comment within limits", cardtest.Long(card, "<!here> & a long comment "), []string{"*Rating*\n★★★★☆ (4/5)\n“&lt;\u200b!here&gt;"}, []string{"<!here>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := client.PostMessage("C1", renderCard(tt.card).options()...); err != nil {
				t.Fatal(err)
			}
			fake.AssertNoViolations(t)
			msgs := fake.Messages("C1")
			cardtest.Shows(t, textsOf(msgs[len(msgs)-1].Blocks), tt.want, tt.unwanted)
		})
	}
}
