package conversation

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// Fuzz targets of the parsers that read what owners type and what operators write. Each
// checks what an accepted value looks like, not only that nothing panics.

func FuzzParseFlow(f *testing.F) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		f.Fatalf("flow files in testdata: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("name: x\ngreeting: hi\nsteps:\n  - {id: a, label: A, prompt: A?, kind: text, when: {step: a, in: [a]}}\n"))
	f.Add([]byte("&a [*a]"))
	f.Add([]byte("name: !!binary AAAA\n"))
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		flow, err := ParseFlow(data, "flow.yaml")
		if err != nil {
			// Every refusal is placed in the file, for the operator to fix.
			var fe *FlowError
			if !errors.As(err, &fe) || fe.File != "flow.yaml" || fe.Line < 0 || fe.Column < 0 || fe.Reason == "" {
				t.Fatalf("ParseFlow refused with %T %v, want a placed *FlowError", err, err)
			}
			if !strings.HasPrefix(err.Error(), "flow.yaml:") {
				t.Fatalf("error %q does not start with the file name", err)
			}
			return
		}
		if err := flow.Validate(); err != nil {
			t.Fatalf("ParseFlow accepted a flow that does not validate: %v", err)
		}
		// An accepted flow runs: the engine starts it and answers help at its first step.
		e := NewEngine(flow)
		res := e.Start("web:fuzz", now)
		if len(res.Replies) == 0 || res.Session.Stage != StageIntake {
			t.Fatalf("a parsed flow starts with %+v", res)
		}
		e.Handle(res.Session, Input{Text: "help"}, now)
		NewRuleExtractor(flow)
	})
}

var odometerValue = regexp.MustCompile(`^(0|[1-9][0-9]*) (km|mi)$`)

func FuzzParseOdometer(f *testing.F) {
	for _, s := range []string{
		"45,000 miles", "about 72 000 km", "45k mi", "72.5k km", "72000", "1,234,567 km", "2,000,001 km",
		"45.000 km", "45’000 km", "45\u202f000 km", "~ 10 kms", "9999999999 km", "0 mi", "k", "1.5.5k", "12 kilometres.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if u := parseUnit(in); u != "" && u != UnitKm && u != UnitMi {
			t.Fatalf("parseUnit(%q) = %q", in, u)
		}
		got, err := parseOdometerAnswer(in)
		switch {
		case err == nil:
			if !odometerValue.MatchString(got) {
				t.Fatalf("parseOdometerAnswer(%q) = %q", in, got)
			}
			n, _ := strconv.Atoi(strings.Fields(got)[0])
			if n > maxOdometer {
				t.Fatalf("parseOdometerAnswer(%q) = %q, above %d", in, got, maxOdometer)
			}
			if again, err := parseOdometerAnswer(got); err != nil || again != got {
				t.Fatalf("parseOdometerAnswer(%q) = %q, which reads back as %q, %v", in, got, again, err)
			}
		case errors.Is(err, errNoUnit):
			n, aerr := strconv.Atoi(got)
			if aerr != nil || n < 0 || n > maxOdometer || strconv.Itoa(n) != got {
				t.Fatalf("parseOdometerAnswer(%q) = %q without unit", in, got)
			}
			if withUnit, err := parseOdometerAnswer(got + " km"); err != nil || withUnit != got+" km" {
				t.Fatalf("%q with its unit reads as %q, %v", got, withUnit, err)
			}
		default:
			var inv *InvalidError
			if !errors.As(err, &inv) || inv.Reason == "" || got != "" {
				t.Fatalf("parseOdometerAnswer(%q) = %q, %v", in, got, err)
			}
		}
	})
}

func FuzzParseYear(f *testing.F) {
	for _, s := range []string{"2019", "'19", "’21", "MY 2020", "model year 2008.", "1999", "20199", "two thousand", "''19", ""} {
		f.Add(s, 2008, 2027)
	}
	f.Add("2019", 2030, 2020)
	f.Fuzz(func(t *testing.T, in string, lo, hi int) {
		got, err := parseYear(in, lo, hi)
		if err != nil {
			var inv *InvalidError
			if !errors.As(err, &inv) || inv.Reason == "" || got != "" {
				t.Fatalf("parseYear(%q, %d, %d) = %q, %v", in, lo, hi, got, err)
			}
			return
		}
		year, aerr := strconv.Atoi(got)
		if aerr != nil || len(got) != 4 || year < lo || year > hi {
			t.Fatalf("parseYear(%q, %d, %d) = %q", in, lo, hi, got)
		}
		if again, err := parseYear(got, lo, hi); err != nil || again != got {
			t.Fatalf("parseYear(%q) = %q reads back as %q, %v", in, got, again, err)
		}
	})
}

func FuzzParseVIN(f *testing.F) {
	for _, s := range []string{
		vinModel3, "it's " + vinModel3 + ", thanks", "5yj3-e1ea 2kf317000", "VIN: " + vinHonda + " and " + vinModel3,
		"1HGCM82633A004353", "my vin is 1HGCM82633A00435Q", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := parseVIN(in)
		if err != nil && !errors.Is(err, ErrVINCheckDigit) {
			var inv *InvalidError
			if !errors.As(err, &inv) || inv.Reason == "" || got != "" {
				t.Fatalf("parseVIN(%q) = %q, %v", in, got, err)
			}
			return
		}
		// Accepted, or to be confirmed for its check digit: a VIN either way.
		if len(got) != vinLength || strings.ContainsAny(got, "IOQ") || strings.IndexFunc(got, func(r rune) bool {
			return !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z')
		}) >= 0 {
			t.Fatalf("parseVIN(%q) = %q", in, got)
		}
		if (vinCheckDigit(got) == got[8] || !VINCheckDigitRequired(got)) != (err == nil) {
			t.Fatalf("parseVIN(%q) = %q, %v disagrees with the check digit", in, got, err)
		}
	})
}

// FuzzParseAnswer types anything at every step of the default flow.
func FuzzParseAnswer(f *testing.F) {
	flow := DefaultFlow()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	answers := map[string]string{
		"ticket": "SR-20931", "model": "Model 3", "year": "2019", "vin": vinModel3, "odometer": "45,000 miles",
		"location": "Austin, Texas", "category": "2", "safe": "no", "description": "It stopped charging three weeks ago.",
	}
	for i, st := range flow.Steps {
		f.Add(i, answers[st.ID])
		f.Add(i, "none")
		f.Add(i, "other")
	}
	f.Fuzz(func(t *testing.T, i int, in string) {
		if i < 0 || i >= len(flow.Steps) {
			return
		}
		st := &flow.Steps[i]
		got, cut, err := parse(st, in, now)
		if errors.Is(err, errOther) && st.Other {
			got, cut, err = parseOther(st, in)
		}
		if errors.Is(err, errNoUnit) || errors.Is(err, ErrVINCheckDigit) {
			return // the engine asks one more question; FuzzParseOdometer and FuzzParseVIN check these
		}
		if err != nil {
			var inv *InvalidError
			if !errors.As(err, &inv) || inv.Reason == "" {
				t.Fatalf("step %s: parse(%q) = %q, %v", st.ID, in, got, err)
			}
			return
		}
		if !utf8.ValidString(in) {
			return // what the core passes on was cleaned; the rest only must not crash
		}
		if !utf8.ValidString(got) {
			t.Fatalf("step %s: parse(%q) = %q is not UTF-8", st.ID, in, got)
		}
		switch st.Kind {
		case KindChoice, KindSafe, KindConsent:
			if st.choice(got) == nil && !(st.Other && got != "") {
				t.Fatalf("step %s: parse(%q) = %q is no choice", st.ID, in, got)
			}
		case KindText:
			if n := utf8.RuneCountInString(got); n < st.MinLength || n > st.maxLength() || cut != (utf8.RuneCountInString(strings.TrimSpace(in)) > st.maxLength()) {
				t.Fatalf("step %s: parse(%q) = %q (%d runes, cut %v)", st.ID, in, got, n, cut)
			}
		case KindTicket:
			if n := utf8.RuneCountInString(got); got != TicketNone && (n < 3 || n > 64 || !strings.ContainsFunc(got, unicode.IsDigit)) {
				t.Fatalf("step %s: parse(%q) = %q", st.ID, in, got)
			}
		case KindYear:
			if y, err := strconv.Atoi(got); err != nil || y < st.Min || y > yearMax(st, now) {
				t.Fatalf("step %s: parse(%q) = %q", st.ID, in, got)
			}
		case KindVIN:
			if norm, err := ValidateVIN(got); err != nil || norm != got {
				t.Fatalf("step %s: parse(%q) = %q does not validate: %v", st.ID, in, got, err)
			}
		case KindOdometer:
			if !odometerValue.MatchString(got) {
				t.Fatalf("step %s: parse(%q) = %q", st.ID, in, got)
			}
		}
	})
}

func FuzzVINModelYear(f *testing.F) {
	f.Add(vinModel3, 2008, 2027)
	f.Add("XP7YGCEK1PB123987", 1975, 2040)
	f.Fuzz(func(t *testing.T, vin string, lo, hi int) {
		if hi-lo > 1000 {
			return // the loop steps 30 years; a range this wide says nothing more
		}
		y, ok := VINModelYear(vin, lo, hi)
		if ok && (y < lo || y > hi || y < 1980) {
			t.Fatalf("VINModelYear(%q, %d, %d) = %d", vin, lo, hi, y)
		}
		if !ok && y != 0 {
			t.Fatalf("VINModelYear(%q, %d, %d) = %d, false", vin, lo, hi, y)
		}
	})
}

// FuzzLanguage reads what owners and platforms say about language: a locale, a message to guess
// the language of, a request to switch. A guess is one of the languages or nothing, and a
// request names a language code the engine then speaks or is answered with the choice.
func FuzzLanguage(f *testing.F) {
	for _, s := range []string{"de-DE", "es-419", "language de", "Sprache: Deutsch", "auf Deutsch bitte",
		"en français s'il vous plaît", "Hallo, mein Auto lädt nicht", "¿Qué?", "idioma", "lang \xff", "-_-"} {
		f.Add(s)
	}
	e := NewEngine(DefaultFlow())
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if l := ParseLocale(s); l != "" && !slices.Contains(Languages(), l) {
			t.Fatalf("ParseLocale(%q) = %q", s, l)
		}
		if l, ok := DetectLanguage(s); ok != (l != "") || (ok && !slices.Contains(Languages(), l)) {
			t.Fatalf("DetectLanguage(%q) = %q, %v", s, l, ok)
		}
		arg, ok := parseLanguageCommand(s)
		if !ok && arg != "" {
			t.Fatalf("parseLanguageCommand(%q) = %q without a command", s, arg)
		}
		res := e.Handle(Session{Owner: "web:fuzz"}, Input{Text: s, Locale: s}, now)
		if l := res.Session.Language; l != "" && !slices.Contains(Languages(), l) {
			t.Fatalf("session language %q from %q", l, s)
		}
		for _, r := range res.Replies {
			if !utf8.ValidString(r.Text) || strings.Contains(r.Text, "%!") {
				t.Fatalf("reply %q to %q", r.Text, s)
			}
		}
		if ok {
			res = e.Handle(res.Session, Input{Text: s}, now)
			if len(res.Replies) == 0 {
				t.Fatalf("no answer to %q", s)
			}
		}
	})
}

// FuzzOwnerWords reads owners' messages as the core does around "forget me": a request to be
// forgotten is never also a yes or a no, and what is read does not depend on case, spaces or
// trailing punctuation.
func FuzzOwnerWords(f *testing.F) {
	for _, s := range []string{"forget me", "Forget me!", "  vergiss   mich ", "oublie-moi", "olvídame", "yes", "Sí", "no", "forget me please", "", "\x00", "ＦＯＲＧＥＴ ＭＥ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		forget, yes, no := ForgetMe(s), Confirms(s), Declines(s)
		if forget && (yes || no) || yes && no {
			t.Fatalf("%q read as forget %v, yes %v, no %v", s, forget, yes, no)
		}
		loud := "  " + strings.ToUpper(s) + "!? "
		if utf8.ValidString(s) && strings.ToLower(strings.ToUpper(s)) == strings.ToLower(s) {
			if ForgetMe(loud) != forget || Confirms(loud) != yes || Declines(loud) != no {
				t.Fatalf("%q and %q read differently", s, loud)
			}
		}
	})
}

// normalize gives what lower-casing, trimming and rejoining the words with single spaces gives.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", " ", "Yes.", "model  3", "a\tb", "a \u00a0b", "ok ", " x", "Go!? ", "\u0085x\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.Join(strings.Fields(strings.TrimRight(strings.ToLower(strings.TrimSpace(s)), ".!? ")), " ")
		if got := normalize(s); got != want {
			t.Fatalf("normalize(%q) = %q, want %q", s, got, want)
		}
	})
}
