package bot

import (
	"fmt"
	"strings"
	"time"
)

// Hours are the support hours the line's clocks run in: some days of the week, one window of
// the day, in one time zone. The zero Hours are always open.
type Hours struct {
	days        [7]bool // by time.Weekday
	start, end  int     // minutes after midnight, start < end
	loc         *time.Location
	spec        string
	initialized bool
}

// HoursSyntax is how support hours are written, for error messages and the README.
const HoursSyntax = `"Mon-Fri 09:00-18:00 Europe/Berlin" (days as Mon-Fri or Mon,Wed,Sat; a 24-hour window; an IANA time zone, UTC when left out)`

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseHours reads support hours; "" and "always" are always open.
func ParseHours(spec string) (Hours, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || strings.EqualFold(spec, "always") {
		return Hours{}, nil
	}
	fail := func(why string) (Hours, error) {
		return Hours{}, fmt.Errorf("support hours %q: %s; write them as %s", spec, why, HoursSyntax)
	}
	parts := strings.Fields(spec)
	if len(parts) < 2 || len(parts) > 3 {
		return fail("want days, a window and a time zone")
	}
	h := Hours{spec: spec, loc: time.UTC, initialized: true}
	for item := range strings.SplitSeq(strings.ToLower(parts[0]), ",") {
		from, to, isRange := strings.Cut(item, "-")
		a, ok1 := weekdays[from]
		b, ok2 := weekdays[to]
		if !isRange {
			b, ok2 = a, ok1
		}
		if !ok1 || !ok2 {
			return fail(fmt.Sprintf("%q is not a day or a range of days", item))
		}
		for d := a; ; d = (d + 1) % 7 {
			h.days[d] = true
			if d == b {
				break
			}
		}
	}
	from, to, ok := strings.Cut(parts[1], "-")
	var err1, err2 error
	h.start, err1 = clockMinutes(from)
	h.end, err2 = clockMinutes(to)
	if !ok || err1 != nil || err2 != nil {
		return fail(fmt.Sprintf("%q is not a window like 09:00-18:00", parts[1]))
	}
	if h.end <= h.start {
		return fail("the window must end after it starts, on the same day")
	}
	if len(parts) == 3 {
		loc, err := time.LoadLocation(parts[2])
		if err != nil {
			return fail(fmt.Sprintf("unknown time zone %q", parts[2]))
		}
		h.loc = loc
	}
	return h, nil
}

// clockMinutes reads "09:00" (or "24:00", the end of a day) as minutes after midnight.
func clockMinutes(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err == nil {
		return t.Hour()*60 + t.Minute(), nil
	}
	if s == "24:00" {
		return 24 * 60, nil
	}
	return 0, err
}

// Always reports whether the hours never close.
func (h Hours) Always() bool { return !h.initialized }

// String is the hours as configured, "always" for the zero Hours.
func (h Hours) String() string {
	if h.Always() {
		return "always"
	}
	return h.spec
}

// window returns the support window of t's day, in h's zone, and whether the day has one.
func (h Hours) window(t time.Time) (start, end time.Time, ok bool) {
	t = t.In(h.loc)
	if !h.days[t.Weekday()] {
		return time.Time{}, time.Time{}, false
	}
	y, m, d := t.Date()
	// time.Date resolves the wall clock of that very day, so a DST change moves the window
	// with the clocks, as people's working hours move.
	start = time.Date(y, m, d, h.start/60, h.start%60, 0, 0, h.loc)
	end = time.Date(y, m, d, h.end/60, h.end%60, 0, 0, h.loc)
	return start, end, true
}

// Open reports whether t is inside the support hours.
func (h Hours) Open(t time.Time) bool {
	if h.Always() {
		return true
	}
	start, end, ok := h.window(t)
	return ok && !t.Before(start) && t.Before(end)
}

// NextOpen is t when the hours are open at t, else when they open next.
func (h Hours) NextOpen(t time.Time) time.Time {
	if h.Always() {
		return t
	}
	day := t
	for range 8 {
		start, end, ok := h.window(day)
		if ok && t.Before(end) {
			if t.Before(start) {
				return start
			}
			return t
		}
		y, m, d := day.In(h.loc).Date()
		day = time.Date(y, m, d+1, 0, 0, 0, 0, h.loc)
	}
	return t // no day is open: Parse refuses such hours
}

// Add is the time when d of support time has passed after t: the clocks of the line stop
// outside the hours. Add(t, 0) is NextOpen(t).
func (h Hours) Add(t time.Time, d time.Duration) time.Time {
	if h.Always() {
		return t.Add(d)
	}
	t = h.NextOpen(t)
	for {
		_, end, _ := h.window(t)
		left := end.Sub(t)
		if d < left {
			return t.Add(d)
		}
		d -= left
		t = h.NextOpen(end)
	}
}

// Between is the support time that passed from a to b (0 when b is before a).
func (h Hours) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if h.Always() {
		return b.Sub(a)
	}
	var total time.Duration
	for t := h.NextOpen(a); t.Before(b); {
		_, end, _ := h.window(t)
		if end.After(b) {
			end = b
		}
		total += end.Sub(t)
		t = h.NextOpen(end)
	}
	return total
}
