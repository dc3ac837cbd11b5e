package bot_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// turnLog records what an Observer is told.
type turnLog struct {
	mu      sync.Mutex
	errs    []error
	took    []time.Duration
	guesses map[bot.GuessResult]int
}

func (l *turnLog) Guessed(_ context.Context, result bot.GuessResult) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.guesses == nil {
		l.guesses = map[bot.GuessResult]int{}
	}
	l.guesses[result]++
}

func (l *turnLog) Turn(_ context.Context, d time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
	l.took = append(l.took, d)
}

// brokenSessions is a session store whose reads fail, as when Redis is away.
type brokenSessions struct{ bot.SessionStore }

var errAway = errors.New("redis is away")

func (brokenSessions) Load(context.Context, bot.Identity, string) (bot.Turn, error) {
	return bot.Turn{}, errAway
}

// Every owner turn is observed once, with its duration and its error.
func TestObserverSeesEveryTurn(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	log := &turnLog{}
	h.rebuild(t, func(p *bot.Params) { p.Observer = log })
	h.say(t, "web:ann", "hello")
	h.say(t, "web:ann", "hello again")

	h.rebuild(t, func(p *bot.Params) { p.Sessions = brokenSessions{p.Sessions} })
	if _, err := h.svc.HandleOwner(context.Background(), bot.OwnerEvent{Owner: "web:ann", Text: "anyone?"}); !errors.Is(err, errAway) {
		t.Fatalf("err = %v", err)
	}
	if len(log.errs) != 3 || log.errs[0] != nil || log.errs[1] != nil || !errors.Is(log.errs[2], errAway) {
		t.Fatalf("observed %v", log.errs)
	}
	for _, d := range log.took {
		if d <= 0 {
			t.Fatalf("durations %v", log.took)
		}
	}
}

// Without an Observer the service runs as before.
func TestNoObserver(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	h.rebuild(t, func(p *bot.Params) { p.Observer = nil })
	h.say(t, "web:ann", "hello")
}
