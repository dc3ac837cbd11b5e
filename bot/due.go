package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"escalation-bot/conversation"
)

// firstPostRetry is when a card post is checked again after submission. The check is
// scheduled before the first attempt, so a crash between creating the case and posting its
// card still gets the card posted.
const firstPostRetry = 15 * time.Second

// maxPostRetry caps the backoff between attempts to post a card a platform refuses.
const maxPostRetry = 10 * time.Minute

// dueLease is how long a taken item stays hidden from other replicas; an item whose
// handler died comes back after it. Running an item twice is safe (a card is looked for
// before it is posted again), so the lease is short.
const dueLease = 30 * time.Second

// RunDue handles the items that are due now and returns how many it took.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	if s.due == nil {
		return 0, nil
	}
	items, err := s.due.TakeDue(ctx, s.clock.Now(), dueLease, 50)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if it.Kind == DueDeliver {
			// A delivery records its own attempts; one waiting for an earlier change of its
			// case is looked at again shortly.
			if err := s.runDeliver(ctx, it); err != nil {
				s.waitTurn(ctx, it, err)
			}
			continue
		}
		if it.Kind == DueOwnership {
			// The check takes its item off the queue, or moves it, itself.
			if err := s.runOwnershipCheck(ctx, it); err != nil {
				s.log.ErrorContext(ctx, "ownership check failed, will retry", "case", it.CaseID, "err", err)
				s.waitTurn(ctx, it, err)
			}
			continue
		}
		if it.Kind == DueErase {
			// The erasure takes its item off the queue, or moves it, itself.
			if err := s.runRetention(ctx, it); err != nil {
				s.log.ErrorContext(ctx, "retention erasure failed, will retry", "case", it.CaseID, "err", err)
				s.retry(ctx, it)
			}
			continue
		}
		if err := s.runDueItem(ctx, it); err != nil {
			s.log.ErrorContext(ctx, "due item failed, will retry", "kind", it.Kind, "case", it.CaseID, "attempt", it.Attempt, "err", err)
			s.retry(ctx, it)
			continue
		}
		if err := s.due.Done(ctx, it); err != nil {
			s.log.ErrorContext(ctx, "due item done", "kind", it.Kind, "case", it.CaseID, "err", err)
		}
	}
	return len(items), nil
}

// waitTurn puts a delivery that could not run back for a moment: its case has an earlier
// change untold, or the store was away. Its attempts do not count.
func (s *Service) waitTurn(ctx context.Context, it DueItem, why error) {
	if !errors.Is(why, errNotYet) {
		s.log.WarnContext(ctx, "case change delivery, will retry", "case", it.CaseID, "err", why)
	}
	next := it
	next.At = s.clock.Now().Add(time.Second)
	if err := s.due.Reschedule(ctx, it, next); err != nil {
		s.log.ErrorContext(ctx, "reschedule due item", "kind", it.Kind, "case", it.CaseID, "err", err)
	}
}

// runDueItem runs one item other than a delivery (see runDeliver).
func (s *Service) runDueItem(ctx context.Context, it DueItem) error {
	switch it.Kind {
	case DuePostCard:
		c, err := s.cases.Get(ctx, it.CaseID)
		if isNotFound(err) {
			return s.recoverSubmission(ctx, it)
		}
		if err != nil {
			return fmt.Errorf("get %s: %w", it.CaseID, err)
		}
		if missing := s.postCase(ctx, c, true); missing > 0 {
			return fmt.Errorf("card of %s missing in %d channel(s)", c.ID, missing)
		}
		// The intake files may not be in the case: the process that created it stopped.
		if err := s.recheckIntakeFiles(ctx, c, it.Owner); err != nil {
			return err
		}
		// The clocks may not have started: the process that created the case stopped.
		return s.startClocks(ctx, c)
	case DueRemind, DueEscalate, DueNudge:
		return s.runClock(ctx, it)
	case DueDigest:
		return s.runDigest(ctx, it)
	}
	s.log.WarnContext(ctx, "unknown due item dropped", "kind", it.Kind, "case", it.CaseID)
	return nil
}

// recoverSubmission creates a case whose submission was committed but whose creation did not
// happen (Redis failed, or the process stopped in between).
func (s *Service) recoverSubmission(ctx context.Context, it DueItem) error {
	if it.Owner == "" {
		return nil
	}
	turn, err := s.sessions.Reload(ctx, it.Owner, "")
	if err != nil {
		return fmt.Errorf("session of %s: %w", it.Owner, err)
	}
	if !turn.Found || turn.Session.CaseID != it.CaseID || turn.Session.Stage != conversation.StageSubmitted {
		return nil // the id was reserved but the submission did not commit, or went elsewhere
	}
	c, err := s.materialize(ctx, turn.Session, string(it.Owner), true)
	switch {
	case errors.Is(err, ErrOwnerHasOpenCase), errors.Is(err, ErrVINHasOpenCase):
		s.repoint(ctx, it.Owner, it.CaseID, c.ID)
		return nil
	case err != nil:
		return err
	}
	s.log.InfoContext(ctx, "submission recovered", "case", c.ID, "owner", it.Owner)
	return nil
}

// retry schedules the item again with exponential backoff.
func (s *Service) retry(ctx context.Context, it DueItem) {
	next := it
	next.Attempt++
	next.At = s.clock.Now().Add(retryDelay(next.Attempt))
	if err := s.due.Reschedule(ctx, it, next); err != nil {
		s.log.ErrorContext(ctx, "reschedule due item", "kind", it.Kind, "case", it.CaseID, "err", err)
	}
}

// retryDelay is the backoff before attempt n: doubling from a few seconds to maxPostRetry.
func retryDelay(n int) time.Duration {
	return min(firstPostRetry/4<<min(n, 10), maxPostRetry)
}

// schedulePost queues the check that the card of a case gets posted, even if this process
// stops right after.
func (s *Service) schedulePost(ctx context.Context, id string, owner Identity) {
	if s.due == nil {
		return
	}
	it := DueItem{Kind: DuePostCard, CaseID: id, Owner: owner, At: s.clock.Now().Add(firstPostRetry)}
	if err := s.due.Schedule(ctx, it); err != nil {
		s.log.ErrorContext(ctx, "schedule card post check", "case", id, "err", err)
	}
}

// DueWorker runs the due queue while the process runs: Start schedules the digest and polls
// RunDue every second; Stop ends the polling and waits for the item in hand.
type DueWorker struct {
	svc    *Service
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewDueWorker returns a worker for s's due queue; it does nothing until Start.
func NewDueWorker(s *Service) *DueWorker { return &DueWorker{svc: s} }

// Start schedules the daily digest and starts polling the due queue.
func (w *DueWorker) Start(ctx context.Context) error {
	s := w.svc
	s.ScheduleDigest(ctx)
	// The polling outlives Start's context, which only bounds starting.
	run, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	w.wg.Go(func() {
		s.SweepRetention(run)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-run.Done():
				return
			case <-t.C:
				if _, err := s.RunDue(run); err != nil && run.Err() == nil {
					s.log.WarnContext(run, "due queue", "err", err)
				}
			}
		}
	})
	return nil
}

// Stop ends the polling and waits for the item in hand.
func (w *DueWorker) Stop(context.Context) error {
	if w.cancel != nil {
		w.cancel()
	}
	w.wg.Wait()
	return nil
}
