package conversation

import (
	"context"
	"maps"
	"strconv"
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
			map[string]string{"model": "model_3", "year": "2019", "vin": vin, "category": "battery", "started": "since Tuesday",
				"description": "My 2019 Model 3 " + vin + " won't charge since Tuesday"}},
		{"model3, 45,000 miles", map[string]string{"model": "model_3", "odometer": "45000 mi"}},
		{"Model Y (2022) at 72k km", map[string]string{"model": "model_y", "year": "2022", "odometer": "72000 km"}},
		{"my cybertruck has 72 000 km", map[string]string{"model": "cybertruck", "odometer": "72000 km"}},
		// The VIN answers the model (the flow maps 5YJ3 to the Model 3) and the model year (K).
		{"vin: " + strings.ToLower(vin), map[string]string{"vin": vin, "model": "model_3", "year": "2019"}},
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
		// Two words of 17 letters together are no VIN where no check digit is required.
		{"VIN " + vin + ", every Supercharger", map[string]string{"vin": vin, "model": "model_3", "year": "2019", "category": "battery", "description": "VIN " + vin + ", every Supercharger"}},
		{"I drove 2019 km", map[string]string{}}, // a trip, not the odometer
		{"it has 2019 km", map[string]string{"odometer": "2019 km"}},
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
		"MY 22, phantom braking", "'22 Model 3", "over 100 km/h it shakes, 14.300 km", "52 thousand miles",
		"I'm in Austin, TX", "Vorgangsnummer 88120934", "ich wohne in Köln", "5YJ3E1EA7 KF317123", "towed", "MY2022",
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
			// Found in what the owner wrote, not made up (perhaps typed in two parts).
			if !strings.Contains(strings.NewReplacer(" ", "", "-", "").Replace(strings.ToUpper(in)), vin) {
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
			// In the text, as "'22" or "MY 22", or given by the VIN's 10th character.
			if vin := got["vin"]; !strings.Contains(in, y) && !strings.Contains(in, y[2:]) && (vin == "" || vin[9] != vinYearCodes[(mustAtoi(y)-1980)%30]) {
				t.Fatalf("Extract(%q) year %q is not in the text", in, y)
			}
		}
		for key, v := range got {
			switch st := flow.step(key); st.Kind {
			case KindChoice, KindSafe:
				if st.choice(v) == nil {
					t.Fatalf("Extract(%q): %s %q is no choice", in, key, v)
				}
			case KindTicket:
				if digitCount(v) < 4 {
					t.Fatalf("Extract(%q): ticket %q", in, v)
				}
			case KindText:
				if v == "" || utf8.RuneCountInString(v) > st.maxLength() {
					t.Fatalf("Extract(%q): %s %q", in, key, v)
				}
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

// TestRuleExtractorReads checks one field at a time: what the rules take from free text, and
// what they must leave alone.
func TestRuleExtractorReads(t *testing.T) {
	x := NewRuleExtractor(DefaultFlow())
	tests := []struct {
		field, in, want string
	}{
		// Loose model names and years.
		{"model", "m3 2021 wont charge", "model_3"},
		{"model", "the 3's backup camera is black", "model_3"},
		{"model", "MY 22, phantom braking again", "model_y"},
		{"model", "my car is making noise", ""}, // "my" is no Model Y
		{"model", "MX 2017, falcon wing door error", "model_x"},
		{"model", "I AM DONE. MY MODEL X DOORS WOULD NOT OPEN", "model_x"},
		{"model", "my model three is heavy to steer", "model_3"},
		{"year", "MY 22, phantom braking again", "2022"},
		{"year", "my Model Y '22 brakes by itself", "2022"},
		{"year", "MY2022 Model Y Performance", "2022"},
		{"year", "bought it in 2021, problem since 2023", ""},
		// Odometer: a reading, never a speed, a range or a trip.
		{"odometer", "it has 52 thousand miles on it", "52000 mi"},
		{"odometer", "Kilometerstand 35.000 km", "35000 km"},
		{"odometer", "over 100 km/h the steering wheel shakes", ""},
		{"odometer", "at 60 mph it shakes", ""},
		{"odometer", "range 300 km on a full battery", ""},
		{"odometer", "I only get 290 km range on 100 %", ""},
		{"odometer", "it only shows 180 miles at full charge", ""},
		{"odometer", "after 50 miles of driving the screen goes black", ""},
		{"odometer", "Drove 40 km to the Calgary service centre twice", ""},
		{"odometer", "over 100 km/h it shakes; odometer 14,300 km", "14300 km"},
		{"odometer", "2020 Model X, 61,000 MILES.", "61000 mi"},
		// Location.
		{"location", "I write you from Stuttgart because nobody answers", "Stuttgart"},
		{"location", "I'm in Austin, TX and the car won't charge", "Austin, Texas"},
		{"location", "cybertruck tonneau cover stuck half open. austin tx", "Austin, Texas"},
		{"location", "I'M IN SCOTTSDALE AZ AND SERVICE SAYS NO", "Scottsdale, Arizona"},
		{"location", "2022 Model 3 LR, 31k mi, Denver CO.", "Denver, Colorado"},
		{"location", "I am in Monterrey, Mexico. The car", "Monterrey, Mexico"},
		{"location", "Ich wohne in Köln und das Auto lädt nicht", "Köln"},
		{"location", "J'habite à Lyon depuis deux ans", "Lyon"},
		{"location", "Vivo en Sevilla y el coche no carga", "Sevilla"},
		{"location", "I'm in a hurry", ""},
		{"location", "I am in the middle of nowhere", ""},
		// Tickets.
		{"ticket", "my ticket number is 4471-22981 and nothing happened", "4471-22981"},
		{"ticket", "case #SR-20931 was closed", "SR-20931"},
		{"ticket", "SR-1234567, still broken", "SR-1234567"},
		{"ticket", "in case it matters, it's red", ""},
		{"ticket", "Vorgangsnummer 88120934", "88120934"},
		// Whether it can be driven.
		{"safe", "I can't drive it anymore", SafeNo},
		{"safe", "it was towed to the service center", SafeNo},
		{"safe", "the car is parked since March", SafeNo},
		{"safe", "Is it safe to drive?", SafeNotSure},
		{"safe", "I can still drive it but it squeaks", "yes"},
		{"safe", "the screen flickers", ""},
		// When it started.
		{"started", "won't charge since Tuesday", "since Tuesday"},
		{"started", "it began three weeks ago", "three weeks ago"},
		{"started", "seit 3 Wochen macht die Wärmepumpe Lärm", "seit 3 Wochen"},
		{"started", "depuis deux semaines le toit craque", "depuis deux semaines"},
		{"started", "desde hace dos semanas no carga", "desde hace dos semanas"},
		{"started", "my kids were stuck for 20 minutes", ""},
		// What the owner wants.
		{"outcome", "The seal leaks. Kindly replace the seal at the earliest. Regards", "Kindly replace the seal at the earliest"},
		{"outcome", "Service could not fix it and says it is normal.", ""},
		// The category, in the languages of the default flow.
		{"category", "my car won't charge at home", "battery"},
		{"category", "the brakes grind when I stop", "safety"},
		{"category", "Die Bremse quietscht und das Auto zieht nach links", "safety"},
		{"category", "la batterie ne se recharge plus", "battery"},
		{"category", "la pantalla se queda negra después de la actualización", "software"},
		{"category", "Charged TWICE for the FSD transfer, refund the duplicate", "billing"},
		{"category", "the weather is nice", ""},
	}
	for _, tt := range tests {
		got, err := x.Extract(context.Background(), tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got[tt.field] != tt.want {
			t.Errorf("%s of %q = %q, want %q", tt.field, tt.in, got[tt.field], tt.want)
		}
	}
}

func mustAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
