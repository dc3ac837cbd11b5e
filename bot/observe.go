package bot

import (
	"context"
	"time"
)

// Observer is told how the service's work went, for monitoring. It is optional: without one
// nothing is measured. Implementations must be quick and must not fail: they run on the
// owner's turn.
type Observer interface {
	// Turn is called once for every owner event HandleOwner ran, with how long it took (wall
	// time, retries after a conflict included) and the error it returned, if any.
	Turn(ctx context.Context, d time.Duration, err error)
	// Guessed is called for every owner event that ran on the session its replica saved last
	// (see Guesser), with how the guess went.
	Guessed(ctx context.Context, result GuessResult)
}

// GuessResult is how a turn run on a guess went.
type GuessResult string

const (
	// GuessSaved: the guess held and the turn was read and saved in one round trip.
	GuessSaved GuessResult = "saved"
	// GuessMissed: the stored session was another, or a gate stood; the turn ran again on what
	// the save read, and the replica guesses that owner no more.
	GuessMissed GuessResult = "missed"
	// GuessStopped: the turn came to a step a guess does not take (a submission, an outside
	// call) and ran on a load.
	GuessStopped GuessResult = "stopped"
)

// GuessResults are every GuessResult, for a metric's labels.
func GuessResults() []GuessResult { return []GuessResult{GuessSaved, GuessMissed, GuessStopped} }

// noObserver measures nothing.
type noObserver struct{}

func (noObserver) Turn(context.Context, time.Duration, error) {}
func (noObserver) Guessed(context.Context, GuessResult)       {}
