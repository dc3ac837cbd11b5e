package conversation

import (
	"fmt"
	"slices"
	"strings"
)

// kinds lists every step kind, for validation and its message.
func kinds() []string {
	return []string{KindConsent, KindText, KindChoice, KindVIN, KindYear, KindOdometer, KindTicket, KindSafe}
}

// hasChoices reports the kinds answered by pressing one of Choices.
func hasChoices(kind string) bool {
	return kind == KindChoice || kind == KindSafe || kind == KindConsent
}

// Validate reports the first problem in f as a *FlowError whose Path names the offending value,
// so that a flow file can be fixed before the service starts rather than in front of an owner.
func (f *Flow) Validate() error {
	switch {
	case strings.TrimSpace(f.Name) == "":
		return &FlowError{Path: "name", Reason: "the flow has no name"}
	case strings.TrimSpace(f.Greeting) == "":
		return &FlowError{Path: "greeting", Reason: "the flow has no greeting"}
	case len(f.Steps) == 0:
		return &FlowError{Path: "steps", Reason: "the flow has no steps"}
	}
	seen := map[string]int{}
	for i := range f.Steps {
		if err := f.validateStep(i, seen); err != nil {
			return err
		}
		seen[f.Steps[i].ID] = i
	}
	if err := f.validateRoles(); err != nil {
		return err
	}
	return f.validateTranslations()
}

func (f *Flow) validateStep(i int, seen map[string]int) error {
	st := &f.Steps[i]
	p := fmt.Sprintf("steps[%d]", i)
	bad := func(field, format string, args ...any) error {
		path := p
		if field != "" {
			path += "." + field
		}
		return &FlowError{Path: path, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case st.ID == "":
		return bad("", "step %d has no id", i+1)
	case !validID(st.ID):
		return bad("id", "step id %q must be lower case letters, digits and underscores, starting with a letter", st.ID)
	case strings.TrimSpace(st.Label) == "":
		return bad("", "step %q has no label", st.ID)
	case strings.TrimSpace(st.Prompt) == "":
		return bad("", "step %q has no prompt", st.ID)
	case !slices.Contains(kinds(), st.Kind):
		return bad("kind", "step %q has unknown kind %q; use one of %s", st.ID, st.Kind, strings.Join(kinds(), ", "))
	case st.Kind == KindConsent && i != 0:
		return bad("kind", "the consent step %q must be the first step", st.ID)
	case st.Kind == KindConsent && (st.Optional || st.When != nil):
		return bad("kind", "the consent step %q cannot be optional or conditional", st.ID)
	case hasChoices(st.Kind) && len(st.Choices) == 0:
		return bad("kind", "step %q of kind %s needs choices", st.ID, st.Kind)
	case !hasChoices(st.Kind) && len(st.Choices) > 0:
		return bad("choices", "step %q of kind %s cannot have choices", st.ID, st.Kind)
	case st.Other && st.Kind != KindChoice:
		return bad("other", "only a choice step can take Other; step %q is %s", st.ID, st.Kind)
	case st.Group != "" && st.Kind != KindText && st.Kind != KindTicket && st.Kind != KindOdometer:
		return bad("group", "only text, ticket and odometer steps can be asked together; step %q is %s", st.ID, st.Kind)
	case st.Group != "" && !validID(st.Group):
		return bad("group", "group %q of step %q must be lower case letters, digits and underscores, starting with a letter", st.Group, st.ID)
	case st.RequireTicket && st.Kind != KindTicket:
		return bad("require_ticket", "only a ticket step can require a ticket; step %q is %s", st.ID, st.Kind)
	case st.MinLength < 0:
		return bad("min_length", "step %q has a negative min_length", st.ID)
	case st.MaxLength < 0 || (st.MaxLength > 0 && st.MaxLength < st.MinLength):
		return bad("max_length", "step %q has max_length %d, below its min_length %d", st.ID, st.MaxLength, st.MinLength)
	case st.Kind == KindYear && st.Min <= 0:
		return bad("min", "year step %q needs min, the earliest model year", st.ID)
	case st.Kind == KindYear && st.Max != 0 && st.Max < st.Min:
		return bad("max", "year step %q has max %d below min %d", st.ID, st.Max, st.Min)
	case st.Kind == KindSafe && st.choice(SafeNo) == nil:
		return bad("choices", "safe step %q needs a choice with value %q, which shows the emergency advice", st.ID, SafeNo)
	case st.Kind == KindSafe && strings.TrimSpace(f.EmergencyAdvice) == "":
		return &FlowError{Path: "emergency_advice", Reason: fmt.Sprintf("safe step %q needs the flow's emergency_advice", st.ID)}
	}
	if j, dup := seen[st.ID]; dup {
		return bad("id", "duplicate step id %q (also step %d)", st.ID, j+1)
	}
	if err := validateChoices(st, p); err != nil {
		return err
	}
	return f.validateCondition(st, p, seen)
}

func validateChoices(st *Step, p string) error {
	values := map[string]bool{}
	for j, c := range st.Choices {
		cp := fmt.Sprintf("%s.choices[%d]", p, j)
		switch {
		case c.Value == "":
			return &FlowError{Path: cp, Reason: fmt.Sprintf("choice %d of step %q has no value", j+1, st.ID)}
		case strings.TrimSpace(c.Label) == "":
			return &FlowError{Path: cp, Reason: fmt.Sprintf("choice %q of step %q has no label", c.Value, st.ID)}
		case values[c.Value]:
			return &FlowError{Path: cp + ".value", Reason: fmt.Sprintf("duplicate choice value %q in step %q", c.Value, st.ID)}
		case st.Other && c.Value == OtherValue:
			return &FlowError{Path: cp + ".value", Reason: fmt.Sprintf("step %q sets other, which adds the %q choice itself", st.ID, OtherValue)}
		case len(c.VIN) > 0 && st.FieldRole() != RoleModel:
			return &FlowError{Path: cp + ".vin", Reason: fmt.Sprintf("choice %q of step %q lists VIN starts, which only the model step can use", c.Value, st.ID)}
		}
		for k, w := range c.Words {
			if strings.TrimSpace(strings.TrimSuffix(w, "*")) == "" {
				return &FlowError{Path: fmt.Sprintf("%s.words[%d]", cp, k), Reason: fmt.Sprintf("choice %q of step %q has an empty word", c.Value, st.ID)}
			}
		}
		for k, v := range c.VIN {
			if !validVINPrefix(v) {
				return &FlowError{Path: fmt.Sprintf("%s.vin[%d]", cp, k), Reason: fmt.Sprintf("VIN start %q of choice %q must be 3 to 17 capital letters (not I, O, Q), digits or ?", v, c.Value)}
			}
		}
		values[c.Value] = true
	}
	return nil
}

// validateCondition allows only conditions on earlier choice steps, so a step never waits for
// an answer that comes after it.
func (f *Flow) validateCondition(st *Step, p string, seen map[string]int) error {
	if st.When == nil {
		return nil
	}
	w := st.When
	if w.Step == "" {
		return &FlowError{Path: p + ".when", Reason: fmt.Sprintf("the condition of step %q names no step", st.ID)}
	}
	j, earlier := seen[w.Step]
	switch {
	case !earlier && f.step(w.Step) == nil:
		return &FlowError{Path: p + ".when.step", Reason: fmt.Sprintf("step %q has a condition on unknown step %q", st.ID, w.Step)}
	case !earlier:
		return &FlowError{Path: p + ".when.step", Reason: fmt.Sprintf("step %q has a condition on step %q, which comes later; a condition must refer to an earlier step", st.ID, w.Step)}
	case len(f.Steps[j].Choices) == 0:
		return &FlowError{Path: p + ".when.step", Reason: fmt.Sprintf("step %q has a condition on step %q, which has no choices to match", st.ID, w.Step)}
	case len(w.In) == 0:
		return &FlowError{Path: p + ".when", Reason: fmt.Sprintf("the condition of step %q lists no values in \"in\"", st.ID)}
	}
	for k, v := range w.In {
		if f.Steps[j].choice(v) == nil {
			return &FlowError{Path: fmt.Sprintf("%s.when.in[%d]", p, k), Reason: fmt.Sprintf("%q is not a choice value of step %q", v, w.Step)}
		}
	}
	return nil
}

func validID(id string) bool {
	for i, r := range id {
		switch {
		case 'a' <= r && r <= 'z':
		case i > 0 && ('0' <= r && r <= '9' || r == '_'):
		default:
			return false
		}
	}
	return id != ""
}

func validVINPrefix(p string) bool {
	if len(p) < 3 || len(p) > vinLength {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || c == '?') || c == 'I' || c == 'O' || c == 'Q' {
			return false
		}
	}
	return true
}
