package jobs

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestKeyedJobsRunInOrder(t *testing.T) {
	r := New("test", time.Second, nil)
	var mu sync.Mutex
	var got []int
	for i := range 20 {
		r.GoAfter("owner", "turn", func(context.Context) {
			time.Sleep(time.Millisecond)
			mu.Lock()
			got = append(got, i)
			mu.Unlock()
		})
	}
	if err := r.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("order = %v", got)
		}
	}
	if len(got) != 20 || !r.Idle() {
		t.Fatalf("%d of 20 ran; idle %v", len(got), r.Idle())
	}
}

func TestStopRefusesNewJobsAndCancelsSlowOnes(t *testing.T) {
	r := New("test", time.Minute, nil)
	started := make(chan struct{})
	r.Go("slow", func(ctx context.Context) {
		close(started)
		<-ctx.Done()
	})
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		t.Fatalf("a job that honours cancellation should end the stop: %v", err)
	}
	if r.Go("late", func(context.Context) {}) {
		t.Fatal("a job started after Stop")
	}
}

func TestPanicDoesNotEscape(t *testing.T) {
	r := New("test", time.Second, nil)
	r.Go("bad", func(context.Context) { panic("malformed payload") })
	if err := r.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestJobTimeout(t *testing.T) {
	r := New("test", 10*time.Millisecond, nil)
	done := make(chan error, 1)
	r.Go("slow", func(ctx context.Context) { <-ctx.Done(); done <- ctx.Err() })
	if err := <-done; err != context.DeadlineExceeded {
		t.Fatalf("job context ended with %v", err)
	}
	r.Stop(context.Background())
}
