package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// renamedAnswers answers the steps of conversation/testdata/renamed.yaml, which is the default
// flow with every step renamed.
func renamedAnswers(safe string) map[string]string {
	a := map[string]string{}
	for id, v := range answers {
		a[id] = v
	}
	for from, to := range map[string]string{
		"ticket": "prior_case", "model": "vehicle", "year": "built", "vin": "chassis_number",
		"odometer": "mileage", "location": "whereabouts", "category": "topic", "safe": "drivable",
		"description": "problem", "started": "since_when", "outcome": "wish",
	} {
		a[to] = a[from]
	}
	a["drivable"] = safe
	return a
}

// A flow file that names its steps freely keeps what the core reads by role: VIN dedupe, the
// summary's facts and the safety triage.
func TestRenamedFlowKeepsWhatTheCoreNeeds(t *testing.T) {
	flow, err := conversation.LoadFlow("../conversation/testdata/renamed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if flow.StepFor(conversation.RoleVIN).ID != "chassis_number" {
		t.Fatal("renamed.yaml does not rename the VIN step")
	}
	h := newHarness(t, redistest.New(t))
	h.engine = conversation.NewEngine(flow)
	h.rebuild(t, func(p *bot.Params) {
		p.Engine = h.engine
		p.Extractor = conversation.NewRuleExtractor(flow)
	})
	ctx := context.Background()

	id := h.intake(t, "web:rosa", true, renamedAnswers("not_sure"))
	c, err := h.cases.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.VIN != validVIN {
		t.Fatalf("case VIN %q, want %s", c.VIN, validVIN)
	}
	for role, want := range map[string]string{
		conversation.RoleVIN: validVIN, conversation.RoleModel: "Model 3", conversation.RoleYear: "2019",
		conversation.RoleSafe: "Not sure", conversation.RoleOutcome: answers["outcome"],
	} {
		if got := c.Answer(role); got != want {
			t.Errorf("answer %s = %q, want %q", role, got, want)
		}
	}
	sum := c.Summary
	if !strings.HasPrefix(sum.Title, "2019 Model 3: ") || !strings.Contains(strings.Join(sum.KeyFacts, "|"), "VIN: "+validVIN) {
		t.Errorf("summary lost the vehicle: title %q, facts %q", sum.Title, sum.KeyFacts)
	}
	// "Not sure" raises the severity to high (a "no" would make it critical) and is quoted as given.
	if !sum.Safety || sum.Severity != bot.SeverityHigh || !strings.Contains(sum.Text, "The owner answered: Not sure.") {
		t.Errorf("safety triage lost: %+v", sum)
	}
	if sum.Ask != answers["outcome"] {
		t.Errorf("ask %q", sum.Ask)
	}

	// A second owner reporting the same vehicle joins the open case: dedupe found the VIN.
	h.intake(t, "web:sven", true, renamedAnswers("yes"))
	if s := h.session(t, "web:sven"); s.CaseID != id {
		t.Fatalf("second report of %s went to %q, want %s", validVIN, s.CaseID, id)
	}
}

// A flow that lacks a field the core needs is refused before the service starts.
func TestFlowWithoutVINIsRefused(t *testing.T) {
	f := conversation.DefaultFlow()
	f.Steps = append(f.Steps[:4], f.Steps[5:]...) // the VIN step
	var fe *conversation.FlowError
	if err := f.Validate(); !errors.As(err, &fe) || !strings.Contains(err.Error(), "no step for the VIN") {
		t.Fatalf("Validate = %v", err)
	}
}
