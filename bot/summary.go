package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"escalation-bot/conversation"
)

// Limits of a summary, the same for every summarizer.
const (
	MaxTitle   = 80
	MaxSummary = 600
	// MaxTranslation is the longest translation of the owner's words a case keeps, in runes.
	MaxTranslation = 2000
)

// safetyWords mark a case as safety-critical wherever the owner wrote them.
var safetyWords = regexp.MustCompile(`(?i)\b(brakes?|braking|steering|airbags?|fire|smoke|smoking|burning|flames?|crash(ed)?|collision|injur(y|ed|ies)|unintended acceleration|lost power on the highway)\b`)

// TemplateSummarizer writes a summary from the answers alone, deterministically. It is the
// default and the fallback when a model fails.
type TemplateSummarizer struct{}

// NewTemplateSummarizer returns the template summarizer.
func NewTemplateSummarizer() *TemplateSummarizer { return &TemplateSummarizer{} }

// Summarize never fails.
func (TemplateSummarizer) Summarize(_ context.Context, in SummaryInput) (Summary, error) {
	return TemplateSummary(in), nil
}

// TemplateSummary is the deterministic summary of a case's answers.
func TemplateSummary(in SummaryInput) Summary {
	// Answers are keyed by role (conversation.Role*), whatever the flow calls its steps.
	find := func(key string) (Answer, bool) {
		for _, a := range in.Answers {
			if a.Key == key {
				return a, true
			}
		}
		return Answer{}, false
	}
	get := func(key string) string {
		a, _ := find(key)
		return a.Value
	}
	vehicle := strings.TrimSpace(strings.Join(nonEmpty(get(conversation.RoleYear), get(conversation.RoleModel)), " "))
	category, _ := find(conversation.RoleCategory)
	description := get(conversation.RoleDescription)
	lang := in.Language

	// Triage reads the category's choice value, and its label for a flow whose values say
	// little, so it does not depend on the language the labels are in.
	kind := strings.ToLower(category.Choice + " " + category.Value)
	concern := in.SafetyConcern()
	safety := concern || SafetyMentioned(description) || strings.HasPrefix(kind, "safety")
	severity := SeverityMedium
	switch {
	case in.Safe == conversation.SafeNo:
		severity = SeverityCritical
	case safety:
		// "Not sure" is a concern the owner cannot rule out, not a car that cannot be driven.
		severity = SeverityHigh
	case strings.Contains(kind, "billing"), strings.Contains(kind, "paperwork"), category.Choice == "delivery":
		severity = SeverityLow
	}

	title := firstSentence(description)
	if vehicle != "" {
		title = vehicle + ": " + title
	}
	if title == "" {
		title = core.SumTitle.In(lang)
	}

	var body strings.Builder
	if vehicle != "" {
		fmt.Fprintf(&body, "%s. ", vehicle)
	}
	if category.Value != "" {
		body.WriteString(core.SumCategory.F(lang, category.Value))
	}
	if concern {
		// The owner's own answer, as given: "not sure" is not "no", though both raise the severity.
		if a, ok := find(conversation.RoleSafe); ok && a.Value != "" {
			body.WriteString(core.SumSafeAnswer.F(lang, a.Label, a.Value))
		} else {
			body.WriteString(core.SumSafeConcern.In(lang))
		}
	}
	body.WriteString(description)

	var facts []string
	for _, k := range []struct {
		key  string
		fact text
	}{
		{conversation.RoleVIN, core.FactVIN}, {conversation.RoleOdometer, core.FactOdometer}, {conversation.RoleLocation, core.FactLocation},
		{conversation.RoleTicket, core.FactTicket}, {conversation.RoleStarted, core.FactSince},
	} {
		if v := get(k.key); v != "" {
			facts = append(facts, k.fact.F(lang, v))
		}
	}
	if in.OwnerLanguage != "" && in.OwnerLanguage != lang && !(lang == "" && in.OwnerLanguage == conversation.LangEnglish) {
		// Executives answer the owner in words the owner reads.
		facts = append(facts, core.SumOwnerLanguage.F(lang, conversation.LanguageName(in.OwnerLanguage)))
	}
	return Summary{
		Title:     Truncate(title, MaxTitle),
		Text:      Truncate(strings.TrimSpace(body.String()), MaxSummary),
		Category:  category.Value,
		Severity:  severity,
		Safety:    safety,
		KeyFacts:  facts,
		Ask:       get(conversation.RoleOutcome),
		Automatic: true,
	}
}

// SafetyMentioned reports whether text names a safety-critical system or symptom.
func SafetyMentioned(text string) bool { return safetyWords.MatchString(text) }

// Truncate shortens s to at most max runes, ending with an ellipsis when it cut: what the
// core keeps and shows of a text of unbounded length.
func Truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	head, _ := conversation.CutRunes(s, max-1)
	return strings.TrimSpace(head) + "…"
}

func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".!?\n"); i > 0 {
		s = s[:i]
	}
	return s
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
