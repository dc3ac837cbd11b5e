package conversation

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestKnownVINsAreValid(t *testing.T) {
	for _, vin := range []string{vinModel3, vinHonda, vinOnes} {
		validVIN(t, vin)
		if got, err := ValidateVIN(vin); err != nil || got != vin {
			t.Errorf("ValidateVIN(%s) = %q, %v", vin, got, err)
		}
	}
}

func TestValidateVIN(t *testing.T) {
	bad := wrongCheckDigit(t, vinModel3)
	tests := []struct {
		name, in, want string
		wantErr        string // substring of the owner-facing message
		checkDigit     bool
	}{
		{name: "valid", in: vinModel3, want: vinModel3},
		{name: "lower case", in: strings.ToLower(vinHonda), want: vinHonda},
		{name: "spaces and dashes", in: " 1HG-CM826 33A-004352 ", want: vinHonda},
		{name: "all ones", in: vinOnes, want: vinOnes},
		{name: "short", in: "5YJ3E1EA2KF3170", wantErr: "A VIN has 17 characters; I count 15."},
		{name: "long", in: vinModel3 + "9", wantErr: "I count 18."},
		{name: "empty", in: "", wantErr: "I count 0."},
		{name: "letter O", in: "5YJ3E1EA2KF3170O0", wantErr: "never contain the letters I, O or Q"},
		{name: "letter I", in: "1HGCM8263IA004352", wantErr: "did you mean 1 or 0?"},
		{name: "letter Q", in: "QHGCM82633A004352", wantErr: "I, O or Q"},
		{name: "symbol", in: "1HGCM82633A00435#", wantErr: "only letters and digits"},
		{name: "emoji", in: "1HGCM82633A00435🚗", wantErr: "only letters and digits"},
		{name: "bad check digit", in: bad, want: bad, checkDigit: true, wantErr: "should be 2 for the rest of it to add up"},
		// Outside North America and China the 9th character is the maker's: no error, none shown.
		{name: "European VIN, Z at 9", in: "WVWZZZ1KZAW123456", want: "WVWZZZ1KZAW123456"},
		{name: "Berlin VIN, other digit", in: "XP7YGCEK5PB123987", want: "XP7YGCEK5PB123987"},
		{name: "Japanese VIN", in: "JTDKB20U093123456", want: "JTDKB20U093123456"},
		{name: "New Zealand WMI", in: "7AT0H63E5KX123456", want: "7AT0H63E5KX123456"},
		// China and the United States' 7 range require it.
		{name: "Shanghai VIN", in: "LRW3E7FS1PC765432", want: "LRW3E7FS1PC765432", checkDigit: true, wantErr: "should be 8"},
		{name: "Austin VIN", in: "7SAYGDEE7NF401234", want: "7SAYGDEE7NF401234", checkDigit: true, wantErr: "should be 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateVIN(tt.in)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Fatalf("ValidateVIN(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateVIN(%q) error %v, want it to contain %q", tt.in, err, tt.wantErr)
			}
			if errors.Is(err, ErrVINCheckDigit) != tt.checkDigit {
				t.Fatalf("errors.Is(err, ErrVINCheckDigit) = %v, want %v", !tt.checkDigit, tt.checkDigit)
			}
			if got != tt.want {
				t.Fatalf("normalized = %q, want %q", got, tt.want)
			}
			var inv *InvalidError
			if !tt.checkDigit && !errors.As(err, &inv) {
				t.Fatalf("error %T is not an *InvalidError", err)
			}
		})
	}
}

func TestCheckDigitErrorNamesTheDigit(t *testing.T) {
	bad := withCheckDigit(vinModel3, '7')
	_, err := ValidateVIN(bad)
	var cd *CheckDigitError
	if !errors.As(err, &cd) || cd.Want != checkDigit(t, vinModel3) {
		t.Fatalf("err = %v, want a CheckDigitError wanting %c", err, checkDigit(t, vinModel3))
	}
	if !strings.Contains(err.Error(), "should be 2") {
		t.Fatalf("message %q does not name the digit", err)
	}
}

// TestCheckDigitX covers the remainder 10, written as X.
func TestCheckDigitX(t *testing.T) {
	// Position 9 has weight 0, so varying the last character finds a VIN that calls for X.
	for _, last := range "0123456789ABCDEFGHJKLMNPRSTUVWXYZ" {
		vin := "1M8GDM9A0KP04278" + string(last)
		if checkDigit(t, vin) != 'X' {
			continue
		}
		vin = withCheckDigit(vin, 'X')
		if got, err := ValidateVIN(vin); err != nil || got != vin {
			t.Fatalf("ValidateVIN(%s) = %q, %v", vin, got, err)
		}
		return
	}
	t.Fatal("found no VIN with check digit X")
}

func FuzzValidateVIN(f *testing.F) {
	for _, s := range []string{vinModel3, vinHonda, vinOnes, "5yj3-e1ea 2kf317000", "", "IOQ", "1HGCM82633A00435\u00e9", "🚗🚗🚗🚗🚗🚗🚗🚗🚗🚗🚗🚗🚗🚗🚗🚗🚗"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ValidateVIN(in)
		if err != nil && !errors.Is(err, ErrVINCheckDigit) {
			if got != "" {
				t.Fatalf("ValidateVIN(%q) = %q with error %v", in, got, err)
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		// Valid, or valid but for the check digit: 17 VIN characters either way.
		if len(got) != 17 || utf8.RuneCountInString(got) != 17 || strings.ContainsAny(got, "IOQ") {
			t.Fatalf("ValidateVIN(%q) = %q", in, got)
		}
		for _, r := range got {
			if !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z') {
				t.Fatalf("ValidateVIN(%q) = %q has %q", in, got, r)
			}
		}
		if (checkDigit(t, got) == got[8] || !VINCheckDigitRequired(got)) != (err == nil) {
			t.Fatalf("ValidateVIN(%q) = %q, %v disagrees with the check digit", in, got, err)
		}
		// Normalizing is idempotent.
		again, err2 := ValidateVIN(got)
		if again != got || (err == nil) != (err2 == nil) {
			t.Fatalf("ValidateVIN(%q) = %q, %v; again %q, %v", in, got, err, again, err2)
		}
	})
}

func TestVINCheckDigitRequired(t *testing.T) {
	for _, tt := range []struct {
		vin  string
		want bool
	}{
		{"1HG", true}, {"2T1", true}, {"3VW", true}, {"4T1", true}, {"5YJ", true}, {"7SA", true}, {"7G2", true},
		{"LRW", true}, {"HJR", true}, {"7AT", false}, {"WVW", false}, {"XP7", false}, {"JTD", false},
		{"KMH", false}, {"SAL", false}, {"VF1", false}, {"9BW", false}, {"6T1", false}, {"", false},
	} {
		if got := VINCheckDigitRequired(tt.vin); got != tt.want {
			t.Errorf("VINCheckDigitRequired(%q) = %v, want %v", tt.vin, got, tt.want)
		}
	}
}

func TestVINModelYear(t *testing.T) {
	for _, tt := range []struct {
		vin    string
		lo, hi int
		want   int
		ok     bool
	}{
		{vinModel3, 2008, 2027, 2019, true},           // K
		{"XP7YGCEK1PB123987", 2008, 2027, 2023, true}, // P
		{"5YJSA1E24JF254321", 2008, 2027, 2018, true}, // J
		{"1HGCM82633A004352", 2008, 2027, 0, false},   // 3: 2003 or 2033, neither in range
		{"1HGCM82633A004352", 1990, 2027, 2003, true},
		{"5YJ3E1EA2AF317000", 1975, 2027, 0, false}, // A: 1980 and 2010 both in range
		{"5YJ3E1EA2UF317000", 2008, 2027, 0, false}, // U is no year code
		{"5YJ3", 2008, 2027, 0, false},
	} {
		got, ok := VINModelYear(tt.vin, tt.lo, tt.hi)
		if got != tt.want || ok != tt.ok {
			t.Errorf("VINModelYear(%s, %d, %d) = %d, %v; want %d, %v", tt.vin, tt.lo, tt.hi, got, ok, tt.want, tt.ok)
		}
	}
}
