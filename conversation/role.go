package conversation

import (
	"fmt"
	"slices"
	"strings"
)

// Roles say what the core reads an answer as. The core finds a field by its role, never by the
// step's id, so a flow file may name its steps freely. A step's role is its role key, or the
// one its kind implies (a vin step is the VIN).
const (
	RoleModel       = "model"
	RoleYear        = "year"
	RoleVIN         = "vin"
	RoleOdometer    = "odometer"
	RoleLocation    = "location"
	RoleCategory    = "category"
	RoleSafe        = "safe"
	RoleDescription = "description"
	RoleOutcome     = "outcome"
	RoleTicket      = "ticket"
	RoleStarted     = "started"
)

// roleSpec is what a role asks of its step.
type roleSpec struct {
	role     string
	what     string   // for the operator, in an error
	kinds    []string // the kinds that can carry it
	required bool     // the core cannot do without it: dedupe, triage, summary, routing
}

func roleSpecs() []roleSpec {
	return []roleSpec{
		{RoleModel, "the vehicle model", []string{KindChoice, KindText}, true},
		{RoleYear, "the model year", []string{KindYear}, true},
		{RoleVIN, "the VIN", []string{KindVIN}, true},
		{RoleOdometer, "the odometer reading", []string{KindOdometer}, true},
		{RoleLocation, "the owner's location", []string{KindText}, true},
		{RoleCategory, "the issue category", []string{KindChoice}, true},
		{RoleSafe, "whether the vehicle is safe to drive", []string{KindSafe}, true},
		{RoleDescription, "the description of the problem", []string{KindText}, true},
		{RoleOutcome, "the outcome the owner wants", []string{KindText, KindChoice}, true},
		{RoleTicket, "the earlier service ticket", []string{KindTicket}, false},
		{RoleStarted, "when the problem started", []string{KindText}, false},
	}
}

func roleSpecOf(role string) (roleSpec, bool) {
	for _, r := range roleSpecs() {
		if r.role == role {
			return r, true
		}
	}
	return roleSpec{}, false
}

// kindRole is the role a kind implies when the step sets none.
func kindRole(kind string) string {
	switch kind {
	case KindVIN:
		return RoleVIN
	case KindYear:
		return RoleYear
	case KindOdometer:
		return RoleOdometer
	case KindSafe:
		return RoleSafe
	case KindTicket:
		return RoleTicket
	}
	return ""
}

// FieldRole is the role of st: its role key, else the one its kind implies, else "".
func (st *Step) FieldRole() string {
	if st.Role != "" {
		return st.Role
	}
	return kindRole(st.Kind)
}

// StepFor returns the step that plays role, or nil. A valid flow has at most one.
func (f *Flow) StepFor(role string) *Step {
	for i := range f.Steps {
		if f.Steps[i].FieldRole() == role {
			return &f.Steps[i]
		}
	}
	return nil
}

// AnswerKey is how the core names st's answer on a case: its role, or its id when it has none.
func (st *Step) AnswerKey() string {
	if r := st.FieldRole(); r != "" {
		return r
	}
	return st.ID
}

// Answer returns the stored answer of the step playing role in s, or "".
func (e *Engine) Answer(s Session, role string) string {
	if st := e.flow.StepFor(role); st != nil && e.flow.applies(st, s.Answers) {
		return s.Answers[st.ID]
	}
	return ""
}

// validateRoles checks that every role the core needs is played by exactly one step of a kind
// that can carry it, and that no step is named after a role another step plays, since a
// case's answers are keyed by role.
func (f *Flow) validateRoles() error {
	players := map[string]int{}
	for i := range f.Steps {
		st := &f.Steps[i]
		role := st.FieldRole()
		if role == "" {
			continue
		}
		field := "role"
		if st.Role == "" {
			field = "kind"
		}
		path := fmt.Sprintf("steps[%d].%s", i, field)
		spec, ok := roleSpecOf(role)
		if !ok {
			return &FlowError{Path: path, Reason: fmt.Sprintf("step %q has unknown role %q; use one of %s", st.ID, role, strings.Join(roleNames(), ", "))}
		}
		if !slices.Contains(spec.kinds, st.Kind) {
			return &FlowError{Path: path, Reason: fmt.Sprintf("step %q has role %s, which needs kind %s; it is %s", st.ID, role, strings.Join(spec.kinds, " or "), st.Kind)}
		}
		if j, dup := players[role]; dup {
			return &FlowError{Path: path, Reason: fmt.Sprintf("step %q and step %q (step %d) both are %s (role %s); give one of them another role or kind", st.ID, f.Steps[j].ID, j+1, spec.what, role)}
		}
		players[role] = i
	}
	for i := range f.Steps {
		st := &f.Steps[i]
		if j, ok := players[st.ID]; ok && j != i {
			return &FlowError{Path: fmt.Sprintf("steps[%d].id", i), Reason: fmt.Sprintf("step id %q is the name of a role that step %q plays; rename the step", st.ID, f.Steps[j].ID)}
		}
	}
	for _, spec := range roleSpecs() {
		if _, ok := players[spec.role]; spec.required && !ok {
			return &FlowError{Path: "steps", Reason: fmt.Sprintf("the flow has no step for %s: add one with role: %s (kind %s)", spec.what, spec.role, strings.Join(spec.kinds, " or "))}
		}
	}
	return nil
}

func roleNames() []string {
	var names []string
	for _, r := range roleSpecs() {
		names = append(names, r.role)
	}
	return names
}

// ExtractRoles are the roles a later answer may carry in passing (the category only to the
// category question itself); while one of them is open, an owner's messages are worth reading.
// The opening message is read for every role.
func ExtractRoles() []string {
	return []string{RoleModel, RoleYear, RoleVIN, RoleOdometer, RoleCategory}
}
