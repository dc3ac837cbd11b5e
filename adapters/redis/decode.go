package redis

import (
	"strconv"
	"time"
	"unicode/utf8"

	"escalation-bot/conversation"
)

// decodeSession reads a session in the form appendSession writes (encoding/json's, without
// escapes in strings) into s, as json.Unmarshal would, taking the strings from data without
// copying them. It reports false, having left s as it was, for anything else (an escape, an
// unknown field, null, white space): the caller then decodes with encoding/json.
func decodeSession(data string, s *conversation.Session) bool {
	d := scanner{s: data}
	v := *s
	if !d.take('{') {
		return false
	}
	for !d.take('}') {
		key, ok := d.str()
		if !ok || !d.take(':') {
			return false
		}
		switch key {
		case "owner":
			v.Owner, ok = d.str()
		case "version":
			v.Version, ok = d.int()
		case "stage":
			var stage string
			stage, ok = d.str()
			v.Stage = conversation.Stage(stage)
		case "step":
			v.Step, ok = d.str()
		case "answers":
			v.Answers, ok = d.strMap(v.Answers)
		case "pending":
			v.Pending, ok = d.strMap(v.Pending)
		case "editing":
			v.Editing, ok = d.bool()
		case "confirm":
			v.Confirm, ok = d.str()
		case "doubt":
			v.Doubt, ok = d.bool()
		case "year_checked":
			v.YearChecked, ok = d.str()
		case "typing_other":
			v.TypingOther, ok = d.bool()
		case "together":
			v.Together, ok = d.strs()
		case "groups":
			v.Groups, ok = d.strs()
		case "history":
			v.History, ok = d.strs()
		case "case_id":
			v.CaseID, ok = d.str()
		case "files":
			v.Files, ok = d.strs()
		case "safety":
			v.Safety, ok = d.bool()
		case "language":
			v.Language, ok = d.str()
		case "language_from":
			v.LanguageFrom, ok = d.str()
		case "turns":
			var n int64
			n, ok = d.int()
			v.Turns = int(n)
		case "last_event":
			v.LastEvent, ok = d.str()
		case "ownership":
			v.Ownership, ok = d.ownership(v.Ownership)
		case "forget_asked":
			v.ForgetAsked, ok = d.time()
		case "started":
			v.Started, ok = d.time()
		case "updated_at":
			v.UpdatedAt, ok = d.time()
		default:
			return false
		}
		if !ok {
			return false
		}
		if !d.next('}') {
			return false
		}
	}
	if d.i != len(d.s) {
		return false
	}
	*s = v
	return true
}

// scanner reads the compact JSON the appenders write.
type scanner struct {
	s string
	i int
}

func (d *scanner) take(c byte) bool {
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

// next steps over the comma between two members or elements; true also before end.
func (d *scanner) next(end byte) bool {
	if d.take(',') {
		return d.i < len(d.s) && d.s[d.i] != end
	}
	return d.i < len(d.s) && d.s[d.i] == end
}

// str reads a string without escapes, in valid UTF-8.
func (d *scanner) str() (string, bool) {
	if !d.take('"') {
		return "", false
	}
	start, ascii := d.i, true
	for ; d.i < len(d.s); d.i++ {
		switch c := d.s[d.i]; {
		case c == '"':
			v := d.s[start:d.i]
			d.i++
			return v, ascii || utf8.ValidString(v)
		case c == '\\' || c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

// int reads an integer as JSON writes it: no fraction, no exponent, no leading zero.
func (d *scanner) int() (int64, bool) {
	start := d.i
	d.take('-')
	digits := d.i
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	if d.i == digits || (d.s[digits] == '0' && d.i-digits > 1) {
		return 0, false
	}
	if d.i < len(d.s) && (d.s[d.i] == '.' || d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		return 0, false
	}
	n, err := strconv.ParseInt(d.s[start:d.i], 10, 64)
	return n, err == nil
}

func (d *scanner) bool() (bool, bool) {
	rest := d.s[d.i:]
	switch {
	case len(rest) >= 4 && rest[:4] == "true":
		d.i += 4
		return true, true
	case len(rest) >= 5 && rest[:5] == "false":
		d.i += 5
		return false, true
	}
	return false, false
}

// time reads a time as time.Time.UnmarshalJSON does.
func (d *scanner) time() (time.Time, bool) {
	start := d.i
	if _, ok := d.str(); !ok {
		return time.Time{}, false
	}
	var buf [64]byte
	var t time.Time
	err := t.UnmarshalJSON(append(buf[:0], d.s[start:d.i]...))
	return t, err == nil
}

// strMap reads an object of strings into a new map, as json.Unmarshal does into a nil map;
// a map that exists is left to json.Unmarshal.
func (d *scanner) strMap(m map[string]string) (map[string]string, bool) {
	n, ok := d.count('{', '}', true)
	if !ok || m != nil {
		return m, false
	}
	d.take('{')
	m = make(map[string]string, n)
	for !d.take('}') {
		k, ok := d.str()
		if !ok || !d.take(':') {
			return m, false
		}
		v, ok := d.str()
		if !ok || !d.next('}') {
			return m, false
		}
		m[k] = v
	}
	return m, true
}

// strs reads an array of strings into a new slice, as json.Unmarshal does into a nil slice.
func (d *scanner) strs() ([]string, bool) {
	n, ok := d.count('[', ']', false)
	if !ok {
		return nil, false
	}
	d.take('[')
	out := make([]string, 0, n)
	for !d.take(']') {
		v, ok := d.str()
		if !ok || !d.next(']') {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// count counts the strings of the array (or the pairs of strings of the object, with pairs)
// that starts here, without reading it, so it can be made at its size.
func (d *scanner) count(start, end byte, pairs bool) (int, bool) {
	c := *d
	if !c.take(start) {
		return 0, false
	}
	n := 0
	for !c.take(end) {
		if _, ok := c.str(); !ok {
			return 0, false
		}
		if pairs {
			if !c.take(':') {
				return 0, false
			}
			if _, ok := c.str(); !ok {
				return 0, false
			}
		}
		if !c.next(end) {
			return 0, false
		}
		n++
	}
	return n, true
}

// ownership reads the members of an ownership check into o, as json.Unmarshal does.
func (d *scanner) ownership(o conversation.Ownership) (conversation.Ownership, bool) {
	if !d.take('{') {
		return o, false
	}
	for !d.take('}') {
		k, ok := d.str()
		if !ok || !d.take(':') {
			return o, false
		}
		v, ok := d.str()
		if !ok {
			return o, false
		}
		switch k {
		case "vin":
			o.VIN = v
		case "result":
			o.Result = v
		case "reason":
			o.Reason = v
		default:
			return o, false
		}
		if !d.next('}') {
			return o, false
		}
	}
	return o, true
}
