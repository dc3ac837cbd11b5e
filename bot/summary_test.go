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
		safe     string
		flag     bool
		want     string
		severity bot.Severity
	}{
		{"not sure", "Not sure", true, "Safe to drive? The owner answered: Not sure.", bot.SeverityCritical},
		{"no", "No", true, "Safe to drive? The owner answered: No.", bot.SeverityCritical},
		{"yes", "Yes", false, "", bot.SeverityMedium},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := bot.SummaryInput{Answers: append(base[:len(base):len(base)], bot.Answer{Key: "safe", Label: "Safe to drive", Value: tt.safe}), Safety: tt.flag}
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
