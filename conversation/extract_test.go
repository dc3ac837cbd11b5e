package conversation

import (
	"context"
	"maps"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRuleExtractor(t *testing.T) {
	vin := validVIN(t, vinModel3)
	honda := validVIN(t, vinHonda)
	x := NewRuleExtractor(DefaultFlow())
	tests := []struct {
		in   string
		want map[string]string
	}{
		{"My 2019 Model 3 " + vin + " won't charge since Tuesday",
			map[string]string{"model": "model_3", "year": "2019", "vin": vin}},
		{"model3, 45,000 miles", map[string]string{"model": "model_3", "odometer": "45000 mi"}},
		{"Model Y (2022) at 72k km", map[string]string{"model": "model_y", "year": "2022", "odometer": "72000 km"}},
		{"my cybertruck has 72 000 km", map[string]string{"model": "cybertruck", "odometer": "72000 km"}},
		{"vin: " + strings.ToLower(vin), map[string]string{"vin": vin}},
		{"a 2021 car", map[string]string{"year": "2021"}},
		// A date is not a model year.
		{"broken since 2023", map[string]string{}},
		{"on 14/03/2024 it stopped", map[string]string{}},
		{"Model S 2015, problem since 2024", map[string]string{"model": "model_s", "year": "2015"}},
		// Two models or two VINs: nothing rather than a guess.
		{"traded my Model S for a Model X", map[string]string{}},
		{vin + " and " + honda, map[string]string{}},
		// A VIN-shaped token failing only its check digit is not extracted.
		{"VIN " + wrongCheckDigit(t, vin), map[string]string{}},
		{"VIN 5YJ3E1EA2KF3170O0", map[string]string{}},
		{"the model year is unknown", map[string]string{}},
		{"I drove 2019 km", map[string]string{"odometer": "2019 km"}},
		{"", map[string]string{}},
	}
	for _, tt := range tests {
		got, err := x.Extract(context.Background(), tt.in)
		if err != nil {
			t.Fatalf("Extract(%q): %v", tt.in, err)
		}
		if !maps.Equal(got, tt.want) {
			t.Errorf("Extract(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestRuleExtractorUsesTheFlowsModels(t *testing.T) {
	f := DefaultFlow()
	model := f.step("model")
	model.Choices = []Choice{{Value: "roadster", Label: "Roadster"}, {Value: "semi", Label: "Tesla Semi"}}
	x := NewRuleExtractor(f)
	got, _ := x.Extract(context.Background(), "my tesla-semi and a Model 3")
	if want := map[string]string{"model": "semi"}; !maps.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestRuleExtractorHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewRuleExtractor(nil).Extract(ctx, "Model 3"); err == nil {
		t.Fatal("want the context's error")
	}
}

func FuzzRuleExtractor(f *testing.F) {
	for _, s := range []string{
		"My 2019 Model 3 5YJ3E1EA2KF317000 won't charge since Tuesday",
		"45,000 miles", "72 000 km", "45k mi", "1.5k km", "2019 2020 model y",
		"@everyone <!channel>", "السيارة", "🚗 2019 model-3", "9,999,999,999,999 km", "7.5.5.5 k",
	} {
		f.Add(s)
	}
	x := NewRuleExtractor(DefaultFlow())
	flow := DefaultFlow()
	f.Fuzz(func(t *testing.T, in string) {
		got, err := x.Extract(context.Background(), in)
		if err != nil {
			t.Fatalf("Extract(%q): %v", in, err)
		}
		for key, v := range got {
			st := flow.step(key)
			if st == nil {
				t.Fatalf("Extract(%q) returned unknown key %q", in, key)
			}
			if !utf8.ValidString(v) {
				t.Fatalf("Extract(%q)[%s] = %q is not UTF-8", in, key, v)
			}
		}
		if vin, ok := got["vin"]; ok {
			if norm, err := ValidateVIN(vin); err != nil || norm != vin {
				t.Fatalf("Extract(%q) VIN %q does not validate: %v", in, vin, err)
			}
			// Found in what the owner wrote, not made up.
			if !strings.Contains(strings.ToUpper(in), vin) {
				t.Fatalf("Extract(%q) VIN %q is not in the text", in, vin)
			}
		}
		if m, ok := got["model"]; ok && flow.step("model").choice(m) == nil {
			t.Fatalf("Extract(%q) model %q is not a choice", in, m)
		}
		if y, ok := got["year"]; ok {
			if _, err := parseYear(y, 2008, 2100); err != nil {
				t.Fatalf("Extract(%q) year %q: %v", in, y, err)
			}
			if !strings.Contains(in, y) {
				t.Fatalf("Extract(%q) year %q is not in the text", in, y)
			}
		}
		if o, ok := got["odometer"]; ok {
			if norm, err := parseOdometerAnswer(o); err != nil || norm != o {
				t.Fatalf("Extract(%q) odometer %q does not parse back: %q, %v", in, o, norm, err)
			}
		}
	})
}

// The rules find fields by role: a flow that renames its steps is read the same.
func TestRuleExtractorFindsStepsByRole(t *testing.T) {
	f, err := LoadFlow("testdata/renamed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	vin := validVIN(t, vinModel3)
	got, _ := NewRuleExtractor(f).Extract(context.Background(), "My 2019 Model 3 "+vin+", 45,000 miles")
	want := map[string]string{"vehicle": "model_3", "built": "2019", "chassis_number": vin, "mileage": "45000 mi"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}
