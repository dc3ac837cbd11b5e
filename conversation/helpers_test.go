package conversation

import (
	"context"
	"strings"
	"testing"
	"time"
)

// testNow fixes "now" so year bounds are stable: model years run 2008..2027.
var testNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// checkDigit computes a VIN's check digit independently of vin.go, from the ISO 3779 tables
// written out longhand, so a shared mistake cannot make both agree.
func checkDigit(t testing.TB, vin string) byte {
	t.Helper()
	values := map[rune]int{
		'A': 1, 'B': 2, 'C': 3, 'D': 4, 'E': 5, 'F': 6, 'G': 7, 'H': 8,
		'J': 1, 'K': 2, 'L': 3, 'M': 4, 'N': 5, 'P': 7, 'R': 9,
		'S': 2, 'T': 3, 'U': 4, 'V': 5, 'W': 6, 'X': 7, 'Y': 8, 'Z': 9,
	}
	weights := []int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	if len(vin) != 17 {
		t.Fatalf("checkDigit(%q): not 17 characters", vin)
	}
	sum := 0
	for i, r := range vin {
		v, ok := values[r]
		if '0' <= r && r <= '9' {
			v, ok = int(r-'0'), true
		}
		if !ok {
			t.Fatalf("checkDigit(%q): bad character %q", vin, r)
		}
		sum += v * weights[i]
	}
	if sum%11 == 10 {
		return 'X'
	}
	return byte('0' + sum%11)
}

// validVIN returns vin after verifying that its check digit is right.
func validVIN(t testing.TB, vin string) string {
	t.Helper()
	if got := checkDigit(t, vin); vin[8] != got {
		t.Fatalf("test VIN %s has check digit %c, want %c", vin, vin[8], got)
	}
	return vin
}

// withCheckDigit returns vin with position 9 replaced by digit.
func withCheckDigit(vin string, digit byte) string {
	return vin[:8] + string(digit) + vin[9:]
}

// wrongCheckDigit returns vin with a check digit that does not match.
func wrongCheckDigit(t testing.TB, vin string) string {
	t.Helper()
	want := checkDigit(t, vin)
	for _, d := range []byte("0123456789X") {
		if d != want {
			return withCheckDigit(vin, d)
		}
	}
	panic("unreachable")
}

// Known VINs, each verified by the tests that use them.
const (
	vinModel3 = "5YJ3E1EA2KF317000"
	vinHonda  = "1HGCM82633A004352"
	vinOnes   = "11111111111111111"
)

// chat drives an engine turn by turn, as an adapter would.
type chat struct {
	t   *testing.T
	e   *Engine
	x   Extractor
	s   Session
	now time.Time
	res Result
}

func newChat(t *testing.T) *chat {
	t.Helper()
	e := NewEngine(DefaultFlow())
	c := &chat{t: t, e: e, x: NewRuleExtractor(e.Flow()), now: testNow}
	c.res = e.Start("U1", c.now)
	c.s = c.res.Session
	return c
}

// send types text; the extractor runs first, as the caller does.
func (c *chat) send(text string) Result {
	c.t.Helper()
	found, err := c.x.Extract(context.Background(), text)
	if err != nil {
		c.t.Fatalf("extract: %v", err)
	}
	return c.do(Input{Text: text, Extracted: found})
}

// press sends a button.
func (c *chat) press(action, value string) Result {
	c.t.Helper()
	return c.do(Input{Action: action, Value: value})
}

func (c *chat) do(in Input) Result {
	c.t.Helper()
	before := c.s
	c.now = c.now.Add(time.Minute)
	c.res = c.e.Handle(c.s, in, c.now)
	after := c.res.Session
	if after.Turns != before.Turns+1 {
		c.t.Fatalf("Turns %d after %d", after.Turns, before.Turns)
	}
	if after.Version != before.Version {
		c.t.Fatalf("Version changed from %d to %d", before.Version, after.Version)
	}
	if !after.UpdatedAt.Equal(c.now) {
		c.t.Fatalf("UpdatedAt %v, want %v", after.UpdatedAt, c.now)
	}
	c.s = after
	return c.res
}

// step asserts the step being asked.
func (c *chat) step(want string) {
	c.t.Helper()
	if c.s.Stage != StageIntake || c.s.Step != want {
		c.t.Fatalf("at %s/%q, want intake/%q; replies: %s", c.s.Stage, c.s.Step, want, texts(c.res.Replies))
	}
}

// stage asserts the stage.
func (c *chat) stage(want Stage) {
	c.t.Helper()
	if c.s.Stage != want {
		c.t.Fatalf("stage %s, want %s; replies: %s", c.s.Stage, want, texts(c.res.Replies))
	}
}

// saw asserts that some reply of the last turn contains want.
func (c *chat) saw(want string) {
	c.t.Helper()
	if !strings.Contains(texts(c.res.Replies), want) {
		c.t.Fatalf("no reply contains %q; replies: %s", want, texts(c.res.Replies))
	}
}

// answer asserts a stored answer.
func (c *chat) answer(id, want string) {
	c.t.Helper()
	if got, ok := c.s.Answers[id]; !ok || got != want {
		c.t.Fatalf("answer %s = %q (present %v), want %q", id, got, ok, want)
	}
}

// lastButtons are the buttons of the last reply of the last turn.
func (c *chat) lastButtons() []Button {
	if len(c.res.Replies) == 0 {
		return nil
	}
	return c.res.Replies[len(c.res.Replies)-1].Buttons
}

func (c *chat) hasButton(want Button) bool {
	for _, b := range c.lastButtons() {
		if b == want {
			return true
		}
	}
	return false
}

func texts(replies []Reply) string {
	var b strings.Builder
	for _, r := range replies {
		b.WriteString("[")
		b.WriteString(r.Text)
		b.WriteString("] ")
	}
	return b.String()
}

// walkThrough is an owner answering every step of the default flow, in order, up to the review.
var walkThrough = []struct{ step, text string }{
	{"consent", "I understand"},
	{"ticket", "SR-1234567"},
	{"model", "Model 3"},
	{"year", "2019"},
	{"vin", vinModel3},
	{"odometer", "45,000 miles"},
	{"location", "Austin, Texas"},
	{"category", "Battery & charging"},
	{"safe", "yes"},
	{"description", "The car stops charging at 80% at every Supercharger and service could not fix it."},
	{"started", "about three weeks ago"},
	{"outcome", "A repair that lasts."},
}

// walkTo answers every step before stop.
func (c *chat) walkTo(stop string) {
	c.t.Helper()
	validVIN(c.t, vinModel3)
	for _, w := range walkThrough {
		if w.step == stop {
			break
		}
		c.step(w.step)
		c.send(w.text)
	}
	if stop != "" {
		c.step(stop)
	}
}
