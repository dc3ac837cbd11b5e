package conversation

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// BaseLanguage is the language of the flow's own texts: Language, or English.
func (f *Flow) BaseLanguage() string {
	if f.Language == "" {
		return LangEnglish
	}
	return f.Language
}

// Offers lists the languages the flow can be asked in: its own first, then its translations'.
func (f *Flow) Offers() []string {
	langs := []string{f.BaseLanguage()}
	for _, l := range Languages() {
		if _, ok := f.Translations[l]; ok && l != f.BaseLanguage() {
			langs = append(langs, l)
		}
	}
	return langs
}

// Speaks reports whether the flow can be asked in lang.
func (f *Flow) Speaks(lang string) bool { return slices.Contains(f.Offers(), lang) }

// localized is a copy of f with its texts in lang, which must be one f offers. Everything but
// the texts is shared with f: a localized flow is read, never changed.
func (f *Flow) localized(lang string) *Flow {
	g := *f
	g.Language = lang
	g.Steps = make([]Step, len(f.Steps))
	tr, translated := f.Translations[lang]
	if translated && lang != f.BaseLanguage() {
		g.Greeting = tr.Greeting
		if tr.EmergencyAdvice != "" {
			g.EmergencyAdvice = tr.EmergencyAdvice
		}
	}
	for i, st := range f.Steps {
		st.lang = lang
		if text, ok := tr.Steps[st.ID]; ok && translated && lang != f.BaseLanguage() {
			st.Label, st.Prompt = text.Label, text.Prompt
			if text.Help != "" {
				st.Help = text.Help
			}
			st.Choices = slices.Clone(st.Choices)
			for j := range st.Choices {
				if label, ok := text.Choices[st.Choices[j].Value]; ok {
					st.Choices[j].Label = label
				}
			}
		}
		g.Steps[i] = st
	}
	return &g
}

// validateTranslations refuses a flow whose translations miss a text, carry one for something
// the flow does not have, or are into a language the engine does not speak: an owner who
// chose German must not meet an English question halfway through.
func (f *Flow) validateTranslations() error {
	supported := strings.Join(Languages(), ", ")
	if f.Language != "" && !slices.Contains(Languages(), f.Language) {
		return &FlowError{Path: "language", Reason: fmt.Sprintf("language %q is not one the bot speaks; use one of %s", f.Language, supported)}
	}
	for _, lang := range slices.Sorted(maps.Keys(f.Translations)) {
		tr := f.Translations[lang]
		p := "translations." + lang
		missing := func(path, what string) error {
			return &FlowError{Path: path, Reason: fmt.Sprintf("the %s translation has no %s; every text of the flow needs one in each language", lang, what)}
		}
		switch {
		case !slices.Contains(Languages(), lang):
			return &FlowError{Path: p, Reason: fmt.Sprintf("translation %q is into a language the bot does not speak; use one of %s", lang, supported)}
		case lang == f.BaseLanguage():
			return &FlowError{Path: p, Reason: fmt.Sprintf("translation %q is into the flow's own language; the flow's texts are already in it", lang)}
		case strings.TrimSpace(tr.Greeting) == "":
			return missing(p+".greeting", "greeting")
		case strings.TrimSpace(f.EmergencyAdvice) != "" && strings.TrimSpace(tr.EmergencyAdvice) == "":
			return missing(p+".emergency_advice", "emergency_advice")
		}
		for i := range f.Steps {
			if err := f.validateStepText(lang, i); err != nil {
				return err
			}
		}
		for _, id := range slices.Sorted(maps.Keys(tr.Steps)) {
			if f.step(id) == nil {
				return &FlowError{Path: p + ".steps." + id, Reason: fmt.Sprintf("the %s translation has step %q, which the flow does not have", lang, id)}
			}
		}
	}
	return nil
}

func (f *Flow) validateStepText(lang string, i int) error {
	st := &f.Steps[i]
	p := fmt.Sprintf("translations.%s.steps", lang)
	text, ok := f.Translations[lang].Steps[st.ID]
	if !ok {
		return &FlowError{Path: p, Reason: fmt.Sprintf("the %s translation has no step %q; every text of the flow needs one in each language", lang, st.ID)}
	}
	p += "." + st.ID
	missing := func(field, what string) error {
		return &FlowError{Path: p + field, Reason: fmt.Sprintf("the %s translation of step %q has no %s", lang, st.ID, what)}
	}
	switch {
	case strings.TrimSpace(text.Label) == "":
		return missing(".label", "label")
	case strings.TrimSpace(text.Prompt) == "":
		return missing(".prompt", "prompt")
	case strings.TrimSpace(st.Help) != "" && strings.TrimSpace(text.Help) == "":
		return missing(".help", "help")
	}
	for _, c := range st.Choices {
		if strings.TrimSpace(text.Choices[c.Value]) == "" {
			return missing(".choices", fmt.Sprintf("label for choice %q", c.Value))
		}
	}
	for _, v := range slices.Sorted(maps.Keys(text.Choices)) {
		if st.choice(v) == nil {
			return &FlowError{Path: p + ".choices." + v, Reason: fmt.Sprintf("the %s translation of step %q names choice %q, which the step does not have", lang, st.ID, v)}
		}
	}
	return nil
}
