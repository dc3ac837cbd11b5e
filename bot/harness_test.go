package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/clocktest"
	"escalation-bot/xtest/intaketest"
	"escalation-bot/xtest/redistest"
)

// harness is the case service over a real Redis, with a recording messenger standing in for
// the platform: it records what the bot would have posted.
type harness struct {
	params   bot.Params
	svc      *bot.Service
	rds      *redistest.Redis
	sessions *redis.SessionStore
	cases    *redis.CaseStore
	mod      *redis.Moderation
	dialogue *countedDialogues
	msgr     *recorder
	clock    *clocktest.Clock
	engine   *conversation.Engine
}

func newHarness(t testing.TB, rds *redistest.Redis, mod ...func(*bot.Config)) *harness {
	t.Helper()
	cfg := bot.Config{
		Channels:   []string{"web:escalations"},
		Moderators: []string{"web:mod"},
		RateLimit:  10000,
	}
	for _, m := range mod {
		m(&cfg)
	}
	clock := clocktest.Frozen(t)
	rcfg := redis.Config{Tenant: rds.Tenant, Clock: clock}
	flow := conversation.DefaultFlow()
	h := &harness{
		rds:      rds,
		sessions: redis.NewSessionStore(rds.Client, rcfg),
		cases:    redis.NewCaseStore(rds.Client, rcfg),
		mod:      redis.NewModeration(rds.Client, rcfg),
		dialogue: &countedDialogues{Dialogues: redis.NewDialogues(rds.Client, rcfg)},
		msgr:     newRecorder(),
		clock:    clock,
		engine:   conversation.NewEngine(flow),
	}
	h.params = bot.Params{
		Config:     cfg,
		Engine:     h.engine,
		Extractor:  conversation.NewRuleExtractor(flow),
		Sessions:   h.sessions,
		Cases:      h.cases,
		Moderation: h.mod,
		Due:        redis.NewDueQueue(rds.Client, rcfg),
		Dialogues:  h.dialogue,
		Files:      redis.NewFiles(rds.Client, rcfg),
		Eraser:     redis.NewEraser(rds.Client, rcfg),
		Summarizer: bot.NewTemplateSummarizer(),
		Messengers: []bot.Messenger{h.msgr},
		Clock:      h.clock,
		Logger:     slog.New(slog.DiscardHandler),
	}
	h.svc = bot.NewService(h.params)
	return h
}

// rebuild makes the service anew with changed dependencies.
func (h *harness) rebuild(t testing.TB, change func(*bot.Params)) {
	t.Helper()
	change(&h.params)
	h.svc = bot.NewService(h.params)
}

func (h *harness) setSummarizer(t testing.TB, s bot.Summarizer) {
	h.rebuild(t, func(p *bot.Params) { p.Summarizer = s })
}

// session reads the owner's session straight from Redis, without counting against the
// owner's rate limit.
func (h *harness) session(t testing.TB, owner bot.Identity) conversation.Session {
	t.Helper()
	turn, err := h.sessions.Reload(context.Background(), owner, "")
	if err != nil {
		t.Fatalf("load session: %v", err)
	}
	return turn.Session
}

func (h *harness) say(t testing.TB, owner bot.Identity, text string) []conversation.Reply {
	t.Helper()
	replies, err := h.svc.HandleOwner(context.Background(), bot.OwnerEvent{Owner: owner, Name: name(owner), Text: text})
	if err != nil {
		t.Fatalf("%s says %q: %v", owner, text, err)
	}
	return replies
}

func (h *harness) press(t testing.TB, owner bot.Identity, action, value string) []conversation.Reply {
	t.Helper()
	replies, err := h.svc.HandleOwner(context.Background(), bot.OwnerEvent{Owner: owner, Name: name(owner), Action: action, Value: value})
	if err != nil {
		t.Fatalf("%s presses %s=%s: %v", owner, action, value, err)
	}
	return replies
}

func name(id bot.Identity) string {
	_, n, _ := strings.Cut(string(id), ":")
	return n
}

// validVIN has a correct ISO 3779 check digit.
const validVIN = intaketest.ValidVIN

// answers is what a typical owner types at each step of the default flow.
var answers = intaketest.Answers()

// intake walks the owner through the whole default flow up to the review card; with submit it
// also submits, and returns the case id.
func (h *harness) intake(t testing.TB, owner bot.Identity, submit bool, override map[string]string) string {
	t.Helper()
	h.say(t, owner, "hello")
	h.press(t, owner, conversation.ActionChoose, "understood")
	for range 30 {
		s := h.session(t, owner)
		if s.Stage == conversation.StageReview {
			break
		}
		if s.Stage != conversation.StageIntake {
			t.Fatalf("intake left the flow at stage %s", s.Stage)
		}
		text, ok := override[s.Step]
		if !ok {
			text, ok = answers[s.Step]
		}
		if !ok {
			t.Fatalf("no answer for step %q", s.Step)
		}
		h.say(t, owner, text)
	}
	if s := h.session(t, owner); s.Stage != conversation.StageReview {
		t.Fatalf("never reached the review: stage %s at step %s", s.Stage, s.Step)
	}
	if !submit {
		return ""
	}
	h.press(t, owner, conversation.ActionSubmit, "")
	s := h.session(t, owner)
	if s.Stage != conversation.StageSubmitted || s.CaseID == "" {
		t.Fatalf("after submit: stage %s case %q", s.Stage, s.CaseID)
	}
	return s.CaseID
}

// dialogueOf is the owner's dialogue as the service reads it.
func (h *harness) dialogueOf(t testing.TB, owner bot.Identity) []bot.Line {
	t.Helper()
	lines, err := h.svc.Dialogue(context.Background(), owner)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// countedDialogues counts the appends, so a test can tell a turn's own round trips from the
// one that keeps its dialogue.
type countedDialogues struct {
	*redis.Dialogues
	appends atomic.Int64
}

func (d *countedDialogues) Append(ctx context.Context, owner bot.Identity, a bot.Appending, lines ...bot.Line) error {
	d.appends.Add(1)
	return d.Dialogues.Append(ctx, owner, a, lines...)
}

// recorder is a Messenger for the "web" platform that keeps everything the bot sends.
type recorder struct {
	mu      sync.Mutex
	owners  map[bot.Identity][]conversation.Reply
	cards   map[string]bot.Card // by ref
	posts   int
	updates int
	threads map[string][]bot.ThreadMessage // by ref
	failing bool
	// mute fails every DM and thread line, as a platform that is down; threadDown only the
	// thread lines.
	mute, threadDown bool
	// keys are the delivery keys of the messages kept: a key sent again is not kept twice,
	// as the platforms deduplicate; doubles counts such repeats.
	keys    map[string]bool
	doubles int
	// onUpdate runs inside UpdateCard before the card is stored, once: it stands for another
	// transition landing while this edit is on its way.
	onUpdate func()
}

func newRecorder() *recorder {
	return &recorder{owners: map[bot.Identity][]conversation.Reply{}, cards: map[string]bot.Card{}, threads: map[string][]bot.ThreadMessage{}, keys: map[string]bool{}}
}

func (r *recorder) Platform() string { return "web" }

func (r *recorder) SendToOwner(_ context.Context, owner bot.Identity, replies []conversation.Reply, d bot.Delivery) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.mute {
		return fmt.Errorf("DM to %s: platform down", owner)
	}
	if r.seenLocked(d) {
		return nil
	}
	r.owners[owner] = append(r.owners[owner], replies...)
	return nil
}

// seenLocked reports whether a message with d's key was kept before, and notes the key.
func (r *recorder) seenLocked(d bot.Delivery) bool {
	if d.Key == "" {
		return false
	}
	if r.keys[d.Key] {
		r.doubles++
		return true
	}
	r.keys[d.Key] = true
	return false
}

func (r *recorder) PostCard(_ context.Context, channel string, card bot.Card) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failing {
		return "", fmt.Errorf("post to %s: platform down", channel)
	}
	r.posts++
	ref := channel + "/" + card.ID
	r.cards[ref] = card
	return ref, nil
}

func (r *recorder) UpdateCard(_ context.Context, channel, ref string, card bot.Card) error {
	r.mu.Lock()
	hook := r.onUpdate
	r.onUpdate = nil
	r.mu.Unlock()
	if hook != nil {
		hook()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updates++
	r.cards[ref] = card
	return nil
}

func (r *recorder) PostThread(_ context.Context, channel, ref string, msg bot.ThreadMessage, d bot.Delivery) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.mute || r.threadDown {
		return fmt.Errorf("thread of %s: platform down", ref)
	}
	if r.seenLocked(d) {
		return nil
	}
	r.threads[ref] = append(r.threads[ref], msg)
	return nil
}

// Announce keeps a line posted into the channel itself under the ref "announce/<channel>".
func (r *recorder) Announce(ctx context.Context, channel string, msg bot.ThreadMessage, d bot.Delivery) error {
	return r.PostThread(ctx, channel, "announce/"+channel, msg, d)
}

func (r *recorder) setMute(v bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mute = v
}

func (r *recorder) failThread(v bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.threadDown = v
}

// forget drops the delivery keys seen, as a platform without deduplication.
func (r *recorder) forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys = map[string]bool{}
}

func (r *recorder) setFailing(v bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failing = v
}

func (r *recorder) card(id string) (bot.Card, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.cards["escalations/"+id]
	return c, ok
}

func (r *recorder) thread(id string) []bot.ThreadMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.threads["escalations/"+id])
}

func (r *recorder) toOwner(owner bot.Identity) []conversation.Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.owners[owner])
}

func texts(replies []conversation.Reply) string {
	var b strings.Builder
	for _, r := range replies {
		b.WriteString(r.Text)
		b.WriteString("\n")
	}
	return b.String()
}
