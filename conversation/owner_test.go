package conversation

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Floors of the story test: a drop below one fails it.
const (
	maxTurnsAllStated = 8    // an opening that states model, year, VIN and the problem
	maxMedianTurns    = 11.0 // over every story
	// Facts of the opening offered for confirmation instead of asked, with the rules alone: the
	// goal is 80% for the rules and 90% with a model; the rules reach the higher one.
	minOfferedShare  = 0.90
	maxTurnsPerStory = 40 // beyond this the dialogue is stuck in a loop
	// A question asked again after a valid answer is a re-ask loop: the scripted owner always
	// answers validly, so every question is asked once (a group's fields count as asked).
	maxAsksOfOneStep    = 1
	ownerDefaultTicket  = "SR-1000001"
	ownerDefaultStarted = "about two weeks ago"
)

// ownerDefaults are the scripted owner's answers to questions a story says nothing about.
var ownerDefaults = map[string]string{
	"ticket":   ownerDefaultTicket,
	"odometer": "20000 km",
	"location": "Berlin, Germany",
	"safe":     "yes",
	"started":  ownerDefaultStarted,
	"outcome":  "A repair that lasts.",
	// Asked only for service and delivery problems.
	"service_center": "Downtown service center",
}

// truth is everything the owner of s knows: the opening's facts, the later answers, and the
// defaults; a VIN consistent with the model and year when the story gives none.
func truth(t testing.TB, s story) map[string]string {
	t.Helper()
	all := map[string]string{}
	for k, v := range ownerDefaults {
		all[k] = v
	}
	for k, v := range s.Owner {
		all[k] = v
	}
	for k, v := range s.Expect {
		all[k] = v
	}
	if all["description"] == "" {
		all["description"] = "The problem from my first message keeps coming back and service has not fixed it."
	}
	if all["vin"] == "" {
		all["vin"] = storyVIN(t, all["model"], all["year"], s.ID)
	}
	return all
}

// storyVIN makes a North American VIN for model and year, with its check digit.
func storyVIN(t testing.TB, model, year, seed string) string {
	t.Helper()
	prefix := map[string]string{"model_s": "5YJS", "model_3": "5YJ3", "model_x": "5YJX", "model_y": "5YJY", "cybertruck": "7G2C"}[model]
	if prefix == "" {
		prefix = "1FT" + "F" // another maker's: its model comes from the owner
	}
	code := byte('R') // 2024
	if y, ok := yearCode(year); ok {
		code = y
	}
	serial := 0
	for _, r := range seed {
		serial = (serial*31 + int(r)) % 1000000
	}
	vin := fmt.Sprintf("%sE1EA0%cF%06d", prefix, code, serial)
	return withCheckDigit(vin, checkDigit(t, vin))
}

func yearCode(year string) (byte, bool) {
	var y int
	if _, err := fmt.Sscan(year, &y); err != nil || y < 2010 || y > 2039 {
		return 0, false
	}
	return vinYearCodes[(y-1980)%30], true
}

// fold lower-cases s and strips its accents, for comparing places and words.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(strings.TrimSpace(s)))
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

// cityAliases are names of one city in two languages.
var cityAliases = map[string]string{"munchen": "munich", "koln": "cologne", "wien": "vienna", "milano": "milan", "sevilla": "seville", "zurich": "zurich", "geneve": "geneva", "bruxelles": "brussels", "lisboa": "lisbon"}

func city(s string) string {
	c, _, _ := strings.Cut(fold(s), ",")
	c = strings.TrimSpace(c)
	if a, ok := cityAliases[c]; ok {
		return a
	}
	return c
}

// contentWords are the words of four letters or more of s, folded.
func contentWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len([]rune(w)) >= 4 {
			out = append(out, w)
		}
	}
	return out
}

// acceptable is how the scripted owner judges a value offered for field: exactly right for the
// fields read by their letter; the right city for the location; the owner's own words about the
// right thing for the free text.
func acceptable(field, offered, want, opening string) bool {
	switch field {
	case "location":
		return city(offered) != "" && city(offered) == city(want)
	case "description":
		return strings.Contains(opening, offered) || offered == want
	case "outcome", "started":
		if !strings.Contains(fold(opening), fold(offered)) && offered != want {
			return false
		}
		if field == "started" {
			return true // the owner's own phrase for when it started
		}
		ws := contentWords(want)
		for _, w := range contentWords(offered) {
			for _, v := range ws {
				if strings.HasPrefix(w, v[:4]) && strings.HasPrefix(v, w[:4]) {
					return true
				}
			}
		}
		return false
	}
	return offered == want
}

// ownerRun is one story driven through the engine by the scripted owner.
type ownerRun struct {
	turns    int
	offered  map[string]bool // fields offered with a value the owner accepted, before being asked
	asked    map[string]int  // fields asked as open questions
	wrongOdo []string        // odometer values offered that were not the reading
	answers  map[string]string
	trace    []string
}

// runStory drives s through the default flow with the rules as the extractor, as bot.Service
// does: the opening is read by the rules, then every message by the extractor before the turn.
func runStory(t *testing.T, s story) ownerRun {
	t.Helper()
	e := NewEngine(DefaultFlow())
	x := NewRuleExtractor(e.Flow())
	f := e.Flow()
	want := truth(t, s)
	run := ownerRun{offered: map[string]bool{}, asked: map[string]int{}}
	now := testNow
	extract := func(text string) map[string]string {
		got, err := x.Extract(context.Background(), text)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// The opening: a new session, the greeting, and what the rules read in the message.
	res := e.Start("web:owner", now)
	res = e.Handle(res.Session, Input{Extracted: extract(s.Text)}, now)
	run.turns = 1
	sess := res.Session
	send := func(in Input, note string) {
		now = now.Add(time.Minute)
		if in.Text != "" && in.Action == "" {
			in.Extracted = extract(in.Text)
		}
		res = e.Handle(sess, in, now)
		sess = res.Session
		run.turns++
		run.trace = append(run.trace, note)
	}
	// judge marks the pending fields offered and says whether the owner accepts them all.
	judge := func() (allRight bool, firstWrong string) {
		allRight = true
		ids := make([]string, 0, len(sess.Pending))
		for id := range sess.Pending {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			v := sess.Pending[id]
			if id == "odometer" && v != want["odometer"] {
				run.wrongOdo = append(run.wrongOdo, v)
			}
			if acceptable(id, v, want[id], s.Text) {
				if run.asked[id] == 0 {
					run.offered[id] = true
				}
				continue
			}
			if allRight {
				firstWrong = id
			}
			allRight = false
		}
		return allRight, firstWrong
	}
	for sess.Stage != StageSubmitted {
		if run.turns > maxTurnsPerStory {
			t.Errorf("%s: no end after %d turns: %s", s.ID, run.turns, strings.Join(run.trace, " | "))
			return run
		}
		st := f.step(sess.Step)
		switch {
		case sess.Stage == StageReview:
			send(Input{Action: ActionSubmit}, "submit")
		case st != nil && st.Kind == KindConsent && len(sess.Pending) > 0:
			ok, _ := judge()
			send(Input{Action: ActionConfirm, Value: map[bool]string{true: "yes", false: "no"}[ok]}, "consent+confirm")
		case st != nil && st.Kind == KindConsent:
			send(Input{Action: ActionChoose, Value: st.Choices[0].Value}, "consent")
		case len(sess.Pending) > 0 && sess.Doubt:
			_, wrong := judge()
			send(Input{Action: ActionChoose, Value: wrong}, "wrong "+wrong)
		case len(sess.Pending) > 0:
			ok, _ := judge()
			send(Input{Action: ActionConfirm, Value: map[bool]string{true: "yes", false: "no"}[ok]}, "confirm")
		case sess.Confirm != "":
			switch st.Kind {
			case KindChoice:
				if sess.Confirm == want[st.ID] {
					if run.asked[st.ID] <= 1 {
						run.offered[st.ID] = true
					}
					send(Input{Action: ActionConfirm, Value: "yes"}, "yes "+st.ID)
				} else {
					send(Input{Action: ActionChoose, Value: want[st.ID]}, "pick "+st.ID)
				}
			case KindYear:
				send(Input{Action: ActionChoose, Value: want[st.ID]}, "year "+want[st.ID])
			case KindOdometer:
				send(Input{Action: ActionChoose, Value: strings.Fields(want[st.ID])[1]}, "unit")
			default:
				send(Input{Text: want[st.ID]}, "retype "+st.ID)
			}
		case len(sess.Together) > 1 && sess.Together[0] == st.ID:
			// Several details asked in one message: the owner answers them in one, a
			// sentence each, as people write them.
			var said []string
			for _, id := range sess.Together {
				run.asked[id]++
				said = append(said, togetherAnswer(id, want[id]))
			}
			send(Input{Text: strings.Join(said, ". ")}, "type "+strings.Join(sess.Together, "+"))
		default:
			if !sess.TypingOther { // the text after "Other" answers the same question
				run.asked[st.ID]++
			}
			if run.asked[st.ID] > maxAsksOfOneStep {
				t.Errorf("%s: %s asked %d times: %s", s.ID, st.ID, run.asked[st.ID], strings.Join(run.trace, " | "))
				return run
			}
			v := want[st.ID]
			switch {
			case st.Kind == KindChoice && st.choice(v) == nil && st.Other && !sess.TypingOther:
				send(Input{Action: ActionChoose, Value: OtherValue}, "other")
			case hasChoices(st.Kind) && st.choice(v) != nil:
				send(Input{Action: ActionChoose, Value: v}, "press "+st.ID)
			default:
				send(Input{Text: v}, "type "+st.ID)
			}
		}
	}
	run.answers = sess.Answers
	return run
}

// togetherAnswer is how the scripted owner states one of several details asked in one message.
func togetherAnswer(id, v string) string {
	switch {
	case id == "ticket" && v == TicketNone:
		return "I have no ticket number"
	case id == "ticket":
		return "Ticket " + v
	case id == "odometer":
		return "The odometer shows " + v
	case id == "location":
		return "I'm in " + v
	case id == "started":
		return "It started " + v
	}
	return v
}

// TestStoriesEndToEnd drives every story through the engine with a scripted owner who reads each
// question like a person: confirms what is right, says which is wrong, presses buttons, types
// the rest. It measures owner turns and how many facts of the opening were offered rather than
// asked, and fails when a figure drops below its floor.
func TestStoriesEndToEnd(t *testing.T) {
	stories := loadStories(t)
	var turns []int
	stated, offered := 0, 0
	var allStated []string
	mostAllStated := 0
	missedBy := map[string]int{}
	for _, s := range stories {
		run := runStory(t, s)
		want := truth(t, s)
		if run.answers == nil {
			continue
		}
		// The case is right: every answer is what the owner knows.
		for id, v := range want {
			got, ok := run.answers[id]
			if !ok {
				continue // a step that does not apply
			}
			if st := DefaultFlow().step(id); st != nil && st.choice(got) == nil && st.Kind == KindChoice && st.choice(v) != nil {
				t.Errorf("%s: %s = %q, want %q", s.ID, id, got, v)
				continue
			}
			if !acceptable(id, got, v, s.Text) && got != v {
				t.Errorf("%s: %s = %q, want %q", s.ID, id, got, v)
			}
		}
		if len(run.wrongOdo) > 0 {
			t.Errorf("%s: offered %q as the odometer; the reading is %s", s.ID, run.wrongOdo, want["odometer"])
		}
		turns = append(turns, run.turns)
		for id := range s.Expect {
			stated++
			if run.offered[id] {
				offered++
			} else {
				missedBy[id]++
				t.Logf("asked although stated: %-36s %s", s.ID, id)
			}
		}
		// The flow asks ticket, odometer, location, safety, when it started and the outcome
		// besides; ticket, odometer and location come in one question (the "details" group),
		// so an opening that states the vehicle and the problem leaves at most five
		// questions, which with the opening, consent and submit is eight turns.
		if s.Expect["description"] != "" && s.Expect["model"] != "" && s.Expect["year"] != "" && s.Expect["vin"] != "" {
			allStated = append(allStated, s.ID)
			mostAllStated = max(mostAllStated, run.turns)
			if run.turns > maxTurnsAllStated {
				t.Errorf("%s states model, year, VIN and the problem but took %d turns (at most %d): %s",
					s.ID, run.turns, maxTurnsAllStated, strings.Join(run.trace, " | "))
			}
		}
	}
	slices.Sort(turns)
	median := 0.0
	if n := len(turns); n > 0 {
		median = float64(turns[n/2])
		if n%2 == 0 {
			median = float64(turns[n/2-1]+turns[n/2]) / 2
		}
	}
	share := float64(offered) / float64(max(stated, 1))
	t.Logf("stories: %d; owner turns: median %.1f, min %d, max %d", len(turns), median, turns[0], turns[len(turns)-1])
	t.Logf("openings stating model, year, VIN and the problem: %d, each in at most %d turns (most: %d)", len(allStated), maxTurnsAllStated, mostAllStated)
	t.Logf("facts in the openings: %d; offered for confirmation: %d (%.0f%%); asked: %d", stated, offered, 100*share, stated-offered)
	var fields []string
	for id, n := range missedBy {
		fields = append(fields, fmt.Sprintf("%s %d", id, n))
	}
	sort.Strings(fields)
	t.Logf("asked although stated, by field: %s", strings.Join(fields, ", "))
	if median > maxMedianTurns {
		t.Errorf("median %.1f turns, above %.0f", median, maxMedianTurns)
	}
	if share < minOfferedShare {
		t.Errorf("%.0f%% of the opening's facts offered, below %.0f%%", 100*share, 100*minOfferedShare)
	}
}
