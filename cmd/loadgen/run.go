package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"syscall"
	"time"

	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/ownertest"

	goredis "github.com/redis/go-redis/v9"
)

// run is one load run: its owners, how they reach the bot, and what is measured.
type run struct {
	cfg    config
	tr     transport
	reader ownertest.Reader
	stats  stats
}

// platform is a transport that also names an owner as the bot does.
type platform interface {
	transport
	identity(o *owner) string
}

// execute runs the load: the stand-in, the bot, every owner's intake, then the checks.
func execute(ctx context.Context, cfg config, logw io.Writer) (*report, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	if cfg.tenant == "" {
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		cfg.tenant = "load" + hex.EncodeToString(b)
	}
	opts, err := goredis.ParseURL(cfg.redisURL)
	if err != nil {
		return nil, fmt.Errorf("-redis: %w", err)
	}
	rdb := goredis.NewClient(opts)
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("redis at %s: %w", opts.Addr, err)
	}

	owners := make([]*owner, cfg.owners)
	for i := range owners {
		p := newPersona(i+1, fmt.Sprintf("load%06d", i+1))
		owners[i] = &owner{p: p, inbox: make(chan ownertest.Message, 64)}
	}
	cards := &cardCount{}
	env := map[string]string{
		"REDIS_URL":    cfg.redisURL,
		"REDIS_TENANT": cfg.tenant,
		"LOG_LEVEL":    "warn",
	}
	if cfg.pprofAddr != "" {
		env["PPROF_ADDR"] = cfg.pprofAddr
	}
	var pl platform
	var discord *fakediscord.Server
	switch cfg.mode {
	case "slack":
		fake := fakeslack.Start()
		defer fake.Close()
		t := newSlack(fake, owners, cards)
		pl = t
		env["SLACK_BOT_TOKEN"] = "xoxb-loadgen"
		env["SLACK_SIGNING_SECRET"] = slackSecret
		env["SLACK_API_URL"] = fake.APIURL()
		env["ESCALATION_CHANNELS"] = "slack:" + slackChannel
	case "discord":
		fake, err := fakediscord.Start()
		if err != nil {
			return nil, err
		}
		defer fake.Close()
		fake.SetToken(discordToken)
		discord = fake
		pl = newDiscord(fake, owners, cards)
		env["DISCORD_BOT_TOKEN"] = discordToken
		env["DISCORD_API_URL"] = fake.URL
		env["ESCALATION_CHANNELS"] = "discord:" + discordChannel
	case "playground":
		pl = newWeb(owners)
		env["PLAYGROUND"] = "true"
	}

	base := cfg.botURL
	var bot *botProcess
	if base == "" {
		bot, err = startBot(ctx, cfg.bin, env, cfg.botLog)
		if err != nil {
			return nil, err
		}
		defer bot.stop()
		base = bot.base
	} else {
		cfg.keep = true // the keys are the running bot's
	}
	if !cfg.keep {
		defer deleteTenant(context.WithoutCancel(ctx), rdb, cfg.tenant)
	}
	// One connection for each owner under way, and a few to spare.
	bc, err := newBotClient(base, cfg.concurrency+16, 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer bc.close()
	switch t := pl.(type) {
	case *slackTransport:
		t.bot = bc
	case *webTransport:
		t.bot = bc
	}
	if discord != nil {
		if err := waitFor(ctx, 30*time.Second, discord.Connected); err != nil {
			return nil, fmt.Errorf("the bot did not connect to the Discord gateway: %w", bot.explain(err))
		}
	}

	r := &run{cfg: cfg, tr: pl, reader: ownertest.NewReader()}
	fmt.Fprintf(logw, "loadgen: %s, %d owners, %d at once, tenant %s, bot %s\n", cfg.mode, cfg.owners, cfg.concurrency, cfg.tenant, base)
	botCPU, selfCPU := bot.cpuOrZero(), ownCPU()
	began := time.Now()
	slots := make(chan struct{}, cfg.concurrency)
	var wg sync.WaitGroup
	for _, o := range owners {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			o.intake(ctx, r)
		})
	}
	wg.Wait()
	took := time.Since(began)
	botCPU, selfCPU = bot.cpuOrZero()-botCPU, ownCPU()-selfCPU
	if ctx.Err() != nil {
		return nil, fmt.Errorf("run stopped after %v: %w", took.Round(time.Millisecond), ctx.Err())
	}

	rep := &report{Mode: cfg.mode, Owners: cfg.owners, Concurrency: cfg.concurrency, Think: cfg.think.String(), Seconds: took.Seconds()}
	for _, o := range owners {
		rep.Turns += o.moves
		if o.caseID != "" {
			rep.Told++
		}
		if o.problem != "" {
			rep.Failed++
			if len(rep.Problems) < 10 {
				rep.Problems = append(rep.Problems, o.p.Name+": "+o.problem)
			}
		}
	}
	rep.TurnsPerSecond = float64(rep.Turns) / took.Seconds()
	rep.BotCPUSeconds, rep.LoadgenCPUSeconds = botCPU.Seconds(), selfCPU.Seconds()
	rep.Ack = percentilesOf(r.stats.acks)
	rep.Reply = percentilesOf(r.stats.replies)
	if err := rep.checkCases(ctx, rdb, cfg.tenant, owners, pl); err != nil {
		return nil, err
	}
	if cfg.mode != "playground" {
		// A card is posted right after the owner is told; give the last ones a moment.
		_ = waitFor(ctx, 30*time.Second, func() bool { n, _ := cards.total(); return n >= rep.Cases })
		rep.Cards, rep.DuplicateCards = cards.total()
	}
	if bot != nil {
		rep.RSSBytes, rep.PeakRSSBytes = bot.memory()
		if bot.exited() {
			return rep, bot.explain(errors.New("the bot stopped during the run"))
		}
	} else {
		rep.RSSBytes = metricsRSS(ctx, &http.Client{Timeout: 10 * time.Second}, base)
	}
	if !rep.OK() && bot != nil {
		rep.BotLog = bot.logPath
		bot.keepLog = true
	}
	return rep, nil
}

// checkCases reads Redis: the tenant's open cases, and each owner's open case against the id
// the owner was told.
func (rep *report) checkCases(ctx context.Context, rdb *goredis.Client, tenant string, owners []*owner, pl platform) error {
	prefix := "esc:{" + tenant + "}:"
	n, err := rdb.ZCard(ctx, prefix+"cases:open").Result()
	if err != nil {
		return fmt.Errorf("count cases: %w", err)
	}
	rep.Cases = int(n)
	pipe := rdb.Pipeline()
	gets := make([]*goredis.StringCmd, len(owners))
	for i, o := range owners {
		gets[i] = pipe.Get(ctx, prefix+"owner:"+pl.identity(o))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, goredis.Nil) {
		return fmt.Errorf("read owners' cases: %w", err)
	}
	withCase := 0
	for i, o := range owners {
		id, err := gets[i].Result()
		switch {
		case errors.Is(err, goredis.Nil):
			if o.caseID != "" {
				rep.Lost++ // told a case id, and it has no open case
			}
		case err != nil:
			return fmt.Errorf("read owner case: %w", err)
		default:
			withCase++
			if o.caseID != "" && o.caseID != id {
				rep.Mismatched++
			}
		}
	}
	rep.Doubled = max(0, rep.Cases-withCase)
	return nil
}

// cpuOrZero is the bot's processor time, 0 for a bot this run did not start.
func (p *botProcess) cpuOrZero() time.Duration {
	if p == nil {
		return 0
	}
	return p.cpu()
}

// ownCPU is the processor time of this process (the owners and the stand-in).
func ownCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// deleteTenant removes the run's keys.
func deleteTenant(ctx context.Context, rdb *goredis.Client, tenant string) {
	iter := rdb.Scan(ctx, 0, "esc:{"+tenant+"}:*", 1000).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 1000 {
			rdb.Unlink(ctx, batch...)
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		rdb.Unlink(ctx, batch...)
	}
}

func waitFor(ctx context.Context, timeout time.Duration, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not within %v", timeout)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}
