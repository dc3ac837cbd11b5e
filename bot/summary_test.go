package bot_test

import (
	"strings"
	"testing"

	"escalation-bot/bot"
)

// The template says what the owner answered about safety, in their words: "Not sure" is not
// "No", though both make the case safety-critical.
func TestTemplateSummaryQuotesTheSafetyAnswer(t *testing.T) {
	base := []bot.Answer{
		{Key: "model", Label: "Model", Value: "Model Y"},
		{Key: "year", Label: "Model year", Value: "2022"},
		{Key: "category", Label: "Issue category", Value: "Software"},
		{Key: "description", Label: "Description", Value: "The screen goes dark while driving at night."},
	}
	tests := []struct {
		name     string
		choice   string
		safe     string
		flag     bool
		want     string
		severity bot.Severity
	}{
		// Not sure raises the severity and marks the case, but below a car that cannot be driven.
		{"not sure", "not_sure", "Not sure", true, "Safe to drive? The owner answered: Not sure.", bot.SeverityHigh},
		{"no", "no", "No", true, "Safe to drive? The owner answered: No.", bot.SeverityCritical},
		{"yes", "yes", "Yes", false, "", bot.SeverityMedium},
		{"not asked", "", "", false, "", bot.SeverityMedium},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := bot.SummaryInput{Answers: append(base[:len(base):len(base)], bot.Answer{Key: "safe", Label: "Safe to drive", Value: tt.safe, Choice: tt.choice}), Safe: tt.choice}
			sum := bot.TemplateSummary(in)
			if strings.Contains(strings.ToLower(sum.Text), "not safe") {
				t.Errorf("summary %q says what the owner did not", sum.Text)
			}
			if tt.want != "" && !strings.Contains(sum.Text, tt.want) {
				t.Errorf("summary %q, want it to contain %q", sum.Text, tt.want)
			}
			if sum.Severity != tt.severity || sum.Safety != tt.flag {
				t.Errorf("severity %s safety %v, want %s %v", sum.Severity, sum.Safety, tt.severity, tt.flag)
			}
		})
	}
}

// The template is written in the operator's language around the owner's words, which stay as
// written, and names the owner's language when it differs.
func TestTemplateSummaryInOperatorLanguage(t *testing.T) {
	in := bot.SummaryInput{
		Answers: []bot.Answer{
			{Key: "model", Label: "Modell", Value: "Model Y", Choice: "model_y"},
			{Key: "category", Label: "Art des Problems", Value: "Rechnung", Choice: "billing"},
			{Key: "safe", Label: "Fahrbereit", Value: "Nicht sicher", Choice: "not_sure"},
			{Key: "location", Label: "Standort", Value: "Sevilla"},
			{Key: "description", Label: "Beschreibung", Value: "Me cobraron dos veces la factura del servicio."},
		},
		Safe: "not_sure", Language: "de", OwnerLanguage: "es",
	}
	sum := bot.TemplateSummary(in)
	for _, want := range []string{"Kategorie: Rechnung.", "Fahrbereit? Antwort des Halters: Nicht sicher.", "Me cobraron dos veces la factura del servicio."} {
		if !strings.Contains(sum.Text, want) {
			t.Errorf("summary %q lacks %q", sum.Text, want)
		}
	}
	if got := strings.Join(sum.KeyFacts, "|"); got != "Standort: Sevilla|Sprache des Halters: Español" {
		t.Errorf("key facts %q", got)
	}
	// Billing is low, but a safety concern the owner could not rule out wins.
	if sum.Severity != bot.SeverityHigh || !sum.Safety {
		t.Errorf("severity %s safety %v", sum.Severity, sum.Safety)
	}
	in.Safe, in.Answers[2] = "yes", bot.Answer{Key: "safe", Label: "Fahrbereit", Value: "Ja", Choice: "yes"}
	if sum := bot.TemplateSummary(in); sum.Severity != bot.SeverityLow {
		t.Errorf("a billing case read in German: severity %s, want low", sum.Severity)
	}
}
