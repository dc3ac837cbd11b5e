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
}

// noObserver measures nothing.
type noObserver struct{}

func (noObserver) Turn(context.Context, time.Duration, error) {}
