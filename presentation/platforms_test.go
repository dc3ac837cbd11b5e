package presentation_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"escalation-bot/adapters/discord"
	"escalation-bot/adapters/slack"
	"escalation-bot/bot"
	"escalation-bot/presentation"
	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/fakeslack"

	"github.com/bwmarrin/discordgo"
)

const (
	slackChannel   = "C0ESCALATE"
	discordChannel = "300000000000000001"
)

// TestSameCardOnEveryPlatform posts the same cards through the Slack and the Discord
// messengers to the stand-ins of both platforms, reads back what each shows, and finds every
// part of presentation.Card in it, in order: both platforms show the same words in the same
// order, and each payload is one its platform accepts.
func TestSameCardOnEveryPlatform(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	open := bot.Card{
		ID: "ESC-1001", Title: "2019 Model 3 will not charge", Status: bot.StatusOpen, Owner: "Alice",
		Severity: bot.SeverityHigh, Summary: "The car stopped charging at home and at superchargers.",
		Category: "Battery & charging", CreatedAt: now.Add(-time.Hour), Automatic: true,
		Ask: "A working charge port", KeyFacts: []string{"two service visits", "no loaner car"},
		Fields: []bot.Answer{
			{Key: "vin", Label: "VIN", Value: "5YJ3E1EA2KF317000"},
			{Key: "description", Label: "Description", Value: strings.Repeat("It shows a charging fault and stops. ", 12)},
			{Key: "odometer", Label: "Odometer", Value: "42,000 km"},
		},
		Buttons: bot.CardOf(bot.Case{ID: "ESC-1001", Status: bot.StatusOpen}).Buttons,
	}
	escalated := open
	escalated.Safety, escalated.Escalated, escalated.Reminders, escalated.Due = true, true, 3, now.Add(25*time.Minute)
	resolved := open
	resolved.Status, resolved.ClaimedByName, resolved.ClaimedAt = bot.StatusResolved, "Dana", now.Add(-30*time.Minute)
	resolved.Note, resolved.Buttons = "Replaced the charge port <@U1> @here.", nil
	resolved.Rating, resolved.RatingComment = 4, "Fixed in a day *thanks* <!channel> @everyone \u202egnp.exe"

	for _, card := range []struct {
		name string
		card bot.Card
	}{{"open", open}, {"escalated", escalated}, {"resolved with a rating", resolved}} {
		t.Run(card.name, func(t *testing.T) {
			slackSeq := shownInOrder(t, "Slack", postSlack(t, card.card), card.card)
			discordSeq := shownInOrder(t, "Discord", postDiscord(t, card.card), card.card)
			if strings.Join(slackSeq, "|") != strings.Join(discordSeq, "|") {
				t.Errorf("Slack shows\n  %q\nDiscord shows\n  %q", slackSeq, discordSeq)
			}
		})
	}
}

// shownInOrder finds the parts of the card in what a platform shows, one after the other, and
// returns what it found of each, in order; a part it cannot find fails the test.
func shownInOrder(t *testing.T, platform, shown string, card bot.Card) []string {
	t.Helper()
	shown = plain(shown)
	var seq []string
	at := 0
	for _, p := range presentation.Card(card) {
		needle := plain(needleOf(p))
		i := strings.Index(shown[at:], needle)
		if i < 0 {
			t.Errorf("%s: %s %q not found after %q", platform, p.Kind, needle, shown[max(0, at-80):at])
			continue
		}
		at += i + len(needle)
		seq = append(seq, needle)
	}
	return seq
}

// needleOf is how a part reads on every platform, its moment left out.
func needleOf(p presentation.Part) string {
	switch p.Kind {
	case presentation.KindTitle:
		return p.Label + " · " + p.Text
	case presentation.KindEscalated:
		return p.Label + ": " + p.Text
	case presentation.KindSummary, presentation.KindAutomatic:
		return p.Text
	case presentation.KindRating:
		if p.Quote != "" {
			return p.Label + "\n" + p.Text + "\n" + presentation.Quoted(p.Quote)
		}
	}
	return p.Label + "\n" + p.Text
}

// plain is text without the markup and escapes the platforms add: Slack's entities and bold
// stars, Discord's backslashes and bold, the zero-width spaces that break mentions.
var plain = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "*", "", `\`, "", "\u200b", "").Replace

func postSlack(t *testing.T, card bot.Card) string {
	t.Helper()
	fake := fakeslack.New(t)
	m, err := slack.NewMessenger(slack.Config{BotToken: "xoxb-test", SigningSecret: "secret", APIURL: fake.APIURL()}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.PostCard(t.Context(), slackChannel, card); err != nil {
		t.Fatal(err)
	}
	fake.AssertNoViolations(t)
	msgs := fake.Messages(slackChannel)
	if len(msgs) != 1 {
		t.Fatalf("%d messages on Slack", len(msgs))
	}
	var blocks []struct {
		Type     string
		Text     *struct{ Text string }
		Fields   []struct{ Text string }
		Elements []json.RawMessage
	}
	if err := json.Unmarshal(msgs[0].Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, bl := range blocks {
		if bl.Text != nil {
			fmt.Fprintln(&b, bl.Text.Text)
		}
		for _, f := range bl.Fields {
			fmt.Fprintln(&b, f.Text)
		}
		if bl.Type == "context" {
			for _, raw := range bl.Elements {
				var el struct{ Text string }
				if err := json.Unmarshal(raw, &el); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintln(&b, el.Text)
			}
		}
	}
	return b.String()
}

func postDiscord(t *testing.T, card bot.Card) string {
	t.Helper()
	fake := fakediscord.New(t)
	m, err := discord.NewMessenger(discord.Config{Token: "test-token", APIURL: fake.URL}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.PostCard(t.Context(), discordChannel, card); err != nil {
		t.Fatal(err)
	}
	fake.AssertNoViolations(t)
	raw := fake.Messages(discordChannel)
	if len(raw) != 1 {
		t.Fatalf("%d messages on Discord", len(raw))
	}
	var msg discordgo.Message
	if err := json.Unmarshal(raw[0], &msg); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range msg.Embeds {
		fmt.Fprintln(&b, e.Title)
		fmt.Fprintln(&b, e.Description)
		for _, f := range e.Fields {
			fmt.Fprintln(&b, f.Name+"\n"+f.Value)
		}
		if e.Footer != nil {
			fmt.Fprintln(&b, e.Footer.Text)
		}
	}
	return b.String()
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
