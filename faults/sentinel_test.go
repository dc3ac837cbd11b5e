package faults

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/xtest/ownertest"
	"escalation-bot/xtest/proc"
	"escalation-bot/xtest/redistest"
)

// TestFaultsSentinelSwitchover runs many owners' intakes through the playground API of the bot
// over Redis Sentinel (REDIS_URL=redis-sentinel://…: one master, one replica, three Sentinels)
// while the master is switched over to the replica, and later back. Every request carries an
// Idempotency-Key and is retried until it is answered 2xx. Afterwards each owner whose Submit
// was answered must have exactly one case, posted once, and no answer that was answered 2xx may
// have been lost: what the old master acknowledged is on the new one.
//
// The switch is the planned one (proc.Sentinel.Switchover: writes paused, the replica caught
// up, SENTINEL FAILOVER). A master that crashes can lose its last writes, which replication
// had not yet carried to the replica; the README says so.
func TestFaultsSentinelSwitchover(t *testing.T) {
	set := loadSettings(t)
	set.kills, set.redisRestarts = 0, 0
	t.Log("no kills, no Redis outages: the faults here are two switchovers of the master")
	sn := proc.StartSentinel(t)
	redistest.Quiet() // the checks' client logs the old master closing its connections
	var sentinels []string
	for _, s := range sn.Sentinels {
		sentinels = append(sentinels, s.Addr)
	}
	rdb := goredis.NewFailoverClient(&goredis.FailoverOptions{MasterName: sn.Name, SentinelAddrs: sentinels})
	t.Cleanup(func() { rdb.Close() })
	st := startBot(t, set, sn.URL(), rdb, map[string]string{"PLAYGROUND": "true"})
	run := &webRun{
		set: set, st: st, reader: ownertest.NewReader(),
		client: &http.Client{Timeout: 10 * time.Second, Transport: transport(t, set)},
	}
	run.chaos = newChaos(t, st, set) // no kills, no outages: its counters and journal only
	owners := make([]*webOwner, set.owners)
	for i := range owners {
		owners[i] = &webOwner{run: run, p: newPersona(i+1, fmt.Sprintf("owner-%03d", i+1))}
	}

	ctx, cancel := context.WithTimeout(t.Context(), set.intake)
	defer cancel()
	began := time.Now()
	run.chaos.start = began
	total := int64(set.owners * requestsPerOwner)
	var switches []string
	var ownersDone atomic.Bool
	switched := make(chan struct{})
	go func() {
		defer close(switched)
		for _, at := range []int64{total / 3, 2 * total / 3} {
			for run.chaos.answers.Load() < at {
				if ownersDone.Load() || sleep(ctx, 5*time.Millisecond) != nil {
					return
				}
			}
			from, _ := sn.Master(ctx)
			to, err := sn.Switchover(ctx)
			if err != nil {
				run.chaos.fail(fmt.Errorf("switchover from %s: %w", from, err))
				return
			}
			switches = append(switches, from+" → "+to)
			run.chaos.note("master switched over from %s to %s at %d answers", from, to, run.chaos.answers.Load())
		}
	}()
	var wg sync.WaitGroup
	for _, o := range owners {
		wg.Go(func() { o.intake(ctx) })
	}
	wg.Wait()
	intakeTook := time.Since(began)
	ownersDone.Store(true)
	<-switched
	cancel()

	if len(switches) != 2 {
		t.Errorf("%d switchovers of 2 happened: %v", len(switches), switches)
	}
	res, recoverTook := converge(set, func() webResult { return run.result(t.Context(), owners) }, webResult.converged)
	run.assert(t, owners, res, intakeTook, recoverTook)
}
