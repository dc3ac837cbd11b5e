package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/conversation"
	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/ownertest"
	"escalation-bot/xtest/proc"

	"github.com/bwmarrin/discordgo"
)

const (
	discordToken   = "fault-test-discord-token"
	discordChannel = "300000000000000001" // the escalation channel
	// discordReplays is how many events the gateway sends again on the resume after a drop.
	discordReplays = 8
)

// discordRedisPorts are the ports of this test's redis-server, apart from the other tests'.
var discordRedisPorts = [2]int{6500, 6599}

// TestFaultsDiscord runs many owners' intakes by DM over the Discord gateway (the real
// discordgo client of the bot against xtest/fakediscord) while the bot is SIGKILLed, Redis goes
// away and comes back, and the gateway connection drops and is resumed with recent events
// replayed. Owners write MESSAGE_CREATEs in their DM channel, click the consent, choice and
// Submit buttons (INTERACTION_CREATE), and read the bot's replies in the DM as a person would.
//
// What counts as acknowledged is what a Discord user can rely on:
//
//   - A DM is acknowledged once the bot stored it in its inbox: the inbox's dedupe mark of the
//     message id is in Redis (written in the same script as the item, with fsync always).
//     The gateway delivers a message once; one delivered to a process that died before
//     storing it (in flight, or held in memory while Redis was away) is lost on the real
//     Discord too, and a new process identifies a new session, which is not sent the old
//     one's events. So a DM is lost when it is not stored and the process whose gateway
//     session it was dispatched to has died since (checked in that order: a dead process
//     stores nothing more). The owner writes a lost DM again after a moment, as a person does
//     when the bot does not answer; a DM neither stored nor lost by the silence deadline is
//     written again too, and counted.
//   - A click is acknowledged once Discord accepted the bot's initial response (deferred or
//     not) within its three seconds. Otherwise Discord shows that the interaction failed and
//     the person clicks again, which is a new interaction.
//
// An owner who hears nothing for the silence deadline while their answer still waits in the
// bot's inbox (a process died with it, and the next takes it over when its lease ends) waits
// on; once the inbox no longer holds it, an answer not taken is lost, and one taken but not
// answered is a reply lost. The gateway connection also drops once (FAULTS_GATEWAY_DROPS):
// discordgo resumes the session and the fake sends recent events again, which must change
// nothing.
//
// Afterwards every owner whose Submit click got a response must have exactly one case, the
// case exactly one card in the escalation channel, the owner the case id exactly once in the
// DM; and no acknowledged answer may have been lost or answered with an error.
func TestFaultsDiscord(t *testing.T) {
	set := loadSettings(t)
	ports := proc.RedisPorts
	proc.RedisPorts = discordRedisPorts // read once, by startStack; the fault tests do not run in parallel
	defer func() { proc.RedisPorts = ports }()
	fake := fakediscord.New(t)
	fake.SetToken(discordToken)
	fake.Delay("POST /channels/*/messages$", set.slackLatency)
	st := startStack(t, set, map[string]string{
		"DISCORD_BOT_TOKEN":   discordToken,
		"DISCORD_API_URL":     fake.URL,
		"ESCALATION_CHANNELS": "discord:" + discordChannel,
	})
	run := &discordRun{t: t, set: set, st: st, fake: fake, reader: ownertest.NewReader(), identified: map[string]time.Time{}}
	run.chaos = planChaos(t, st, set, run.dropGateway)

	owners := make([]*discordOwner, set.owners)
	for i := range owners {
		p := newPersona(i+1, fmt.Sprintf("owner%03d", i+1))
		user := fmt.Sprintf("41%016d", i+1)
		fake.SetUser(user, p.Name)
		owners[i] = &discordOwner{run: run, p: p, user: user, dm: fmt.Sprintf("51%016d", i+1)}
	}

	ctx, cancel := context.WithTimeout(t.Context(), set.intake)
	defer cancel()
	began := time.Now()
	run.began = began
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

	res, recoverTook := converge(set, func() discordResult { return run.result(t.Context(), owners) }, discordResult.converged)
	run.assert(t, owners, res, intakeTook, recoverTook)
}

type discordRun struct {
	t      *testing.T // for Dispatch, which fails the test only before the bot first identified
	set    settings
	st     *stack
	fake   *fakediscord.Server
	reader ownertest.Reader
	chaos  *chaos
	began  time.Time // set before the owners and the faults start: the clock of their notes

	mu         sync.Mutex
	identified map[string]time.Time // gateway session → when its process identified it

	dms, dmsLost, dmsUndecided, slowReplies            atomic.Int64
	clicks, clicksFailed                               atomic.Int64
	silences, answersLost, repliesLost, failedAfterAck atomic.Int64
	repliesDoubled                                     atomic.Int64
}

// discordOwner is one person writing to the bot in their DM.
type discordOwner struct {
	run      *discordRun
	p        ownertest.Persona
	user, dm string
	read     int // messages of the DM already read

	submitted bool   // a Submit click got its response
	toldFirst string // the case id the owner read before the intake ended, if any
	problems  []string
	moves     []string // the owner's last moves and what came of them, for a failure
}

func (o *discordOwner) identity() string { return "discord:" + o.user }

func (o *discordOwner) problem(format string, args ...any) {
	o.problems = append(o.problems, o.run.clock()+" "+fmt.Sprintf(format, args...))
}

// note keeps what became of a move, the last few only.
func (o *discordOwner) note(format string, args ...any) {
	o.moves = append(o.moves, o.run.clock()+" "+fmt.Sprintf(format, args...))
	if len(o.moves) > 40 {
		o.moves = o.moves[1:]
	}
}

// clock is the time since the run began, as the fault journal counts it.
func (r *discordRun) clock() string {
	return fmt.Sprintf("%6.2fs", time.Since(r.began).Seconds())
}

// intake runs the owner's whole intake: hello, every answer, Submit. It reads the DM as the
// Slack owner does (see slackOwner.intake); only the moves differ.
func (o *discordOwner) intake(ctx context.Context) {
	last, mv := ownertest.StepStart, o.p.At(ownertest.StepStart)
	var lastMsg ownertest.Message
	if o.do(ctx, ownertest.Message{}, mv) != nil {
		return
	}
	counted := false // this answer's loss is already counted
	waited := 0      // silences waited out while the bot still held the answer
	for {
		r, m, err := o.await(ctx)
		if err != nil {
			return
		}
		o.note("read %s: %s %s%s", m.ID, kindName(r.Kind), r.Step, r.CaseID)
		if r.Kind != silent {
			waited = 0
		}
		switch {
		case r.Kind == ownertest.Told:
			if last != ownertest.StepReview {
				o.problem("told %s before submitting (last answer: %s)", r.CaseID, last)
			}
			o.toldFirst = r.CaseID
			return
		case r.Kind == ownertest.Asked:
			if r.Step == last && last != ownertest.StepReview && !counted {
				counted = true
				sess, found, err := readSession(ctx, o.run.st.rdb, o.identity())
				if err == nil && took(sess, found, last) {
					o.run.repliesDoubled.Add(1)
					o.problem("answer to %s taken, then the question was posted again", last)
					if o.do(ctx, ownertest.Message{}, ownertest.Move{Text: "help"}) != nil {
						return
					}
					continue
				}
				o.run.answersLost.Add(1)
				o.problem("answer to %s acknowledged, then asked again", last)
			}
			last, mv, lastMsg, counted = r.Step, o.p.At(r.Step), m, false
			if last == ownertest.StepReview {
				o.run.chaos.submitting.Add(1)
			}
			if o.do(ctx, m, mv) != nil {
				return
			}
			if last == ownertest.StepReview {
				o.submitted = true
				o.run.chaos.submits.Add(1)
			}
		case r.Kind == ownertest.Unknown:
			o.run.failedAfterAck.Add(1)
			o.problem("answer to %s acknowledged, then the bot wrote %q", last, conversation.Clip(m.Text, 80))
			counted = true
			if o.do(ctx, lastMsg, mv) != nil {
				return
			}
		default: // silence
			if last == ownertest.StepReview {
				return // submitted: the checks give the bot its time to tell the case id
			}
			if !counted && waited < 3 && o.run.pending(ctx, o.identity()) {
				// The answer is still in the bot's inbox: a process died with it and the next
				// takes it over once its lease ends (twice in a row takes longer than the
				// silence). The bot still owes the reply.
				waited++
				o.run.slowReplies.Add(1)
				o.note("silence after %s while the inbox still holds it: waiting on", last)
				continue
			}
			o.run.silences.Add(1)
			if !counted {
				sess, found, err := readSession(ctx, o.run.st.rdb, o.identity())
				switch {
				case err != nil:
					o.problem("silence after %s; session unreadable: %v", last, err)
				case took(sess, found, last):
					o.run.repliesLost.Add(1)
					o.problem("answer to %s taken, but the bot never answered it", last)
				default:
					o.run.answersLost.Add(1)
					o.problem("answer to %s acknowledged but never taken", last)
				}
				counted = true
			}
			if o.do(ctx, ownertest.Message{}, ownertest.Move{Text: "help"}) != nil {
				return
			}
		}
	}
}

// await reads the DM until the bot asks something or tells a case id (the newest such message
// wins), says something the owner does not understand (and nothing else for a second), or
// stays silent for the silence deadline.
func (o *discordOwner) await(ctx context.Context) (ownertest.Reading, ownertest.Message, error) {
	deadline := time.Now().Add(o.run.set.silence)
	var puzzled time.Time
	var fresh []json.RawMessage // messages after o.read, as far as read
	for {
		fresh = append(fresh, o.run.fake.MessagesFrom(o.dm, o.read+len(fresh))...)
		var odd *ownertest.Message
		for i := len(fresh) - 1; i >= 0; i-- {
			m, ok := ownertest.DiscordMessage(fresh[i], time.Time{})
			if !ok {
				continue // the owner's own message
			}
			switch r := o.run.reader.Read(m); r.Kind {
			case ownertest.Asked, ownertest.Told:
				o.read += len(fresh)
				return r, m, nil
			case ownertest.Unknown:
				if odd == nil {
					odd = &m
				}
			}
		}
		now := time.Now()
		if odd != nil {
			if puzzled.IsZero() {
				puzzled = now
			} else if now.Sub(puzzled) > time.Second {
				o.read += len(fresh)
				return ownertest.Reading{Kind: ownertest.Unknown}, *odd, nil
			}
		}
		if now.After(deadline) {
			o.read += len(fresh)
			return ownertest.Reading{Kind: silent}, ownertest.Message{}, nil
		}
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return ownertest.Reading{}, ownertest.Message{}, err
		}
	}
}

func kindName(k ownertest.Kind) string {
	switch k {
	case silent:
		return "silence"
	case ownertest.Asked:
		return "asked"
	case ownertest.Told:
		return "told"
	case ownertest.Benign:
		return "benign"
	}
	return "not understood"
}

// do makes a move: a DM, or a click on a button of m. It returns once the move was
// acknowledged, making it again until then.
func (o *discordOwner) do(ctx context.Context, m ownertest.Message, mv ownertest.Move) error {
	if mv.Action == "" {
		return o.write(ctx, mv.Text)
	}
	b, ok := m.Button(mv.Action, mv.Value)
	if !ok {
		o.problem("no button %s in %q", mv, conversation.Clip(m.Text, 80))
		return errors.New("no button")
	}
	return o.click(ctx, m, b)
}

// write sends text in the DM until a copy of it is stored by the bot.
func (o *discordOwner) write(ctx context.Context, text string) error {
	for {
		msg := fakediscord.MessageCreate("", o.dm, "", o.user, o.p.Name, text)
		ev := o.run.fake.DispatchEvent(o.run.t, "MESSAGE_CREATE", msg)
		o.run.dms.Add(1)
		f, err := o.run.fate(ctx, msg["id"].(string), ev.SessionID)
		if err != nil {
			return err
		}
		o.note("DM %s %q in session %.8s: %s", msg["id"], conversation.Clip(text, 30), ev.SessionID, f)
		switch f {
		case dmStored:
			o.run.chaos.answers.Add(1)
			return nil
		case dmLost:
			o.run.dmsLost.Add(1)
		default:
			o.run.dmsUndecided.Add(1)
			o.problem("DM %q neither stored nor lost with a dead process within %v", conversation.Clip(text, 40), o.run.set.silence)
		}
		// Nothing comes back: after a moment the person writes it again.
		if err := sleep(ctx, time.Second+rand.N(time.Second)); err != nil {
			return err
		}
	}
}

// click presses b of m until the bot answers the interaction within Discord's deadline.
func (o *discordOwner) click(ctx context.Context, m ownertest.Message, b ownertest.Button) error {
	inv := fakediscord.Invoker{UserID: o.user, Username: o.p.Name}
	for {
		var payload map[string]any
		if b.Select {
			payload = fakediscord.SelectMenu(inv, o.dm, m.ID, b.ID, b.Value)
		} else {
			payload = fakediscord.ButtonClick(inv, o.dm, m.ID, b.ID)
		}
		o.run.fake.Dispatch(o.run.t, "INTERACTION_CREATE", payload)
		o.run.clicks.Add(1)
		sent := time.Now()
		ok, err := o.run.responded(ctx, payload["id"].(string), sent)
		if err != nil {
			return err
		}
		o.note("click %s %s on %s: answered %v", payload["id"], b.ID, m.ID, ok)
		if ok {
			o.run.chaos.answers.Add(1)
			return nil
		}
		// "This interaction failed": the person clicks again.
		o.run.clicksFailed.Add(1)
		if err := sleep(ctx, 300*time.Millisecond+rand.N(700*time.Millisecond)); err != nil {
			return err
		}
	}
}

type dmFate int

const (
	dmUndecided dmFate = iota
	dmStored
	dmLost
)

func (f dmFate) String() string { return [...]string{"undecided", "stored", "lost"}[f] }

// fate waits until the DM of message id, dispatched in gateway session sid, is stored in the
// bot's inbox or certainly lost (see TestFaultsDiscord), or the silence deadline passes.
func (r *discordRun) fate(ctx context.Context, id, sid string) (dmFate, error) {
	key := inboxSeenKey("discord:msg:" + id)
	deadline := time.Now().Add(r.set.silence)
	for {
		gone := r.sessionGone(sid) // before the read: a process found dead stores nothing after
		n, err := r.st.rdb.Exists(ctx, key).Result()
		switch {
		case err == nil && n > 0:
			return dmStored, nil
		case err == nil && gone:
			return dmLost, nil
		case time.Now().After(deadline):
			return dmUndecided, nil
		}
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return dmUndecided, err
		}
	}
}

// pending reports whether the owner's lane of the bot's inbox still holds events.
func (r *discordRun) pending(ctx context.Context, owner string) bool {
	for range 20 { // through a Redis outage
		n, err := r.st.rdb.LLen(ctx, "esc:{"+tenant+"}:inbox:lane:"+owner).Result()
		if err == nil {
			return n > 0
		}
		if sleep(ctx, 100*time.Millisecond) != nil {
			return false
		}
	}
	return false
}

// sessionGone reports whether the process that identified gateway session sid has died.
func (r *discordRun) sessionGone(sid string) bool {
	r.mu.Lock()
	at, ok := r.identified[sid]
	r.mu.Unlock()
	if !ok {
		for _, id := range r.fake.Identifies() {
			if id.SessionID == sid {
				at, ok = id.At, true
				r.mu.Lock()
				r.identified[sid] = at
				r.mu.Unlock()
			}
		}
	}
	return ok && r.chaos.diedSince(at)
}

// responded waits for the accepted initial response to interaction id, dispatched at sent,
// until Discord's deadline for it has passed.
func (r *discordRun) responded(ctx context.Context, id string, sent time.Time) (bool, error) {
	for {
		for _, c := range r.fake.Responses(id) {
			if c.CallbackType != 0 && c.Status/100 == 2 {
				return true, nil
			}
		}
		if time.Since(sent) > fakediscord.InteractionDeadline+250*time.Millisecond {
			return false, nil
		}
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return false, err
		}
	}
}

// dropGateway drops the bot's gateway connection with recent events to be replayed on the
// resume, and waits until the bot is connected again.
func (r *discordRun) dropGateway() (string, error) {
	if err := waitUntil(10*time.Second, r.fake.Connected); err != nil {
		return "", errors.New("no gateway connection to drop")
	}
	resumes, identifies := len(r.fake.Resumes()), len(r.fake.Identifies())
	began := time.Now()
	r.fake.ReplayOnResume(discordReplays)
	r.fake.DropConnection(r.t) // does not fail: the connection is settled and only chaos kills the bot
	if err := waitUntil(20*time.Second, func() bool {
		return r.fake.Connected() && len(r.fake.Resumes())+len(r.fake.Identifies()) > resumes+identifies
	}); err != nil {
		return "", errors.New("the bot did not come back to the gateway after a drop")
	}
	rs := r.fake.Resumes()
	switch {
	case len(rs) > resumes && rs[len(rs)-1].OK:
		return fmt.Sprintf("resumed after %v, %d events replayed", time.Since(began).Round(time.Millisecond), discordReplays), nil
	case len(r.fake.Identifies()) > identifies:
		return fmt.Sprintf("identified anew after %v (no resume)", time.Since(began).Round(time.Millisecond)), nil
	}
	return fmt.Sprintf("back after %v", time.Since(began).Round(time.Millisecond)), nil
}

func waitUntil(timeout time.Duration, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// inboxSeenKey is the inbox's mark of an accepted event id (adapters/redis/keys.go).
func inboxSeenKey(id string) string { return "esc:{" + tenant + "}:inbox:seen:" + id }

// discordResult is the state of the run as the checks read it: Redis, the escalation channel
// and the owners' DMs.
type discordResult struct {
	err         error
	cases       []storedCase
	cards       map[string]int // the bot's cards in the escalation channel, by case id
	strayCards  int            // cards naming no case that exists
	submitted   int
	noCase      []string
	manyCases   []string
	noCard      []string
	manyCards   []string
	neverTold   []string
	toldTwice   []string
	wrongID     []string
	unsubmitted []string
}

func (r discordResult) converged() bool {
	return r.err == nil && len(r.noCase) == 0 && len(r.noCard) == 0 && len(r.neverTold) == 0
}

func (r *discordRun) result(ctx context.Context, owners []*discordOwner) discordResult {
	res := discordResult{cards: map[string]int{}}
	res.cases, res.err = readCases(ctx, r.st.rdb)
	byOwner := map[string][]storedCase{}
	exists := map[string]bool{}
	for _, c := range res.cases {
		byOwner[c.Owner] = append(byOwner[c.Owner], c)
		exists[c.ID] = true
	}
	for _, raw := range r.fake.Messages(discordChannel) {
		var m discordgo.Message
		if json.Unmarshal(raw, &m) != nil || m.Author == nil || m.Author.ID != fakediscord.BotUserID || len(m.Embeds) == 0 {
			continue
		}
		id := ownertest.CaseIDPattern.FindString(m.Embeds[0].Title)
		if !exists[id] {
			res.strayCards++
			continue
		}
		res.cards[id]++
	}
	for _, c := range res.cases {
		switch n := res.cards[c.ID]; {
		case n == 0:
			res.noCard = append(res.noCard, c.ID)
		case n > 1:
			res.manyCards = append(res.manyCards, fmt.Sprintf("%s×%d", c.ID, n))
		}
	}
	for _, o := range owners {
		cs := byOwner[o.identity()]
		if len(cs) > 1 {
			res.manyCases = append(res.manyCases, fmt.Sprintf("%s×%d", o.p.Name, len(cs)))
		}
		if !o.submitted {
			res.unsubmitted = append(res.unsubmitted, o.p.Name)
			continue
		}
		res.submitted++
		if len(cs) == 0 {
			res.noCase = append(res.noCase, o.p.Name)
			continue
		}
		if o.toldFirst != "" && len(cs) == 1 && o.toldFirst != cs[0].ID {
			res.wrongID = append(res.wrongID, fmt.Sprintf("%s read %s, has %s", o.p.Name, o.toldFirst, cs[0].ID))
		}
		told := 0
		for _, raw := range r.fake.Messages(o.dm) {
			m, ok := ownertest.DiscordMessage(raw, time.Time{})
			if !ok {
				continue
			}
			for _, c := range cs {
				if strings.Contains(m.Text, c.ID) {
					told++
					break
				}
			}
		}
		switch {
		case told == 0:
			res.neverTold = append(res.neverTold, o.p.Name+"/"+cs[0].ID)
		case told > 1:
			res.toldTwice = append(res.toldTwice, fmt.Sprintf("%s/%s×%d", o.p.Name, cs[0].ID, told))
		}
	}
	for _, l := range [][]string{res.noCase, res.manyCases, res.noCard, res.manyCards, res.neverTold, res.toldTwice, res.wrongID, res.unsubmitted} {
		sort.Strings(l)
	}
	return res
}

func (r *discordRun) assert(t *testing.T, owners []*discordOwner, res discordResult, intakeTook, recoverTook time.Duration) {
	t.Helper()
	kills, outages, journal, _ := r.chaos.report()
	plannedKills, plannedOutages := r.chaos.planned()
	drops, plannedDrops := r.chaos.gatewayDrops()
	duplicateCards := 0
	for _, n := range res.cards {
		duplicateCards += max(0, n-1)
	}
	// Callbacks the real Discord refuses, which the bot may meet after a crash: an interaction
	// whose handling a dead process left behind is answered late (10062 Unknown interaction),
	// or again when the dead process had answered it (40060 already acknowledged).
	var late, again int
	var violations []string
	for _, v := range r.fake.Violations() {
		switch {
		case strings.Contains(v, "(10062)"):
			late++
		case strings.Contains(v, "(40060)"):
			again++
		default:
			violations = append(violations, v)
		}
	}
	resumed := 0
	for _, rs := range r.fake.Resumes() {
		if rs.OK {
			resumed++
		}
	}
	t.Logf("faults:\n  %s", strings.Join(journal, "\n  "))
	t.Logf("figures (Discord gateway): owners=%d submitted=%d never-submitted=%d | bot kills=%d/%d redis restarts=%d/%d gateway drops=%d/%d unexpected bot exits=%d | "+
		"identifies=%d resumes=%d | DMs=%d DMs-lost-with-a-dead-bot=%d DMs-undecided=%d clicks=%d clicks-unanswered=%d late-callbacks=%d repeated-callbacks=%d | "+
		"cases=%d owners-without-case=%d owners-with-several-cases=%d | cards=%d duplicate-cards=%d cases-without-card=%d stray-cards=%d | "+
		"owners-never-told=%d owners-told-twice=%d owners-told-wrong-id=%d | "+
		"silences=%d silences-with-the-answer-still-in-the-inbox=%d answers-lost=%d replies-lost=%d replies-doubled=%d answers-failed-after-ack=%d | intake %v, recovery %v",
		len(owners), res.submitted, len(res.unsubmitted), kills, plannedKills, outages, plannedOutages, drops, plannedDrops, len(r.st.bot.Unexpected()),
		len(r.fake.Identifies()), resumed, r.dms.Load(), r.dmsLost.Load(), r.dmsUndecided.Load(), r.clicks.Load(), r.clicksFailed.Load(), late, again,
		len(res.cases), len(res.noCase), len(res.manyCases), sumCards(res.cards), duplicateCards, len(res.noCard), res.strayCards,
		len(res.neverTold), len(res.toldTwice), len(res.wrongID),
		r.silences.Load(), r.slowReplies.Load(), r.answersLost.Load(), r.repliesLost.Load(), r.repliesDoubled.Load(), r.failedAfterAck.Load(),
		intakeTook.Round(time.Millisecond), recoverTook.Round(time.Millisecond))
	var problems []string
	for _, o := range owners {
		for _, p := range o.problems {
			problems = append(problems, o.p.Name+": "+p)
		}
	}
	if len(problems) > 0 {
		t.Logf("what owners ran into (%d):\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	defer func() {
		if t.Failed() {
			r.explain(t, owners, res)
		}
	}()

	checkRun(t, r.chaos, r.st, res.err)
	if len(res.unsubmitted) > 0 {
		t.Errorf("%d owner(s) never got a Submit click answered within %v: %s", len(res.unsubmitted), r.set.intake, list(res.unsubmitted))
	}
	expectNone(t, res.noCase, "%d owner(s) whose Submit click was answered have no case: %s")
	expectNone(t, res.manyCases, "%d owner(s) have more than one case: %s")
	expectNone(t, res.noCard, "%d case(s) have no card in the escalation channel: %s")
	if len(res.manyCards) > 0 {
		t.Errorf("%d case(s) were posted more than once (%d duplicate cards): %s", len(res.manyCards), duplicateCards, list(res.manyCards))
	}
	if res.strayCards > 0 {
		t.Errorf("%d card(s) in the escalation channel name no case that exists", res.strayCards)
	}
	expectNone(t, res.neverTold, "%d owner(s) whose Submit click was answered were never told their case id: %s")
	expectNone(t, res.toldTwice, "%d owner(s) were told their case id more than once: %s")
	expectNone(t, res.wrongID, "%d owner(s) were told another case id than their case's: %s")
	if n := r.dmsUndecided.Load(); n > 0 {
		t.Errorf("%d DM(s) dispatched to a bot that did not die were not stored within %v", n, r.set.silence)
	}
	if n := r.answersLost.Load(); n > 0 {
		t.Errorf("%d acknowledged answer(s) were lost", n)
	}
	if n := r.failedAfterAck.Load(); n > 0 {
		t.Errorf("%d acknowledged answer(s) were answered with an error instead of being taken", n)
	}
	if n := r.repliesLost.Load(); n > 0 {
		t.Errorf("%d answer(s) were taken but never answered in the DM", n)
	}
	if n := r.repliesDoubled.Load(); n > 0 {
		t.Errorf("%d question(s) were posted again after their answer was taken", n)
	}
	if len(violations) > 0 {
		t.Errorf("fakediscord: %d request(s) the real Discord would reject:\n  %s", len(violations), strings.Join(violations, "\n  "))
	}
}

// explain shows, for a few owners who ran into something or whom the checks name, their last
// moves and the end of their DM as it stands.
func (r *discordRun) explain(t *testing.T, owners []*discordOwner, res discordResult) {
	named := map[string]bool{}
	for _, l := range [][]string{res.noCase, res.manyCases, res.neverTold, res.toldTwice, res.wrongID} {
		for _, e := range l {
			named[e[:strings.IndexAny(e+"/× ", "/× ")]] = true
		}
	}
	shown := 0
	for _, o := range owners {
		if (len(o.problems) == 0 && !named[o.p.Name]) || shown == 4 {
			continue
		}
		shown++
		var dm []string
		msgs := r.fake.Messages(o.dm)
		for _, raw := range msgs[max(0, len(msgs)-24):] {
			var m discordgo.Message
			if json.Unmarshal(raw, &m) != nil || m.Author == nil {
				continue
			}
			who := "owner"
			if m.Author.ID == fakediscord.BotUserID {
				who = "bot"
			}
			b, _ := ownertest.DiscordMessage(raw, time.Time{})
			var buttons []string
			for _, x := range b.Buttons {
				buttons = append(buttons, x.ID)
			}
			dm = append(dm, fmt.Sprintf("%s %s %s: %q %v", m.Timestamp.Format("15:04:05.000"), m.ID, who, conversation.Clip(strings.TrimSpace(ownertest.DiscordText(&m)), 60), buttons))
		}
		t.Logf("%s (%s), last moves:\n    %s\n  the DM's last messages (journal started %s):\n    %s", o.p.Name, o.identity(),
			strings.Join(o.moves, "\n    "), r.began.Format("15:04:05.000"), strings.Join(dm, "\n    "))
	}
}
