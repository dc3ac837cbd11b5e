package faults

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/ownertest"
	"escalation-bot/xtest/proc"
	"escalation-bot/xtest/redistest"
)

// TestFaultsReplicasSlackHTTP runs many owners' intakes over Slack's HTTP mode against three
// bot processes over one Redis Cluster, behind a proxy that hands each request to the next
// replica in turn, so that an owner's turns land on different replicas. One replica is
// SIGKILLed while submissions come in (and started again, as a supervisor would). Afterwards
// every owner must have finished, every case have exactly one card and its owner told once,
// and every reminder of an unclaimed case (REMIND_UNCLAIMED_AFTER=1m) have been posted exactly
// once in the card's thread, whichever replica took it.
func TestFaultsReplicasSlackHTTP(t *testing.T) {
	set := loadSettings(t)
	set.kills, set.redisRestarts = 1, 0 // one replica killed; the cluster stays up
	set.recover = max(set.recover, 3*time.Minute)
	t.Log("one replica SIGKILLed once submissions are under way; no Redis outages")
	fake := fakeslack.New(t)
	fake.Delay("chat.postMessage", set.slackLatency)
	url := redistest.ClusterURL(t)
	redistest.Quiet()
	rdb := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: strings.Split(strings.TrimPrefix(url, "redis-cluster://"), ",")})
	t.Cleanup(func() { rdb.Close() })
	if keys, err := scanKeys(t.Context(), rdb, "esc:{"+tenant+"}:*"); err != nil || len(keys) > 0 {
		t.Fatalf("the cluster's tenant %q is not empty: %d keys (%v)", tenant, len(keys), err)
	}
	env := map[string]string{
		"SLACK_BOT_TOKEN":        "xoxb-test",
		"SLACK_SIGNING_SECRET":   slackSecret,
		"SLACK_API_URL":          fake.APIURL(),
		"ESCALATION_CHANNELS":    "slack:" + slackChannel,
		"REMIND_UNCLAIMED_AFTER": "1m", // remindEvery, the shortest a case clock takes
		"ONCALL":                 "group:SONCALL",
	}
	bin := proc.Build(t, "escalation-bot/cmd/escalation-bot")
	var replicas []*proc.Process
	var backends []string
	for i := range 3 {
		addr := "127.0.0.1:" + strconv.Itoa(proc.FreePort(t))
		p := proc.Start(t, fmt.Sprintf("bot-%d", i+1), bin, nil, botEnv(url, addr, env))
		if err := p.WaitHTTP("http://"+addr+"/readyz", 30*time.Second); err != nil {
			t.Fatal(err)
		}
		replicas = append(replicas, p)
		backends = append(backends, "http://"+addr)
	}
	proxy := newRoundRobin(t, backends)
	st := &stack{t: t, rdb: rdb, bot: replicas[0], base: proxy.url, health: backends[0]}
	t.Cleanup(func() { st.saveLogs(set) })

	run := &slackRun{
		set: set, st: st, fake: fake, reader: ownertest.NewReader(),
		client: &http.Client{Timeout: 3 * time.Second, Transport: transport(t, set)},
	}
	run.chaos = newChaos(t, st, set)
	owners := make([]*slackOwner, set.owners)
	for i := range owners {
		p := newPersona(i+1, fmt.Sprintf("owner%03d", i+1))
		user := fmt.Sprintf("UOWNER%03d", i+1)
		fake.SetUser(user, p.Name, fakeslack.TeamID)
		owners[i] = &slackOwner{run: run, p: p, user: user, dm: "D" + user}
	}

	ctx, cancel := context.WithTimeout(t.Context(), set.intake)
	defer cancel()
	began := time.Now()
	chaosDone := make(chan struct{})
	go func() { defer close(chaosDone); run.chaos.run(ctx) }()
	var wg sync.WaitGroup
	for _, o := range owners {
		wg.Go(func() { o.intake(ctx) })
	}
	wg.Wait()
	intakeTook := time.Since(began)
	cancel()
	<-chaosDone

	// Converged: every case posted and told, and every case reminded at least once.
	read := func() replicaResult {
		r := replicaResult{slack: run.result(t.Context(), owners)}
		r.reminders, r.remindersErr = readReminders(t.Context(), rdb, fake, r.slack.cases)
		return r
	}
	res, recoverTook := converge(set, read, func(r replicaResult) bool { return r.slack.converged() && r.reminders.allReminded() })
	run.assert(t, owners, res.slack, intakeTook, recoverTook)

	t.Logf("requests by replica: %v; reminders: %s", proxy.counts(), res.reminders)
	for i, n := range proxy.counts() {
		if n == 0 {
			t.Errorf("replica %d got no request", i+1)
		}
	}
	for _, p := range replicas[1:] {
		if u := p.Unexpected(); len(u) > 0 {
			t.Errorf("%s stopped by itself: %s", p.Name, strings.Join(u, "; "))
		}
	}
	if res.remindersErr != nil {
		t.Errorf("reading the reminders: %v", res.remindersErr)
	}
	expectNone(t, res.reminders.never, "%d case(s) were never reminded: %s")
	expectNone(t, res.reminders.early, "%d case(s) were reminded more often than their periods allow (a reminder fired twice): %s")
	expectNone(t, res.reminders.doubled, "%d case(s) have a reminder posted more than once: %s")
	expectNone(t, res.reminders.unposted, "%d case(s) have a reminder counted but never posted: %s")
}

type replicaResult struct {
	slack        slackResult
	reminders    reminders
	remindersErr error
}

// reminders compares, per case, the reminders Redis counted with those posted in its thread.
type reminders struct {
	cases, counted, posted int
	never                  []string // no reminder counted
	early                  []string // more counted than periods passed since the case was created
	doubled                []string // more posted than counted
	unposted               []string // counted, not posted
}

func (r reminders) allReminded() bool {
	return r.cases > 0 && len(r.never) == 0 && len(r.unposted) == 0
}

func (r reminders) String() string {
	return fmt.Sprintf("cases=%d counted=%d posted=%d never=%d early=%d doubled=%d unposted=%d", r.cases, r.counted, r.posted, len(r.never), len(r.early), len(r.doubled), len(r.unposted))
}

const remindEvery = time.Minute

var reminderPattern = regexp.MustCompile(`Reminder: (ESC-\d+) has waited`)

func readReminders(ctx context.Context, rdb goredis.UniversalClient, fake *fakeslack.Server, cases []storedCase) (reminders, error) {
	posted := map[string]int{}
	for _, call := range fake.Calls("chat.postMessage") {
		if call.Err != "" || call.Form.Get("channel") != slackChannel || call.Form.Get("thread_ts") == "" {
			continue
		}
		if m := reminderPattern.FindStringSubmatch(call.Form.Get("text")); m != nil {
			posted[m[1]]++
		}
	}
	r := reminders{cases: len(cases)}
	for _, c := range cases {
		v, err := rdb.HGet(ctx, "esc:{"+tenant+"}:case:"+c.ID, "reminders").Result()
		if err != nil && err != goredis.Nil {
			return r, err
		}
		counted, _ := strconv.Atoi(v)
		// The case's first audit entry is its creation; its stream id is Redis's ms then.
		first, err := rdb.XRangeN(ctx, "esc:{"+tenant+"}:audit:"+c.ID, "-", "+", 1).Result()
		if err != nil || len(first) == 0 {
			return r, fmt.Errorf("audit of %s: %d entries (%v)", c.ID, len(first), err)
		}
		ms, _ := strconv.ParseInt(strings.SplitN(first[0].ID, "-", 2)[0], 10, 64)
		if periods := int(time.Since(time.UnixMilli(ms)) / remindEvery); counted > periods {
			r.early = append(r.early, fmt.Sprintf("%s %d counted after %d period(s)", c.ID, counted, periods))
		}
		r.counted += counted
		r.posted += posted[c.ID]
		switch p := posted[c.ID]; {
		case counted == 0:
			r.never = append(r.never, c.ID)
		case p > counted:
			r.doubled = append(r.doubled, fmt.Sprintf("%s %d posted, %d counted", c.ID, p, counted))
		case p < counted:
			r.unposted = append(r.unposted, fmt.Sprintf("%s %d posted, %d counted", c.ID, p, counted))
		}
	}
	return r, nil
}

// roundRobin is a reverse proxy that sends each request to the next backend in turn, as a
// load balancer without affinity does.
type roundRobin struct {
	url   string
	next  atomic.Uint64
	count []atomic.Int64
}

func newRoundRobin(t *testing.T, backends []string) *roundRobin {
	rr := &roundRobin{count: make([]atomic.Int64, len(backends))}
	var targets []*url.URL
	for _, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, u)
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			i := int(rr.next.Add(1)-1) % len(targets)
			rr.count[i].Add(1)
			r.SetURL(targets[i])
		},
		// A replica that is down answers 502, which Slack retries.
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) },
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	rr.url = srv.URL
	return rr
}

func (rr *roundRobin) counts() []int64 {
	out := make([]int64, len(rr.count))
	for i := range rr.count {
		out[i] = rr.count[i].Load()
	}
	return out
}
