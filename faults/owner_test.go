package faults

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"escalation-bot/conversation"
	"escalation-bot/xtest/intaketest"
)

// Pseudo-steps an owner answers besides the flow's steps.
const (
	stepStart   = "start"   // the first message, "hello"
	stepReview  = "review"  // the review card: the answer is Submit
	stepConfirm = "confirm" // "I picked up …, is that right?": the answer is Yes
)

// persona is one vehicle owner and what they answer at each step of the default intake.
type persona struct {
	n       int
	name    string
	answers map[string]string
}

func newPersona(n int, name string) persona {
	a := intaketest.Answers()
	a["ticket"] = fmt.Sprintf("SR-%05d", 20000+n)
	// One vehicle each: a second report of a VIN with an open case joins that case.
	a["vin"] = vinFor(n)
	return persona{n: n, name: name, answers: a}
}

// move is what an owner does: press a button (Action and Value) or type Text.
type move struct {
	Action, Value string
	Text          string
}

func (m move) String() string {
	if m.Action != "" {
		return "[" + m.Action + " " + m.Value + "]"
	}
	return fmt.Sprintf("%q", m.Text)
}

// at is the owner's move when the bot asks step: buttons where a person would click them,
// typing elsewhere.
func (p persona) at(step string) move {
	switch step {
	case stepStart:
		return move{Text: "hello"}
	case "consent":
		return move{Action: conversation.ActionChoose, Value: "understood"}
	case "model":
		return move{Action: conversation.ActionChoose, Value: "model_3"}
	case "safe":
		return move{Action: conversation.ActionChoose, Value: "yes"}
	case stepReview:
		return move{Action: conversation.ActionSubmit}
	case stepConfirm:
		return move{Action: conversation.ActionConfirm, Value: "yes"}
	}
	return move{Text: p.answers[step]}
}

// botMessage is one message of the bot to an owner, as the owner sees it.
type botMessage struct {
	Text    string
	Buttons []button
	TS      string // Slack: the message's ts, for a click on its buttons
	ID      string // Discord: the message id, for a click on its buttons
}

type button struct {
	Action, Value, Label string
	ID                   string // Slack: the action_id; Discord: the custom_id
	Select               bool   // Discord: an option of a select menu, not a button
}

func (m botMessage) button(action, value string) (button, bool) {
	for _, b := range m.Buttons {
		if b.Action == action && (value == "" || b.Value == value) {
			return b, true
		}
	}
	return button{}, false
}

// What an owner makes of a message.
type kind int

const (
	unknown kind = iota // not understood: an apology, an error
	benign              // the greeting, help text: nothing to do yet
	asked               // a question; reading.step says which
	told                // a case id; reading.caseID
)

type reading struct {
	kind   kind
	step   string
	caseID string
}

var caseIDPattern = regexp.MustCompile(`\bESC-[0-9]+\b`)

// reader recognizes what the bot asks by its words, as a person reading the DM would.
type reader struct {
	greeting string
	prompts  []struct{ step, text string }
}

func newReader() reader {
	f := conversation.DefaultFlow()
	r := reader{greeting: f.Greeting}
	for _, st := range f.Steps {
		r.prompts = append(r.prompts, struct{ step, text string }{st.ID, st.Prompt})
	}
	return r
}

func (r reader) read(m botMessage) reading {
	text := strings.TrimSpace(m.Text)
	if id := caseIDPattern.FindString(text); id != "" {
		return reading{kind: told, caseID: id}
	}
	if _, ok := m.button(conversation.ActionSubmit, ""); ok {
		return reading{kind: asked, step: stepReview}
	}
	if _, ok := m.button(conversation.ActionConfirm, "yes"); ok {
		return reading{kind: asked, step: stepConfirm}
	}
	if strings.HasPrefix(text, r.greeting) || strings.Contains(text, "You can also type: back") ||
		strings.HasPrefix(text, "Let's carry on where we were") {
		return reading{kind: benign}
	}
	for _, p := range r.prompts {
		if strings.Contains(text, p.text) {
			return reading{kind: asked, step: p.step}
		}
	}
	return reading{kind: unknown}
}

// vinFor is a valid VIN of its own for owner n: the serial number varies, the check digit
// (ISO 3779) follows.
func vinFor(n int) string {
	vin := []byte(fmt.Sprintf("1HGCM826?3A%06d", 100000+n))
	vin[8] = vinCheckDigit(vin)
	return string(vin)
}

func vinCheckDigit(vin []byte) byte {
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	const letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
	values := [...]int{1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9}
	sum := 0
	for i, c := range vin {
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		default:
			if j := strings.IndexByte(letters, c); j >= 0 {
				v = values[j]
			}
		}
		sum += v * weights[i]
	}
	if r := sum % 11; r < 10 {
		return byte('0' + r)
	}
	return 'X'
}

// The owners' VINs are ones the bot accepts without asking, each different.
func TestFaultHarnessVINs(t *testing.T) {
	seen := map[string]bool{}
	for n := range 999 {
		v := vinFor(n)
		if _, err := conversation.ValidateVIN(v); err != nil {
			t.Fatalf("vinFor(%d) = %s: %v", n, v, err)
		}
		if seen[v] {
			t.Fatalf("vinFor(%d) = %s twice", n, v)
		}
		seen[v] = true
	}
	if vinFor(0) == intaketest.ValidVIN {
		t.Fatal("an owner shares the VIN of the other tests")
	}
}
