package bot_test

import (
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
)

func mustHours(t *testing.T, spec string) bot.Hours {
	t.Helper()
	h, err := bot.ParseHours(spec)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestParseHours(t *testing.T) {
	for _, bad := range []string{"Mon-Fri", "Mon-Fri 9-18", "Mon-Fri 18:00-09:00", "Mon-Fri 09:00-18:00 Mars/Olympus", "Funday 09:00-18:00", "Mon-Fri 09:00-18:00 UTC extra", "Mon-Fri 09:00-09:00"} {
		_, err := bot.ParseHours(bad)
		if err == nil || !strings.Contains(err.Error(), "Mon-Fri 09:00-18:00 Europe/Berlin") {
			t.Errorf("ParseHours(%q) = %v, want an error showing the syntax", bad, err)
		}
	}
	for _, good := range []string{"", "always", "Mon-Fri 09:00-18:00 Europe/Berlin", "mon,wed,sat 08:30-12:00", "Fri-Mon 00:00-24:00 America/New_York"} {
		if _, err := bot.ParseHours(good); err != nil {
			t.Errorf("ParseHours(%q): %v", good, err)
		}
	}
}

// The hours are a pure calculation over fixed instants: no clock is read.
func TestHoursAcrossWeekendsAndDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	h := mustHours(t, "Mon-Fri 09:00-18:00 Europe/Berlin")
	tests := []struct {
		name  string
		from  string
		add   time.Duration
		want  string
		open  bool
		until string // NextOpen(from)
	}{
		{"inside a day", "2027-03-24 10:00", 30 * time.Minute, "2027-03-24 10:30", true, "2027-03-24 10:00"},
		{"runs into the next day", "2027-03-24 17:45", 30 * time.Minute, "2027-03-25 09:15", true, "2027-03-24 17:45"},
		{"Friday evening to Monday", "2027-03-26 17:00", 2 * time.Hour, "2027-03-29 10:00", true, "2027-03-26 17:00"},
		{"written on Saturday", "2027-03-27 11:00", 30 * time.Minute, "2027-03-29 09:30", false, "2027-03-29 09:00"},
		// Berlin moves to summer time in the night to Sunday 28 March 2027: Monday's window
		// is 09:00-18:00 in summer time, one hour less after Friday in UTC terms.
		{"across the DST change", "2027-03-26 17:30", time.Hour, "2027-03-29 09:30", true, "2027-03-26 17:30"},
		{"before opening", "2027-03-24 07:00", 0, "2027-03-24 09:00", false, "2027-03-24 09:00"},
		{"at closing", "2027-03-24 18:00", 0, "2027-03-25 09:00", false, "2027-03-25 09:00"},
		{"a whole week", "2027-03-22 09:00", 45 * time.Hour, "2027-03-29 09:00", true, "2027-03-22 09:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := at(tt.from)
			if got := h.Add(from, tt.add); !got.Equal(at(tt.want)) {
				t.Errorf("Add(%s, %s) = %s, want %s", tt.from, tt.add, got.In(berlin), tt.want)
			}
			if got := h.Open(from); got != tt.open {
				t.Errorf("Open(%s) = %v", tt.from, got)
			}
			if got := h.NextOpen(from); !got.Equal(at(tt.until)) {
				t.Errorf("NextOpen(%s) = %s, want %s", tt.from, got.In(berlin), tt.until)
			}
			if tt.add > 0 {
				if got := h.Between(from, h.Add(from, tt.add)); got != tt.add {
					t.Errorf("Between(from, Add(from, %s)) = %s", tt.add, got)
				}
			}
		})
	}
	// The summer-time Monday: 09:00 in Berlin is 07:00 UTC, the winter Friday's 08:00 UTC.
	if got := at("2027-03-29 09:00").UTC().Hour(); got != 7 {
		t.Errorf("Monday 09:00 Berlin is %02d:00 UTC, want 07:00", got)
	}
	always := mustHours(t, "")
	from := at("2027-03-27 11:00")
	if !always.Open(from) || !always.Add(from, time.Hour).Equal(from.Add(time.Hour)) || always.Between(from, from.Add(time.Hour)) != time.Hour {
		t.Error("the zero hours are not always open")
	}
}

// Support hours and a digest's time of day come from the operator's configuration: any text is
// refused with the syntax or read into hours whose arithmetic holds.
func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"", "always", "Mon-Fri 09:00-18:00 Europe/Berlin", "Sat,Sun 00:00-24:00", "Fri-Mon 22:00-23:59 UTC", "Mon-Fri 9-5", "Funday"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		h, err := bot.ParseHours(spec)
		if err != nil {
			if !strings.Contains(err.Error(), "Mon-Fri 09:00-18:00 Europe/Berlin") {
				t.Fatalf("refusal without the syntax: %v", err)
			}
			return
		}
		from := time.Date(2027, 3, 26, 17, 30, 0, 0, time.UTC)
		next := h.NextOpen(from)
		if next.Before(from) || !h.Open(next) && !h.Always() {
			t.Fatalf("%q: NextOpen(%s) = %s, not open", spec, from, next)
		}
		later := h.Add(from, 90*time.Minute)
		if got := h.Between(from, later); got != 90*time.Minute {
			t.Fatalf("%q: Between(from, Add(from, 90m)) = %s", spec, got)
		}
	})
}

func FuzzParseDaily(f *testing.F) {
	for _, s := range []string{"08:00 Europe/Berlin", "off", "", "23:59", "24:00", "8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		d, ok, err := bot.ParseDaily(spec)
		if err != nil || !ok {
			return
		}
		from := time.Date(2027, 3, 27, 12, 0, 0, 0, time.UTC)
		next := d.Next(from)
		if !next.After(from) || next.Sub(from) > 26*time.Hour {
			t.Fatalf("%q: Next(%s) = %s", spec, from, next)
		}
	})
}
