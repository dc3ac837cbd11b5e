package redis

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// A turn's save encodes the session and the dialogue's lines. encoding/json does it through
// reflection, with a sorted copy of every map and an allocation per time and per result; these
// appenders write the same bytes (encode_test.go holds them to json.Marshal, field by field)
// into one reused buffer.

// buffers are the encoding buffers of saves, reused across turns.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// release gives a buffer back, grown to b, unless it grew too large to keep around.
func release(p *[]byte, b []byte) {
	if cap(b) > 64<<10 {
		return
	}
	*p = b[:0]
	buffers.Put(p)
}

// releaseSaved gives back the buffer of a save once it is done with, grown to *b, unless the
// save was given up on: it may still be on its way to Redis, reading *b, and is left to the GC.
func releaseSaved(ctx context.Context, p *[]byte, b *[]byte) {
	if ctx.Err() == nil {
		release(p, *b)
	}
}

// appendSession appends the JSON of s, as json.Marshal writes it.
func appendSession(b []byte, s conversation.Session) ([]byte, error) {
	b = append(b, `{"owner":`...)
	b = appendString(b, s.Owner)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, s.Version, 10)
	b = append(b, `,"stage":`...)
	b = appendString(b, string(s.Stage))
	b = appendOptString(b, `,"step":`, s.Step)
	b = appendOptMap(b, `,"answers":`, s.Answers)
	b = appendOptMap(b, `,"pending":`, s.Pending)
	b = appendOptBool(b, `,"editing":true`, s.Editing)
	b = appendOptString(b, `,"confirm":`, s.Confirm)
	b = appendOptBool(b, `,"doubt":true`, s.Doubt)
	b = appendOptString(b, `,"year_checked":`, s.YearChecked)
	b = appendOptBool(b, `,"typing_other":true`, s.TypingOther)
	if len(s.Together) > 0 {
		b = append(b, `,"together":`...)
		b = appendStrings(b, s.Together)
	}
	if len(s.Groups) > 0 {
		b = append(b, `,"groups":`...)
		b = appendStrings(b, s.Groups)
	}
	if len(s.History) > 0 {
		b = append(b, `,"history":`...)
		b = appendStrings(b, s.History)
	}
	b = appendOptString(b, `,"case_id":`, s.CaseID)
	if len(s.Files) > 0 {
		b = append(b, `,"files":`...)
		b = appendStrings(b, s.Files)
	}
	b = appendOptBool(b, `,"safety":true`, s.Safety)
	b = appendOptString(b, `,"language":`, s.Language)
	b = appendOptString(b, `,"language_from":`, s.LanguageFrom)
	if s.Turns != 0 {
		b = append(b, `,"turns":`...)
		b = strconv.AppendInt(b, int64(s.Turns), 10)
	}
	b = appendOptString(b, `,"last_event":`, s.LastEvent)
	if s.Ownership != (conversation.Ownership{}) { // omitzero
		b = append(b, `,"ownership":{`...)
		o := len(b)
		b = appendOptString(b, `,"vin":`, s.Ownership.VIN)
		b = appendOptString(b, `,"result":`, s.Ownership.Result)
		b = appendOptString(b, `,"reason":`, s.Ownership.Reason)
		if len(b) > o {
			b = append(b[:o], b[o+1:]...) // the first member's comma
		}
		b = append(b, '}')
	}
	var err error
	if !s.ForgetAsked.IsZero() { // omitzero
		b = append(b, `,"forget_asked":`...)
		if b, err = appendTime(b, s.ForgetAsked); err != nil {
			return nil, err
		}
	}
	// omitempty never omits a struct: zero times are written too.
	b = append(b, `,"started":`...)
	if b, err = appendTime(b, s.Started); err != nil {
		return nil, err
	}
	b = append(b, `,"updated_at":`...)
	if b, err = appendTime(b, s.UpdatedAt); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// appendLine appends the JSON of l, as json.Marshal writes it.
func appendLine(b []byte, l bot.Line) ([]byte, error) {
	b = append(b, `{"role":`...)
	b = appendString(b, l.Role)
	b = append(b, `,"text":`...)
	b = appendString(b, l.Text)
	if len(l.Buttons) > 0 {
		b = append(b, `,"buttons":`...)
		b = appendStrings(b, l.Buttons)
	}
	b = append(b, `,"at":`...)
	b, err := appendTime(b, l.At)
	if err != nil {
		return nil, err
	}
	if l.Trimmed != 0 {
		b = append(b, `,"trimmed":`...)
		b = strconv.AppendInt(b, int64(l.Trimmed), 10)
	}
	return append(b, '}'), nil
}

func appendOptString(b []byte, name, s string) []byte {
	if s == "" {
		return b
	}
	return appendString(append(b, name...), s)
}

func appendOptBool(b []byte, nameTrue string, v bool) []byte {
	if !v {
		return b
	}
	return append(b, nameTrue...)
}

func appendOptMap(b []byte, name string, m map[string]string) []byte {
	if len(m) == 0 {
		return b
	}
	b = append(b, name...)
	b = append(b, '{')
	// Sorted keys, as encoding/json writes them. A session has a few dozen at most.
	var stack [32]string
	keys := stack[:0]
	if len(m) > len(stack) {
		keys = make([]string, 0, len(m))
	}
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendTime writes t as time.Time.MarshalJSON does, with its error for years it cannot write.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y >= 10000 {
		return nil, errors.New("Time.MarshalJSON: year outside of range [0,9999]")
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does: HTML-safe (<, > and &
// escaped), U+2028 and U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// msArg keeps the script argument (an interface value) of the last number of milliseconds it
// was given: a store passes the same TTL or window turn after turn, and a number in an
// interface costs an allocation each time it is made.
type msArg struct{ last atomic.Pointer[msValue] }

type msValue struct {
	ms  int64
	arg any
}

func (c *msArg) of(ms int64) any {
	if v := c.last.Load(); v != nil && v.ms == ms {
		return v.arg
	}
	v := &msValue{ms: ms, arg: ms}
	c.last.Store(v)
	return v.arg
}

// The arguments of a turn's scripts that stay the same from turn to turn.
var rateWindowArg, rateLimitArg, dedupeArg, sessionTTLArg, dialogueTTLArg msArg
