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
		{name: "bad check digit", in: bad, want: bad, checkDigit: true, wantErr: "VINs from outside North America may not use a check digit"},
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
		if (checkDigit(t, got) == got[8]) != (err == nil) {
			t.Fatalf("ValidateVIN(%q) = %q, %v disagrees with the check digit", in, got, err)
		}
		// Normalizing is idempotent.
		again, err2 := ValidateVIN(got)
		if again != got || (err == nil) != (err2 == nil) {
			t.Fatalf("ValidateVIN(%q) = %q, %v; again %q, %v", in, got, err, again, err2)
		}
	})
}
