package bot_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/adapters/ownersfile"
	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// loadOnly is a session store that cannot guess: every turn loads, then saves.
type loadOnly struct{ bot.SessionStore }

// modelExtractor stands in for a model: any extractor but the rules is an outside call.
type modelExtractor struct {
	rules *conversation.RuleExtractor
	calls atomic.Int64
}

func (x *modelExtractor) Extract(ctx context.Context, text string) (map[string]string, error) {
	x.calls.Add(1)
	return x.rules.Extract(ctx, text)
}

type countedChecker struct {
	bot.OwnershipChecker
	calls atomic.Int64
}

func (c *countedChecker) CheckOwnership(ctx context.Context, q bot.OwnershipQuery) (bot.OwnershipAnswer, error) {
	c.calls.Add(1)
	return c.OwnershipChecker.CheckOwnership(ctx, q)
}

// guessStep is one step of guessScript: an owner's event on replica 0 or 1, or a moderator's
// command.
type guessStep struct {
	replica int
	owner   bot.Identity
	text    string
	action  string
	value   string
	again   bool // the event before, delivered again
	command string
}

// guessScript has owners move through their intakes between moderators' commands: ann's turns
// go to both replicas in turn, bob's to one, between a block and a pause, up to the
// submission, and cy writes past the rate limit.
func guessScript() []guessStep {
	const ann, bob, cy = bot.Identity("web:ann"), bot.Identity("web:bob"), bot.Identity("web:cy")
	var s []guessStep
	say := func(replica int, owner bot.Identity, text string) {
		s = append(s, guessStep{replica: replica, owner: owner, text: text})
	}
	press := func(replica int, owner bot.Identity, action, value string) {
		s = append(s, guessStep{replica: replica, owner: owner, action: action, value: value})
	}
	say(0, ann, "hello")
	press(0, ann, conversation.ActionChoose, "understood")
	say(0, bob, "hello")
	press(0, bob, conversation.ActionChoose, "understood")
	// ann's turns by replica: a replica guesses the session it saved last; the VIN goes to the
	// other, and is sent again to the first, whose guess is then a step behind (and would check
	// the VIN's owner: the stored session, a step further, does not).
	annOn := map[string]int{"odometer": 1, "category": 1, "description": 1, "outcome": 1}
	for _, step := range []string{"ticket", "model", "year", "vin", "odometer", "location", "category", "safe", "description", "started", "outcome"} {
		text := answers[step]
		if step == "vin" {
			text = vinAnn // the owners file knows ann's VIN only
			say(1, ann, text)
		}
		say(annOn[step], ann, text)
		switch step {
		case "year":
			s = append(s, guessStep{command: "block web:bob spam"})
			say(0, bob, answers[step])
			s = append(s, guessStep{command: "unblock web:bob"})
		case "odometer":
			s = append(s, guessStep{command: "pause back soon"})
			say(0, bob, answers[step])
			s = append(s, guessStep{command: "resume"})
		case "safe":
			s = append(s, guessStep{replica: 0, owner: bob, again: true})
		}
		say(0, bob, answers[step])
	}
	press(1, ann, conversation.ActionSubmit, "")
	press(0, bob, conversation.ActionSubmit, "")
	say(0, bob, "status")
	for i := range 22 {
		say(0, cy, fmt.Sprintf("message %d", i))
	}
	return s
}

// guessRun is what one run of guessScript left: every answer, the owners' dialogues and
// sessions, the outside calls, and Redis's round trips.
type guessRun struct {
	answers    []string
	dialogues  map[bot.Identity][]string
	sessions   map[bot.Identity]conversation.Session
	extracts   int64
	checks     int64
	roundTrips int64
	guesses    map[bot.GuessResult]int
}

// runGuessScript runs guessScript on two replicas, guessing or not; with model, extraction is
// an outside call (a model's), else the rules'.
func runGuessScript(t *testing.T, guessing, model bool, at time.Time) guessRun {
	t.Helper()
	rds := redistest.New(t)
	h := newHarness(t, rds, func(c *bot.Config) { c.VerifyOwner = bot.VerifyFlag; c.RateLimit = 20 })
	h.clock.Set(at)
	owners, err := ownersfile.FromData("owners.csv", []byte("web:ann,"+vinAnn+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	extractor := &modelExtractor{rules: conversation.NewRuleExtractor(h.engine.Flow())}
	checker := &countedChecker{OwnershipChecker: owners}
	rcfg := redis.Config{Tenant: rds.Tenant, Clock: h.clock}
	stores := []bot.SessionStore{h.sessions, redis.NewSessionStore(rds.Client, rcfg)}
	observed := &turnLog{}
	replicas := make([]*bot.Service, len(stores))
	for i, sessions := range stores {
		if !guessing {
			sessions = loadOnly{sessions}
		}
		h.rebuild(t, func(p *bot.Params) {
			p.Sessions = sessions
			p.Extractor = conversation.NewRuleExtractor(h.engine.Flow())
			if model {
				p.Extractor = extractor
			}
			p.Ownership = checker
			p.Verifications = redis.NewVerifications(rds.Client, rcfg)
			p.Observer = observed
		})
		replicas[i] = h.svc
	}
	ctx := context.Background()
	run := guessRun{dialogues: map[bot.Identity][]string{}, sessions: map[bot.Identity]conversation.Session{}}
	rds.Reset()
	var last bot.OwnerEvent
	for i, step := range guessScript() {
		if step.command != "" {
			out, err := replicas[0].Command(ctx, bot.Actor{ID: "web:mod", Name: "mod"}, step.command)
			if err != nil {
				t.Fatalf("%s: %v", step.command, err)
			}
			run.answers = append(run.answers, step.command+" → "+out)
			continue
		}
		ev := bot.OwnerEvent{ID: fmt.Sprintf("ev-%d", i), Owner: step.owner, Text: step.text, Action: step.action, Value: step.value}
		if step.again {
			ev = last
			ev.Redelivered = true
		}
		last = ev
		replies, err := replicas[step.replica].HandleOwner(ctx, ev)
		if err != nil {
			t.Fatalf("step %d (%s on replica %d): %v", i, step.owner, step.replica, err)
		}
		for _, r := range replies {
			run.answers = append(run.answers, fmt.Sprintf("%d %s: %s %v", i, step.owner, r.Text, r.Buttons))
		}
		if len(replies) == 0 {
			run.answers = append(run.answers, fmt.Sprintf("%d %s: nothing", i, step.owner))
		}
	}
	run.roundTrips = rds.RoundTrips()
	for _, owner := range []bot.Identity{"web:ann", "web:bob", "web:cy"} {
		for _, l := range h.dialogueOf(t, owner) {
			run.dialogues[owner] = append(run.dialogues[owner], l.Role+": "+l.Text)
		}
		sess := h.session(t, owner)
		sess.Started, sess.UpdatedAt = time.Time{}, time.Time{}
		run.sessions[owner] = sess
	}
	run.extracts, run.checks = extractor.calls.Load(), checker.calls.Load()
	run.guesses = observed.guesses
	return run
}

// TestGuessedTurnsAsLoaded: replicas that run turns on the sessions they saved last answer,
// store, keep and ask outside exactly as replicas that load every turn, through a block, a
// pause, a redelivery, the rate limit, a submission, and an owner whose turns go round two
// replicas; and they do it in fewer round trips.
func TestGuessedTurnsAsLoaded(t *testing.T) {
	for _, tc := range []struct {
		name  string
		model bool
		// fewer is the least share of round trips guessing saves: a model's extraction and an
		// ownership check make their turns load.
		fewer int64
	}{
		{"rules", false, 5},
		{"model", true, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := time.Now().Truncate(time.Second)
			loaded := runGuessScript(t, false, tc.model, at)
			guessed := runGuessScript(t, true, tc.model, at)
			if !reflect.DeepEqual(guessed.answers, loaded.answers) {
				t.Errorf("answers differ:\n%s", diffLines(guessed.answers, loaded.answers))
			}
			for owner, lines := range loaded.dialogues {
				if !reflect.DeepEqual(guessed.dialogues[owner], lines) {
					t.Errorf("%s's dialogue differs:\n%s", owner, diffLines(guessed.dialogues[owner], lines))
				}
			}
			for owner, sess := range loaded.sessions {
				if !reflect.DeepEqual(guessed.sessions[owner], sess) {
					t.Errorf("%s's session is %+v, loaded %+v", owner, guessed.sessions[owner], sess)
				}
			}
			if guessed.extracts != loaded.extracts || guessed.checks != loaded.checks {
				t.Errorf("outside calls: %d extractions and %d ownership checks, loaded %d and %d", guessed.extracts, guessed.checks, loaded.extracts, loaded.checks)
			}
			if loaded.checks == 0 || tc.model && loaded.extracts == 0 {
				t.Errorf("the script asked outside %d and %d times; it must ask", loaded.checks, loaded.extracts)
			}
			if !strings.Contains(strings.Join(loaded.answers, "\n"), "ESC-") {
				t.Error("the script submitted no case")
			}
			t.Logf("round trips: %d guessing, %d loading; guesses %v", guessed.roundTrips, loaded.roundTrips, guessed.guesses)
			if len(loaded.guesses) > 0 {
				t.Errorf("a store that cannot guess was observed guessing: %v", loaded.guesses)
			}
			// The script has guesses that hold, that miss (ann's on the replica behind) and
			// that stop (the submissions; with a model, its extractions).
			for _, r := range bot.GuessResults() {
				if guessed.guesses[r] == 0 {
					t.Errorf("no guess %s: %v", r, guessed.guesses)
				}
			}
			if guessed.roundTrips > loaded.roundTrips-loaded.roundTrips/tc.fewer {
				t.Errorf("guessing took %d round trips, loading %d: want 1/%d fewer at least", guessed.roundTrips, loaded.roundTrips, tc.fewer)
			}
		})
	}
}

// diffLines shows where two lists of lines part.
func diffLines(got, want []string) string {
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("line %d: got  %q\n         want %q", i, g, w)
		}
	}
	return "(same lines)"
}
