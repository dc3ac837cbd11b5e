package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/health"
	"escalation-bot/inbox"
	"escalation-bot/jobs"
	"escalation-bot/ttlcache"

	"github.com/bwmarrin/discordgo"

	"escalation-bot/redact"
)

const (
	// ackedTTL is how long an interaction this process acknowledged is remembered: its token
	// is good for 15 minutes.
	ackedTTL = 15 * time.Minute
	// maxReconnectWait caps the pause between two attempts to reach the gateway again.
	maxReconnectWait = 2 * time.Minute
)

// jobTimeout bounds the work of one gateway event.
const jobTimeout = 30 * time.Second

// Adapter turns gateway events (DMs, interactions) into calls of the core and answers through
// the Messenger.
type Adapter struct {
	cfg   Config
	svc   core
	msgr  *Messenger
	dg    *discordgo.Session
	log   *slog.Logger
	jobs  *jobs.Runner
	inbox *inbox.Inbox // DMs are stored here before they are handled

	botID    atomic.Value // string: the bot's user id, from GET /users/@me
	appID    atomic.Value // string: the application id, from READY (the bot's id until then)
	ready    atomic.Bool  // READY or RESUMED received and the connection is up
	stopping atomic.Bool

	acked *ttlcache.Cache[bool] // interaction ids this process acknowledged, so a handler run again does not acknowledge twice

	disconnected chan struct{} // a Disconnect event for the supervisor

	mu             sync.Mutex
	opened         bool
	stopSupervisor context.CancelFunc
	supervisorDone chan struct{}
	stopOnce       sync.Once
}

// NewAdapter builds the adapter over the service, answering through m; owners' DMs are stored
// in box before they are handled.
func NewAdapter(cfg Config, svc core, m *Messenger, box *inbox.Inbox, logger *slog.Logger) *Adapter {
	if logger == nil {
		logger = slog.Default()
	}
	logger = redactLogger(logger).With("adapter", Platform)
	a := &Adapter{
		cfg:          cfg,
		svc:          svc,
		msgr:         m,
		dg:           m.dg,
		log:          logger,
		jobs:         jobs.New(Platform, jobTimeout, logger),
		inbox:        box,
		acked:        ttlcache.New[bool](ackedTTL, cacheSize),
		disconnected: make(chan struct{}, 1),
	}
	a.botID.Store("")
	a.appID.Store("")
	box.Handle(kindDM, a.handleDM)
	box.Handle(kindInteraction, a.handleInteraction)
	box.Handle(kindThread, a.handleThreadMessage)
	a.dg.AddHandler(a.onReady)
	a.dg.AddHandler(a.onResumed)
	a.dg.AddHandler(a.onDisconnect)
	a.dg.AddHandler(a.onRateLimit)
	a.dg.AddHandler(a.onMessageCreate)
	a.dg.AddHandler(a.onInteractionCreate)
	return a
}

// Start checks the token over REST, opens the gateway (READY received) and registers the
// application commands. A refused token is an error that names its variable, never its value.
func (a *Adapter) Start(ctx context.Context) error {
	me, err := a.dg.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return tokenError(err, a.cfg)
	}
	a.botID.Store(me.ID)
	if a.appID.Load().(string) == "" {
		a.appID.Store(me.ID) // a bot's application id is its user id; READY confirms it
	}
	if err := a.open(ctx); err != nil {
		return fmt.Errorf("discord: could not connect to the gateway: %w", err)
	}
	if err := a.registerCommands(ctx); err != nil {
		a.stopping.Store(true) // no reconnect for a start that failed
		a.closeGateway()
		return err
	}
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	a.mu.Lock()
	a.stopSupervisor, a.supervisorDone = cancel, done
	a.mu.Unlock()
	go func() {
		defer close(done)
		a.supervise(sctx)
	}()
	a.log.InfoContext(ctx, "discord connected", "bot_user", me.ID, "shard", a.cfg.ShardID, "shards", a.cfg.shards(), "guilds", a.cfg.GuildIDs)
	return nil
}

// open connects the gateway and returns once READY arrived, or when ctx ends.
func (a *Adapter) open(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- a.dg.Open() }()
	select {
	case err := <-done:
		if err != nil {
			return err
		}
		a.mu.Lock()
		a.opened = true
		a.mu.Unlock()
		return nil
	case <-ctx.Done():
		// Open cannot be cancelled; close what it opens once it returns.
		go func() {
			if err := <-done; err == nil {
				a.dg.Close()
			}
		}()
		return ctx.Err()
	}
}

// Stop disconnects the gateway, lets the work in flight finish while ctx allows, then cancels
// the rest and waits for it.
func (a *Adapter) Stop(ctx context.Context) error {
	var errs []error
	a.stopOnce.Do(func() {
		a.stopping.Store(true)
		a.ready.Store(false)
		a.mu.Lock()
		stop, done := a.stopSupervisor, a.supervisorDone
		a.mu.Unlock()
		if stop != nil {
			stop()
			select {
			case <-done:
			case <-ctx.Done():
				errs = append(errs, fmt.Errorf("discord: the gateway supervisor did not stop: %w", ctx.Err()))
			}
		}
		a.closeGateway()
	})
	if err := a.jobs.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("discord: work in flight did not stop: %w", err))
	}
	a.msgr.transport.CloseIdleConnections()
	return errors.Join(errs...)
}

func (a *Adapter) closeGateway() {
	a.mu.Lock()
	opened := a.opened
	a.opened = false
	a.mu.Unlock()
	if opened {
		if err := a.dg.Close(); err != nil {
			a.log.Warn("discord gateway close", "err", err)
		}
	}
}

// supervise reconnects after a lost connection, until ctx ends. discordgo resumes the session
// when Discord still has it (events missed meanwhile are delivered, and some already seen may
// come again: the inbox stores each DM and interaction once), else identifies anew.
func (a *Adapter) supervise(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.disconnected:
		}
		for attempt := 0; ; attempt++ {
			if ctx.Err() != nil {
				return
			}
			err := a.dg.Open()
			if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
				break
			}
			wait := reconnectWait(attempt)
			a.log.WarnContext(ctx, "discord gateway reconnect failed", "attempt", attempt+1, "retry_in", wait, "err", err)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
	}
}

// reconnectWait doubles from one second up to maxReconnectWait, with jitter so that many
// shards do not come back at the same instant.
func reconnectWait(attempt int) time.Duration {
	d := time.Second << min(attempt, 10)
	d = min(d, maxReconnectWait)
	return d/2 + rand.N(d/2+1)
}

func (a *Adapter) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	if r.Application != nil && r.Application.ID != "" {
		a.appID.Store(r.Application.ID)
	}
	a.ready.Store(true)
	a.log.Info("discord gateway ready", "shard", a.cfg.ShardID, "shards", a.cfg.shards())
}

func (a *Adapter) onResumed(*discordgo.Session, *discordgo.Resumed) {
	a.ready.Store(true)
	a.log.Info("discord gateway resumed")
}

func (a *Adapter) onDisconnect(*discordgo.Session, *discordgo.Disconnect) {
	a.ready.Store(false)
	if a.stopping.Load() {
		return
	}
	a.log.Warn("discord gateway disconnected, reconnecting")
	select {
	case a.disconnected <- struct{}{}:
	default: // a reconnect is already due
	}
}

func (a *Adapter) onRateLimit(_ *discordgo.Session, r *discordgo.RateLimit) {
	wait := time.Duration(0)
	if r.TooManyRequests != nil {
		wait = r.TooManyRequests.RetryAfter
	}
	a.log.Warn("discord rate limit, waiting", "url", redactTokens(r.URL), "retry_after", wait)
}

// Check is the readiness probe: the gateway is connected and READY (or RESUMED).
func (a *Adapter) Check() health.Check {
	return health.Check{Name: Platform, Func: func(context.Context) error {
		if !a.ready.Load() {
			return errors.New("discord: the gateway is not connected")
		}
		return nil
	}}
}

// tokenError explains a failed first call in words an operator acts on.
func tokenError(err error, cfg Config) error {
	if restStatus(err) == http.StatusUnauthorized {
		return errors.New("discord: DISCORD_BOT_TOKEN was refused by Discord (401 Unauthorized): copy the bot token from the Developer Portal (Bot → Reset Token)")
	}
	where := "https://discord.com"
	if cfg.APIURL != "" {
		where = redact.URL(cfg.APIURL)
	}
	return fmt.Errorf("discord: could not check DISCORD_BOT_TOKEN with Discord at %s: %w", where, err)
}

// eventID is the core's dedupe key of a Discord message or interaction: the same for a
// replay, whichever connection delivers it.
func eventID(id string) string { return Platform + ":" + id }

// answer posts the answer to an owner's event (its core event id) in the DM, or says that it
// failed. An event handled again after a crash posts no message of its answer twice (see
// Messenger.sendAnswer).
func (a *Adapter) answer(ctx context.Context, owner bot.Identity, channel, event string, replies []conversation.Reply, err error) {
	if err != nil {
		a.logError(ctx, "owner event failed", err, "owner", owner)
		replies = []conversation.Reply{{Text: bot.ErrorMessage(err)}}
	}
	if err := a.msgr.sendAnswer(ctx, channel, event, replies); err != nil {
		a.log.ErrorContext(ctx, "answer owner", "owner", owner, "err", err)
	}
}

// logError logs a core error: a refusal written for the person at info, anything else, whose
// detail only the log may carry, at error.
func (a *Adapter) logError(ctx context.Context, msg string, err error, args ...any) {
	args = append(args, "err", err)
	if bot.ErrorCode(err) == bot.CodeInternal {
		a.log.ErrorContext(ctx, msg, args...)
		return
	}
	a.log.InfoContext(ctx, msg, append(args, "code", bot.ErrorCode(err))...)
}

// botUser is the bot's own user id.
func (a *Adapter) botUser() string { return a.botID.Load().(string) }

// userName is how a user is shown: their display name, else their user name.
func userName(u *discordgo.User) string {
	switch {
	case u == nil:
		return ""
	case strings.TrimSpace(u.GlobalName) != "":
		return u.GlobalName
	case u.Username != "":
		return u.Username
	}
	return u.ID
}
