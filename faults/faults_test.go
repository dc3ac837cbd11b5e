package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/ownertest"
	"escalation-bot/xtest/proc"
	"escalation-bot/xtest/redistest"

	goredis "github.com/redis/go-redis/v9"
)

func TestMain(m *testing.M) {
	code := m.Run()
	proc.RemoveBuilds()
	os.Exit(code)
}

// settings are the knobs of a run, from the environment, so that a longer run is one variable
// away:
//
//	FAULTS_OWNERS          owners running their intake at once (50)
//	FAULTS_KILLS           SIGKILLs of the bot (random, 3 to 5)
//	FAULTS_REDIS_RESTARTS  Redis outages: SIGKILL, a pause, start again (2)
//	FAULTS_GATEWAY_DROPS   Discord: gateway connections dropped, resumed with events replayed (1)
//	FAULTS_SEED            seed of the random points (random; logged, so a run can be repeated)
//	FAULTS_SILENCE         how long an owner waits for the bot to answer before asking "help" (15s)
//	FAULTS_INTAKE          deadline for every owner to get their submission acknowledged (120s)
//	FAULTS_RECOVER         how long the restarted bot has to converge afterwards (60s)
//	FAULTS_SLACK_LATENCY   how long the fake Slack takes to answer chat.postMessage, and the fake
//	                       Discord a message post (100ms)
//	FAULTS_LOGS            a directory to copy the bot's and Redis's logs to
//
// The executives' run (slack_exec_test.go) has two more: FAULTS_CASES and FAULTS_EXECUTIVES.
type settings struct {
	owners, kills, redisRestarts int
	gatewayDrops                 int
	seed                         uint64
	silence, intake, recover     time.Duration
	slackLatency                 time.Duration
	logs                         string
}

func loadSettings(t *testing.T) settings {
	t.Helper()
	s := settings{
		owners: 50, redisRestarts: 2, gatewayDrops: 1,
		silence: 15 * time.Second, intake: 120 * time.Second, recover: 60 * time.Second,
		slackLatency: 100 * time.Millisecond,
		seed:         rand.Uint64() % 1_000_000,
		logs:         os.Getenv("FAULTS_LOGS"),
	}
	whole := func(name string, v *int, lo, hi int) {
		if e := os.Getenv(name); e != "" {
			n, err := strconv.Atoi(e)
			if err != nil || n < lo || n > hi {
				t.Fatalf("%s=%q: want a whole number from %d to %d", name, e, lo, hi)
			}
			*v = n
		}
	}
	dur := func(name string, v *time.Duration) {
		if e := os.Getenv(name); e != "" {
			d, err := time.ParseDuration(e)
			if err != nil || d < 0 {
				t.Fatalf("%s=%q: want a duration such as 30s", name, e)
			}
			*v = d
		}
	}
	whole("FAULTS_OWNERS", &s.owners, 1, 999)
	whole("FAULTS_REDIS_RESTARTS", &s.redisRestarts, 0, 100)
	whole("FAULTS_GATEWAY_DROPS", &s.gatewayDrops, 0, 100)
	if e := os.Getenv("FAULTS_SEED"); e != "" {
		n, err := strconv.ParseUint(e, 10, 64)
		if err != nil {
			t.Fatalf("FAULTS_SEED=%q: want a whole number", e)
		}
		s.seed = n
	}
	s.kills = 3 + int(s.seed%3)
	whole("FAULTS_KILLS", &s.kills, 0, 100)
	dur("FAULTS_SILENCE", &s.silence)
	dur("FAULTS_INTAKE", &s.intake)
	dur("FAULTS_RECOVER", &s.recover)
	dur("FAULTS_SLACK_LATENCY", &s.slackLatency)
	t.Logf("settings: owners=%d kills=%d redis-restarts=%d seed=%d silence=%v intake=%v recover=%v (repeat with FAULTS_SEED=%d)",
		s.owners, s.kills, s.redisRestarts, s.seed, s.silence, s.intake, s.recover, s.seed)
	return s
}

// tenant is the key space of the bot: its default.
const tenant = "default"

// stack is the program under test: the bot binary over a private redis-server (or over a
// Redis Sentinel setup or Cluster, where redis is nil).
type stack struct {
	t     *testing.T
	redis *proc.Redis
	rdb   goredis.UniversalClient
	bot   *proc.Process
	base  string // http://127.0.0.1:<port> of the bot, or of a proxy in front of replicas
	// health is the bot's own http://127.0.0.1:<port> when base is a proxy; "": base.
	health string
}

// startStack builds the bot, starts Redis and the bot with env on top of the common settings,
// and waits until the bot is ready.
func startStack(t *testing.T, set settings, env map[string]string) *stack {
	t.Helper()
	rds := proc.StartRedis(t)
	redistest.Quiet() // this client reads while Redis is stopped on purpose
	rdb := goredis.NewClient(&goredis.Options{Addr: rds.Addr, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	s := startBot(t, set, rds.URL(), rdb, env)
	s.redis = rds
	return s
}

// startBot builds the bot and starts it over the Redis of redisURL, which rdb reads for the
// checks, and waits until it is ready.
func startBot(t *testing.T, set settings, redisURL string, rdb goredis.UniversalClient, env map[string]string) *stack {
	t.Helper()
	bin := proc.Build(t, "escalation-bot/cmd/escalation-bot")
	addr := "127.0.0.1:" + strconv.Itoa(proc.FreePort(t))
	s := &stack{t: t, rdb: rdb, bot: proc.Start(t, "bot", bin, nil, botEnv(redisURL, addr, env)), base: "http://" + addr}
	if err := s.waitReady(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.saveLogs(set) })
	return s
}

// botEnv is the bot's environment: env on top of the settings every run shares.
func botEnv(redisURL, httpAddr string, env map[string]string) map[string]string {
	all := map[string]string{
		"REDIS_URL":  redisURL,
		"HTTP_ADDR":  httpAddr,
		"LOG_FORMAT": "json",
		"LOG_LEVEL":  "debug",
		// Retries and "help" are the owner's messages too: the rate limit is not under test.
		"RATE_LIMIT": "100000",
	}
	for k, v := range env {
		all[k] = v
	}
	return all
}

func (s *stack) waitReady() error {
	base := s.base
	if s.health != "" {
		base = s.health
	}
	return s.bot.WaitHTTP(base+"/readyz", 30*time.Second)
}

// saveLogs copies the logs to FAULTS_LOGS, and on failure shows what the bot logged as errors.
func (s *stack) saveLogs(set settings) {
	if set.logs != "" {
		dir := filepath.Join(set.logs, strings.ReplaceAll(s.t.Name(), "/", "_"))
		if err := os.MkdirAll(dir, 0o755); err == nil {
			procs := []*proc.Process{s.bot}
			if s.redis != nil {
				procs = append(procs, s.redis.Process)
			}
			for _, p := range procs {
				b, _ := os.ReadFile(p.LogPath())
				_ = os.WriteFile(filepath.Join(dir, filepath.Base(p.LogPath())), b, 0o644)
			}
			s.t.Logf("logs copied to %s", dir)
		}
	}
	if s.t.Failed() {
		s.t.Logf("bot errors by message:\n%s", errorSummary(s.bot))
	}
}

// errorSummary counts the bot's error and warning log lines by message.
func errorSummary(p *proc.Process) string {
	counts := map[string]int{}
	for _, line := range p.Grep(`"level":"`) {
		var rec struct {
			Level, Msg string
		}
		if json.Unmarshal([]byte(line), &rec) != nil || (rec.Level != "ERROR" && rec.Level != "WARN") {
			continue
		}
		counts[rec.Level+" "+rec.Msg]++
	}
	var out []string
	for k, n := range counts {
		out = append(out, fmt.Sprintf("  %4d× %s", n, k))
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "  (none)"
	}
	return strings.Join(out, "\n")
}

// keys of the bot's Redis, as adapters/redis/keys.go names them.
func caseKeyPattern() string        { return "esc:{" + tenant + "}:case:*" }
func convKey(owner string) string   { return "esc:{" + tenant + "}:conv:" + owner }
func caseIDOfKey(key string) string { return key[strings.LastIndex(key, ":")+1:] }

// storedCase is what the checks read of a case hash.
type storedCase struct {
	ID, Owner string
	Posts     []bot.Post
}

// readCases reads every case of the tenant straight from Redis.
func readCases(ctx context.Context, rdb goredis.UniversalClient) ([]storedCase, error) {
	var out []storedCase
	keys, err := scanKeys(ctx, rdb, caseKeyPattern())
	if err != nil {
		return nil, err
	}
	for _, key := range keys {
		h, err := rdb.HMGet(ctx, key, "owner", "posts").Result()
		if err != nil {
			return nil, err
		}
		c := storedCase{ID: caseIDOfKey(key)}
		c.Owner, _ = h[0].(string)
		if p, _ := h[1].(string); p != "" {
			if err := json.Unmarshal([]byte(p), &c.Posts); err != nil {
				return nil, fmt.Errorf("posts of %s: %w", c.ID, err)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// scanKeys returns the keys matching pattern (under the tenant's hash tag). In a cluster they
// all live on the node of that tag, which SCAN must be sent to.
func scanKeys(ctx context.Context, rdb goredis.UniversalClient, pattern string) ([]string, error) {
	var node goredis.Cmdable = rdb
	if c, ok := rdb.(*goredis.ClusterClient); ok {
		n, err := c.MasterForKey(ctx, pattern)
		if err != nil {
			return nil, err
		}
		node = n
	}
	var keys []string
	iter := node.Scan(ctx, 0, pattern, 500).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	return keys, iter.Err()
}

// readSession reads an owner's intake session straight from Redis, retrying through an outage.
func readSession(ctx context.Context, rdb goredis.UniversalClient, owner string) (conversation.Session, bool, error) {
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		var data string
		data, err = rdb.HGet(ctx, convKey(owner), "data").Result()
		if err == goredis.Nil {
			return conversation.Session{}, false, nil
		}
		if err == nil {
			var s conversation.Session
			if err = json.Unmarshal([]byte(data), &s); err == nil {
				return s, true, nil
			}
			return conversation.Session{}, false, fmt.Errorf("session of %s: %w", owner, err)
		}
		select {
		case <-ctx.Done():
			return conversation.Session{}, false, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return conversation.Session{}, false, err
}

// took reports whether the session shows the owner's answer to step as taken.
func took(s conversation.Session, found bool, step string) bool {
	if !found {
		return false
	}
	switch step {
	case ownertest.StepStart:
		return true
	case ownertest.StepReview:
		return s.Stage == conversation.StageSubmitted
	case ownertest.StepConfirm:
		return len(s.Pending) == 0
	}
	_, ok := s.Answers[step]
	return ok
}

// chaos kills the bot and takes Redis away at points of the run chosen at random: after a
// number of acknowledged owner requests, and the last kill while submissions come in. Over
// Discord it also drops the gateway connection, which the bot resumes.
type chaos struct {
	s       *stack
	owners  int
	start   time.Time
	plan    []fault
	spacing int64 // answers between two faults, at least
	rng     *rand.Rand

	answers    atomic.Int64 // owner requests acknowledged so far
	submitting atomic.Int64 // Submit requests sent so far (the first attempt of each)
	submits    atomic.Int64 // submissions acknowledged so far

	// dropGateway drops the bot's gateway connection and waits for it to come back; it says
	// how it came back, for the journal. Nil: no drops are planned.
	dropGateway func() (string, error)

	mu            sync.Mutex
	kills         int
	redisRestarts int
	drops         int
	deaths        []time.Time // when a bot process was found gone: killed, or stopped by itself
	journal       []string
	err           error
}

type fault struct {
	kill         bool // else a Redis outage, or a gateway drop
	drop         bool
	afterAnswers int64
	afterSubmits int64
}

func (f fault) String() string {
	what := "redis outage"
	switch {
	case f.kill:
		what = "bot SIGKILL"
	case f.drop:
		what = "gateway drop"
	}
	if f.afterSubmits > 0 {
		return fmt.Sprintf("%s once %d submissions are under way", what, f.afterSubmits)
	}
	return fmt.Sprintf("%s after %d answers", what, f.afterAnswers)
}

// requestsPerOwner is what one owner sends through a clean intake: hello, consent, eleven
// answers, submit.
const requestsPerOwner = 14

func newChaos(t *testing.T, s *stack, set settings) *chaos { return planChaos(t, s, set, nil) }

// planChaos plans the faults of set; with dropGateway, also set.gatewayDrops drops of the
// gateway connection. Without it the plan of a seed is the same as before drops existed.
func planChaos(t *testing.T, s *stack, set settings, dropGateway func() (string, error)) *chaos {
	c := &chaos{s: s, owners: set.owners, rng: rand.New(rand.NewPCG(set.seed, 0x5eed)), dropGateway: dropGateway}
	total := float64(set.owners * requestsPerOwner)
	var faults []fault
	for i := 0; i < set.kills-1; i++ {
		faults = append(faults, fault{kill: true})
	}
	for i := 0; i < set.redisRestarts; i++ {
		faults = append(faults, fault{})
	}
	if dropGateway != nil {
		for i := 0; i < set.gatewayDrops; i++ {
			faults = append(faults, fault{drop: true})
		}
	}
	points := make([]int64, len(faults))
	for i := range points {
		points[i] = int64(total * (0.05 + 0.7*c.rng.Float64()))
	}
	sort.Slice(points, func(i, j int) bool { return points[i] < points[j] })
	c.rng.Shuffle(len(faults), func(i, j int) { faults[i], faults[j] = faults[j], faults[i] })
	for i := range faults {
		faults[i].afterAnswers = points[i]
	}
	if set.kills > 0 {
		// A kill while cards are being posted and owners told: the window §5b is about.
		faults = append(faults, fault{kill: true, afterSubmits: int64(max(1, set.owners/3))})
	}
	c.plan = faults
	// Between two faults the owners get on: about one request each, so that a fault does not
	// land on the mess the one before left.
	c.spacing = int64(max(1, min(set.owners/2, int(0.2*total)/max(1, len(faults)))))
	var plan []string
	for _, f := range faults {
		plan = append(plan, f.String())
	}
	if len(plan) == 0 {
		plan = []string{"none"}
	}
	t.Logf("fault plan: %s", strings.Join(plan, "; "))
	return c
}

// run carries out the plan, each fault once its point is reached and the owners got on since
// the fault before. Once ctx ends (the owners are done) what is left of the plan happens at
// once, during the recovery. run also restarts a bot that stopped by itself, as a supervisor
// would (Unexpected counts those).
func (c *chaos) run(ctx context.Context) {
	c.start = time.Now()
	var lastAt int64 = -1 << 62
	for _, f := range c.plan {
		for ctx.Err() == nil && !c.due(f, lastAt) {
			if !c.s.bot.Running() {
				c.died()
				c.note("bot stopped by itself; starting it again")
				if !c.restartBot() {
					return
				}
			}
			_ = sleep(ctx, 2*time.Millisecond)
		}
		if ctx.Err() != nil {
			c.note("the owners are done; the rest of the plan now")
		} else if f.afterSubmits == 0 {
			// Somewhere inside the work in flight, not just at the acknowledgement.
			time.Sleep(time.Duration(c.rng.IntN(80)) * time.Millisecond)
		} else {
			// While submissions are committed, cases created, cards posted and owners told.
			time.Sleep(time.Duration(c.rng.IntN(15)) * time.Millisecond)
		}
		lastAt = c.answers.Load()
		ok := false
		switch {
		case f.kill:
			ok = c.killBot()
		case f.drop:
			ok = c.gatewayDrop()
		default:
			ok = c.redisOutage()
		}
		if !ok {
			return
		}
	}
}

// due reports whether fault f may happen now.
func (c *chaos) due(f fault, lastAt int64) bool {
	answers, submitting := c.answers.Load(), c.submitting.Load()
	if f.afterSubmits > 0 && c.submits.Load() >= int64(c.owners) {
		return true // everyone submitted: now or never
	}
	return answers >= f.afterAnswers && submitting >= f.afterSubmits && answers >= lastAt+c.spacing
}

func (c *chaos) note(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.journal = append(c.journal, fmt.Sprintf("%6.2fs %s", time.Since(c.start).Seconds(), fmt.Sprintf(format, args...)))
}

func (c *chaos) fail(err error) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
	return false
}

func (c *chaos) killBot() bool {
	pid := c.s.bot.Pid()
	if err := c.s.bot.Kill(); err != nil {
		return c.fail(err)
	}
	c.died()
	c.mu.Lock()
	c.kills++
	n := c.kills
	c.mu.Unlock()
	c.note("bot SIGKILL #%d (pid %d) at %d answers, %d submissions", n, pid, c.answers.Load(), c.submits.Load())
	return c.restartBot()
}

// died records that the bot process is gone (Kill returned, or it was found stopped).
func (c *chaos) died() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deaths = append(c.deaths, time.Now())
}

// diedSince reports whether the bot process that ran at t has died since: whatever it held only
// in memory is gone.
func (c *chaos) diedSince(t time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.deaths) > 0 && c.deaths[len(c.deaths)-1].After(t)
}

func (c *chaos) gatewayDrop() bool {
	c.mu.Lock()
	c.drops++
	n := c.drops
	c.mu.Unlock()
	c.note("gateway drop #%d at %d answers, %d submissions", n, c.answers.Load(), c.submits.Load())
	how, err := c.dropGateway()
	if err != nil {
		return c.fail(err)
	}
	c.note("gateway back: %s", how)
	return true
}

func (c *chaos) restartBot() bool {
	began := time.Now()
	if err := c.s.bot.Restart(); err != nil {
		return c.fail(err)
	}
	if err := c.s.waitReady(); err != nil {
		return c.fail(err)
	}
	c.note("bot ready again after %v (pid %d)", time.Since(began).Round(time.Millisecond), c.s.bot.Pid())
	return true
}

func (c *chaos) redisOutage() bool {
	if err := c.s.redis.Kill(); err != nil {
		return c.fail(err)
	}
	c.mu.Lock()
	c.redisRestarts++
	n := c.redisRestarts
	c.mu.Unlock()
	outage := time.Duration(300+c.rng.IntN(900)) * time.Millisecond
	c.note("redis SIGKILL #%d at %d answers, %d submissions; down for %v", n, c.answers.Load(), c.submits.Load(), outage)
	time.Sleep(outage)
	if err := c.s.redis.Restart(); err != nil {
		return c.fail(err)
	}
	c.note("redis back")
	return true
}

// report returns what happened, and the first error of the harness itself.
func (c *chaos) report() (kills, redisRestarts int, journal []string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.kills, c.redisRestarts, append([]string(nil), c.journal...), c.err
}

// planned counts the kills and outages of the plan.
func (c *chaos) planned() (kills, redisRestarts int) {
	for _, f := range c.plan {
		switch {
		case f.kill:
			kills++
		case !f.drop:
			redisRestarts++
		}
	}
	return kills, redisRestarts
}

// checkRun fails a run whose faults were not carried out as planned, whose state could not be
// read, or whose bot stopped by itself: the harness and the first rule every run shares.
func checkRun(t *testing.T, c *chaos, st *stack, readErr error) {
	t.Helper()
	kills, outages, _, err := c.report()
	plannedKills, plannedOutages := c.planned()
	drops, plannedDrops := c.gatewayDrops()
	if err != nil {
		t.Errorf("fault injection failed: %v", err)
	}
	if kills != plannedKills || outages != plannedOutages || drops != plannedDrops {
		t.Errorf("faults carried out: %d kills of %d, %d Redis restarts of %d, %d gateway drops of %d", kills, plannedKills, outages, plannedOutages, drops, plannedDrops)
	}
	if readErr != nil {
		t.Errorf("reading the state from Redis: %v", readErr)
	}
	if u := st.bot.Unexpected(); len(u) > 0 {
		t.Errorf("the bot stopped by itself %d time(s): %s", len(u), strings.Join(u, "; "))
	}
}

// gatewayDrops counts the gateway drops carried out and planned.
func (c *chaos) gatewayDrops() (done, planned int) {
	for _, f := range c.plan {
		if f.drop {
			planned++
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.drops, planned
}

// settle is how long the checks watch a converged run for late doubles: a card posted again,
// an owner told again.
const settle = 3 * time.Second

// converge reads the run's state until ok says it is complete or the recovery deadline
// passes; once complete it reads again after settle. It returns the last state and how long
// the run took to complete (or the deadline).
func converge[R any](set settings, read func() R, ok func(R) bool) (R, time.Duration) {
	began := time.Now()
	for {
		r := read()
		took := time.Since(began)
		if ok(r) {
			time.Sleep(settle)
			return read(), took
		}
		if took > set.recover {
			return r, took
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// transport is the owners' HTTP transport: a connection each, closed when the test ends.
func transport(t *testing.T, set settings) *http.Transport {
	tr := &http.Transport{MaxIdleConnsPerHost: 2 * set.owners}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff is the pause before retry n (1, 2, ...): from 50ms doubling to 1s, jittered.
func backoff(n int) time.Duration {
	d := 50 * time.Millisecond << min(n-1, 5)
	d = min(d, time.Second)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}
