package conversation

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestLoadFlowMatchesDefault(t *testing.T) {
	f, err := LoadFlow("testdata/flow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultFlow(); !reflect.DeepEqual(f, want) {
		for i := range max(len(f.Steps), len(want.Steps)) {
			if i >= len(f.Steps) || i >= len(want.Steps) || !reflect.DeepEqual(f.Steps[i], want.Steps[i]) {
				t.Fatalf("step %d differs", i)
			}
		}
		t.Fatalf("flow differs:\n%+v\nwant\n%+v", *f, *want)
	}
}

func TestLoadFlowRefusesMalformedFiles(t *testing.T) {
	tests := []struct {
		file string
		want string // "file:line:" and part of the reason
		why  string
	}{
		{"bad_syntax.yaml", "bad_syntax.yaml:2:", ""},
		{"bad_unknown_field.yaml", "bad_unknown_field.yaml:5:5:", "unknown field \"lable\""},
		{"bad_kind.yaml", "bad_kind.yaml:11:11:", "unknown kind \"distance\""},
		{"bad_duplicate.yaml", "bad_duplicate.yaml:12:9:", "duplicate step id \"vin\""},
		{"bad_condition.yaml", "bad_condition.yaml:9:13:", "which comes later"},
		{"bad_no_choices.yaml", "bad_no_choices.yaml:7:11:", "needs choices"},
		{"bad_no_steps.yaml", "bad_no_steps.yaml:3:", "no steps"},
		{"bad_type.yaml", "bad_type.yaml:8:", "int"},
		{"bad_role_missing.yaml", "bad_role_missing.yaml:11:3:", "no step for the outcome the owner wants"},
		{"bad_role_twice.yaml", "bad_role_twice.yaml:118:11:", "both are the description of the problem"},
		{"bad_role_kind.yaml", "bad_role_kind.yaml:65:11:", "role vin, which needs kind vin"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := "testdata/" + tt.file
			f, err := LoadFlow(path)
			if err == nil {
				t.Fatalf("LoadFlow(%s) = %+v, want an error", path, f)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "testdata/"+tt.want) || !strings.Contains(msg, tt.why) {
				t.Fatalf("error %q, want prefix %q and %q", msg, "testdata/"+tt.want, tt.why)
			}
			if strings.Count(msg, "\n") > 0 {
				t.Fatalf("error %q spans lines; want one line", msg)
			}
			var fe *FlowError
			if !errors.As(err, &fe) || fe.Line == 0 {
				t.Fatalf("error %T %v is not a placed *FlowError", err, err)
			}
		})
	}
}

func TestLoadFlowMissingFile(t *testing.T) {
	_, err := LoadFlow("testdata/missing.yaml")
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "load flow") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseFlowSemanticErrors(t *testing.T) {
	head := "name: x\ngreeting: Hi.\n"
	tests := []struct{ name, yaml, want string }{
		{"empty file", "", "f.yaml:1:1: the flow has no name"},
		{"no greeting", "name: x\nsteps: []\n", "f.yaml:1:1: the flow has no greeting"},
		{"choice on text", head + "steps:\n  - {id: a, label: A, prompt: P, kind: text, choices: [{value: v, label: V}]}\n", "f.yaml:4:"},
		{"bad id", head + "steps:\n  - id: Bad-Id\n    label: A\n    prompt: P\n    kind: text\n", "f.yaml:4:9: step id \"Bad-Id\""},
		{"safe without advice", head + "steps:\n  - id: safe\n    label: S\n    prompt: P\n    kind: safe\n    choices: [{value: \"no\", label: No}]\n", "needs the flow's emergency_advice"},
		{"condition value", head + "steps:\n  - id: a\n    label: A\n    prompt: P\n    kind: choice\n    choices: [{value: v, label: V}]\n  - id: b\n    label: B\n    prompt: P\n    kind: text\n    when: {step: a, in: [w]}\n", "f.yaml:13:26: \"w\" is not a choice value"},
		{"unknown condition", head + "steps:\n  - id: b\n    label: B\n    prompt: P\n    kind: text\n    when: {step: nope, in: [w]}\n", "unknown step \"nope\""},
		{"consent not first", head + "steps:\n  - {id: a, label: A, prompt: P, kind: text}\n  - {id: c, label: C, prompt: P, kind: consent, choices: [{value: ok, label: OK}]}\n", "must be the first step"},
		{"year without min", head + "steps:\n  - {id: y, label: Y, prompt: P, kind: year}\n", "needs min"},
		{"other with other value", head + "steps:\n  - {id: a, label: A, prompt: P, kind: choice, other: true, choices: [{value: other, label: O}]}\n", "adds the \"other\" choice"},
		{"duplicate key", head + "name: y\nsteps: []\n", "f.yaml:3:"},
		{"unknown role", head + "steps:\n  - id: a\n    label: A\n    prompt: P\n    kind: text\n    role: colour\n", "f.yaml:8:11: step \"a\" has unknown role \"colour\""},
		{"two VIN steps", head + "steps:\n  - {id: a, label: A, prompt: P, kind: vin}\n  - {id: b, label: B, prompt: P, kind: vin}\n", "f.yaml:5:40: step \"b\" and step \"a\" (step 1) both are the VIN"},
		{"group of a choice step", head + "steps:\n  - id: a\n    label: A\n    prompt: P\n    kind: choice\n    choices: [{value: v, label: V}]\n    group: details\n", "f.yaml:9:12: only text, ticket and odometer steps can be asked together"},
		{"id of another's role", head + "steps:\n  - {id: vin, label: A, prompt: P, kind: text}\n  - {id: b, label: B, prompt: P, kind: vin}\n", "f.yaml:4:10: step id \"vin\" is the name of a role that step \"b\" plays"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFlow([]byte(tt.yaml), "f.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestDefaultFlowIsValid(t *testing.T) {
	if err := DefaultFlow().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateWithoutFileNamesThePath(t *testing.T) {
	f := DefaultFlow()
	f.Steps[3].Kind = "colour"
	err := f.Validate()
	if err == nil || !strings.HasPrefix(err.Error(), "flow: steps[3].kind: ") {
		t.Fatalf("err = %v", err)
	}
}
