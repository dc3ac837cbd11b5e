// Command loadgen measures one bot under many owners at once. Each owner runs a whole intake
// (hello, every answer, Submit, until told the case id) over Slack's HTTP mode (signed Events
// API DMs and clicks against the bot, a Web API stand-in in this process), over the
// playground's JSON API, or over the Discord gateway (a gateway and REST stand-in in this
// process). It starts the bot binary itself, pointed at the stand-in and at Redis under a
// tenant of its own, and reports the acknowledgements and first replies as percentiles, turns
// per second, cases, duplicate cards and the bot's memory:
//
//	go build -o /tmp/escalation-bot ./cmd/escalation-bot
//	go run ./cmd/loadgen -bin /tmp/escalation-bot -mode slack -owners 2000 -concurrency 1000
//
// It exits 1 when an owner did not get a case, a case was lost or doubled, or a case got more
// than one card.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"
)

type config struct {
	mode                string
	owners, concurrency int
	bin, botURL         string
	redisURL, tenant    string
	replyTimeout        time.Duration
	think               time.Duration
	timeout             time.Duration
	botLog              string
	pprofAddr           string
	cpuProfile          string
	keep, jsonOut       bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.mode, "mode", "slack", "how owners reach the bot: slack (HTTP mode), playground or discord")
	fs.IntVar(&c.owners, "owners", 100, "owners, each running one whole intake")
	fs.IntVar(&c.concurrency, "concurrency", 50, "owners running their intake at once")
	fs.StringVar(&c.bin, "bin", "escalation-bot", "the bot binary to start")
	fs.StringVar(&c.botURL, "bot", "", "the URL of a bot already running (playground only); the bot binary is not started")
	fs.StringVar(&c.redisURL, "redis", "redis://127.0.0.1:6379", "the Redis the bot uses (and the checks read)")
	fs.StringVar(&c.tenant, "tenant", "", "the bot's REDIS_TENANT (default: a new one per run, deleted afterwards; with -bot: default)")
	fs.DurationVar(&c.replyTimeout, "reply-timeout", 30*time.Second, "how long an owner waits for the bot's next question")
	fs.DurationVar(&c.think, "think", 0, "how long an owner takes to write each message, the first too, on average (0: at once, which saturates the bot: every reply then waits behind the owners ahead of it)")
	fs.DurationVar(&c.timeout, "timeout", 15*time.Minute, "deadline of the whole run")
	fs.StringVar(&c.botLog, "bot-log", "", "file for the bot's log (default: a temporary file, named when the run fails)")
	fs.StringVar(&c.pprofAddr, "pprof", "", "the bot's PPROF_ADDR, to profile it during the run (go tool pprof http://ADDR/debug/pprof/profile?seconds=30)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write loadgen's own CPU profile (the owners and the platform stand-in) to this file")
	fs.BoolVar(&c.keep, "keep", false, "keep the run's keys in Redis")
	fs.BoolVar(&c.jsonOut, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case c.mode != "slack" && c.mode != "playground" && c.mode != "discord":
		return c, fmt.Errorf("-mode %q: want slack, playground or discord", c.mode)
	case c.owners < 1 || c.concurrency < 1:
		return c, errors.New("-owners and -concurrency must be at least 1")
	case c.botURL != "" && c.mode != "playground":
		return c, errors.New("-bot works with -mode playground only: Slack and Discord modes start the bot pointed at their stand-in")
	}
	if c.tenant == "" && c.botURL != "" {
		c.tenant = "default"
	}
	return c, nil
}

func main() { os.Exit(loadgen(os.Args[1:])) }

// loadgen is the whole program; it returns the exit code, after the deferred work (the profile).
func loadgen(args []string) int {
	cfg, err := parseFlags(args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen: -cpuprofile:", err)
			return 2
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	rep, err := execute(ctx, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		return 1
	}
	if cfg.jsonOut {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		rep.print(os.Stdout)
	}
	if !rep.OK() {
		return 1
	}
	return 0
}
