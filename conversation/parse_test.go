package conversation

import (
	"errors"
	"strings"
	"testing"
)

func TestParseYear(t *testing.T) {
	year := DefaultFlow().step("year")
	tests := []struct{ in, want, wantErr string }{
		{in: "2019", want: "2019"},
		{in: " 2008 ", want: "2008"},
		{in: "2027", want: "2027"}, // next year's models are on sale
		{in: "'19", want: "2019"},
		{in: "’21", want: "2021"},
		{in: "my 2020", want: "2020"},
		{in: "2028", wantErr: "run from 2008 to 2027"},
		{in: "2007", wantErr: "run from 2008 to 2027"},
		{in: "1999", wantErr: "2008 to 2027"},
		{in: "19", wantErr: "four digits"},
		{in: "twenty nineteen", wantErr: "four digits"},
		{in: "20199", wantErr: "four digits"},
		{in: "", wantErr: "four digits"},
	}
	for _, tt := range tests {
		got, _, err := parse(year, tt.in, testNow)
		checkParse(t, "year", tt.in, got, err, tt.want, tt.wantErr)
	}
}

func TestParseOdometer(t *testing.T) {
	odo := DefaultFlow().step("odometer")
	tests := []struct {
		in, want, wantErr string
		noUnit            bool
	}{
		{in: "45,000 miles", want: "45000 mi"},
		{in: "72000 km", want: "72000 km"},
		{in: "45k mi", want: "45000 mi"},
		{in: "72 000 km", want: "72000 km"},
		{in: "72\u00a0000 km", want: "72000 km"},
		{in: "72.000 km", want: "72000 km"},
		{in: "72.5k km", want: "72500 km"},
		{in: "1,234,567 km", want: "1234567 km"},
		{in: "about 30,000 kilometres", want: "30000 km"},
		{in: "12 Miles", want: "12 mi"},
		{in: "0 km", want: "0 km"},
		{in: "45000", want: "45000", noUnit: true},
		{in: "45k", want: "45000", noUnit: true},
		{in: "45,000", want: "45000", noUnit: true},
		{in: "lots", wantErr: "number with km or mi"},
		{in: "45000 furlongs", wantErr: "number with km or mi"},
		{in: "5,000,000 km", wantErr: "more than I'd expect"},
		{in: "99999999999999999999 km", wantErr: "number with km or mi"},
		{in: "", wantErr: "number with km or mi"},
	}
	for _, tt := range tests {
		got, _, err := parse(odo, tt.in, testNow)
		if tt.noUnit {
			if !errors.Is(err, errNoUnit) || got != tt.want {
				t.Errorf("odometer %q = %q, %v; want %q without a unit", tt.in, got, err, tt.want)
			}
			continue
		}
		checkParse(t, "odometer", tt.in, got, err, tt.want, tt.wantErr)
	}
}

func TestParseTicket(t *testing.T) {
	ticket := *DefaultFlow().step("ticket")
	required := ticket
	required.RequireTicket = true
	tests := []struct {
		name     string
		st       *Step
		in, want string
		wantErr  string
	}{
		{name: "number", st: &ticket, in: "SR-1234567", want: "SR-1234567"},
		{name: "case words", st: &ticket, in: "case 00123", want: "case 00123"},
		{name: "none", st: &ticket, in: "None", want: TicketNone},
		{name: "n/a", st: &ticket, in: "n/a", want: TicketNone},
		{name: "no digits", st: &ticket, in: "the ticket", wantErr: "doesn't look like a ticket"},
		{name: "none refused", st: &required, in: "none", wantErr: "normal service has not solved"},
		{name: "required number", st: &required, in: "RO 5521", want: "RO 5521"},
		{name: "too long", st: &ticket, in: strings.Repeat("1", 65), wantErr: "doesn't look like a ticket"},
	}
	for _, tt := range tests {
		got, _, err := parse(tt.st, tt.in, testNow)
		checkParse(t, tt.name, tt.in, got, err, tt.want, tt.wantErr)
	}
}

func TestParseText(t *testing.T) {
	desc := DefaultFlow().step("description")
	long := strings.Repeat("é", 20000)
	tests := []struct {
		name, in, want, wantErr string
		cut                     bool
	}{
		{name: "enough", in: "The charge port door will not open at all.", want: "The charge port door will not open at all."},
		{name: "too short", in: "It broke.", wantErr: "at least 30 characters (that was 9)"},
		{name: "emoji counted as runes", in: strings.Repeat("🔋", 29), wantErr: "(that was 29)"},
		{name: "emoji enough", in: strings.Repeat("🔋", 30), want: strings.Repeat("🔋", 30)},
		{name: "right to left", in: "السيارة لا تشحن منذ يوم الثلاثاء الماضي", want: "السيارة لا تشحن منذ يوم الثلاثاء الماضي"},
		{name: "mentions kept as text", in: "@everyone <!channel> the car will not unlock at all", want: "@everyone <!channel> the car will not unlock at all"},
		{name: "cut to max", in: long, want: strings.Repeat("é", 4000), cut: true},
	}
	for _, tt := range tests {
		got, cut, err := parse(desc, tt.in, testNow)
		checkParse(t, tt.name, tt.in, got, err, tt.want, tt.wantErr)
		if cut != tt.cut {
			t.Errorf("%s: cut = %v, want %v", tt.name, cut, tt.cut)
		}
	}
}

func TestParseChoice(t *testing.T) {
	f := DefaultFlow()
	model, safe, consent := f.step("model"), f.step("safe"), f.step("consent")
	tests := []struct {
		name    string
		st      *Step
		in      string
		want    string
		wantErr error // errOther, or nil with wantMsg
		wantMsg string
	}{
		{name: "label", st: model, in: "Model 3", want: "model_3"},
		{name: "label any case", st: model, in: "  mOdEl   y ", want: "model_y"},
		{name: "value", st: model, in: "model_x", want: "model_x"},
		{name: "value with space", st: model, in: "model s", want: "model_s"},
		{name: "number", st: model, in: "5", want: "cybertruck"},
		{name: "trailing punctuation", st: model, in: "Cybertruck!", want: "cybertruck"},
		{name: "other word", st: model, in: "other", wantErr: errOther},
		{name: "other number", st: model, in: "6", wantErr: errOther},
		{name: "out of range", st: model, in: "7", wantMsg: "1. Model S, 2. Model 3"},
		{name: "unknown", st: model, in: "Roadster", wantMsg: "or 6. Other (type your own)"},
		{name: "safe no", st: safe, in: "No", want: SafeNo},
		{name: "safe nope", st: safe, in: "nope", want: SafeNo},
		{name: "safe not sure", st: safe, in: "not sure", want: SafeNotSure},
		{name: "safe unsure", st: safe, in: "unsure", want: SafeNotSure},
		{name: "safe number", st: safe, in: "1", want: "yes"},
		{name: "consent ok", st: consent, in: "ok", want: "understood"},
		{name: "consent label", st: consent, in: "i understand", want: "understood"},
		{name: "consent no", st: consent, in: "no", wantMsg: "Please press I understand to go on, or Cancel to stop."},
	}
	for _, tt := range tests {
		got, _, err := parse(tt.st, tt.in, testNow)
		switch {
		case tt.wantErr != nil:
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%s: %q gave %q, %v; want %v", tt.name, tt.in, got, err, tt.wantErr)
			}
		default:
			checkParse(t, tt.name, tt.in, got, err, tt.want, tt.wantMsg)
		}
	}
}

func checkParse(t *testing.T, name, in, got string, err error, want, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if err != nil || got != want {
			t.Errorf("%s: %.40q = %.40q, %v; want %.40q", name, in, got, err, want)
		}
		return
	}
	var inv *InvalidError
	if !errors.As(err, &inv) || !strings.Contains(inv.Reason, wantErr) {
		t.Errorf("%s: %.40q gave %.40q, %v; want an InvalidError containing %q", name, in, got, err, wantErr)
	}
}
