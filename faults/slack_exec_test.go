package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/ownertest"
)

// TestFaultsSlackExecutives runs the executives' side of cases over Slack's HTTP mode while
// the bot is SIGKILLed and Redis goes away and comes back. Owners first open their cases
// without faults. Then, with the faults, executives work the case cards as people do in
// Slack: two of them click Claim on each card at about the same time, the winner clicks
// Reply, writes to the owner in the modal, then clicks Resolve and writes the resolution. A
// click or a submission that is not acknowledged with a 2xx is made again after a moment (a
// new click, or the same modal submitted again), as is a click that shows no effect (the card
// does not change, no modal opens). Afterwards every case must be resolved, with each change
// told exactly once: the owner's DM holds one claim notice, one reply and one resolution;
// the card's thread one line each; the card shows the case resolved; nothing is left in the
// outbox and no card was posted twice.
func TestFaultsSlackExecutives(t *testing.T) {
	set := loadSettings(t)
	ex := loadExecSettings(t)
	set.owners = ex.cases // the owners' connections, and the chaos's idea of "everyone"
	fake := fakeslack.New(t)
	fake.Delay("chat.postMessage", set.slackLatency)
	st := startStack(t, set, map[string]string{
		"SLACK_BOT_TOKEN":      "xoxb-test",
		"SLACK_SIGNING_SECRET": slackSecret,
		"SLACK_API_URL":        fake.APIURL(),
		"ESCALATION_CHANNELS":  "slack:" + slackChannel,
	})
	client := &http.Client{
		// Slack gives an app three seconds to acknowledge; the person then sees it failed.
		Timeout:   3 * time.Second,
		Transport: transport(t, set),
	}
	// No faults while the cases are opened: the owners' side has its own test.
	run := &slackRun{set: set, st: st, fake: fake, reader: ownertest.NewReader(), client: client, chaos: &chaos{}}
	owners := make([]*slackOwner, ex.cases)
	for i := range owners {
		p := newPersona(i+1, fmt.Sprintf("owner%03d", i+1))
		user := fmt.Sprintf("UOWNER%03d", i+1)
		fake.SetUser(user, p.Name, fakeslack.TeamID)
		owners[i] = &slackOwner{run: run, p: p, user: user, dm: "D" + user}
	}
	execs := make([]*executive, ex.executives)
	for i := range execs {
		e := &executive{user: fmt.Sprintf("UEXEC%02d", i+1), name: fmt.Sprintf("exec%02d", i+1)}
		e.dm = "D" + e.user
		fake.SetUser(e.user, e.name, fakeslack.TeamID)
		execs[i] = e
	}
	x := &execRun{set: set, st: st, fake: fake, client: client}

	// 1. The cases, each with its card in the escalation channel.
	began := time.Now()
	ctx, cancel := context.WithTimeout(t.Context(), set.intake)
	var wg sync.WaitGroup
	for _, o := range owners {
		wg.Go(func() { o.intake(ctx) })
	}
	wg.Wait()
	cancel()
	cases := x.awaitCards(t, owners, execs)
	openTook := time.Since(began)

	// 2. The executives at work, under faults.
	x.chaos = planExecChaos(t, st, set, len(cases)*(actionsPerCase+len(cases[0].contenders)-1))
	began = time.Now()
	ctx, cancel = context.WithTimeout(t.Context(), set.intake)
	defer cancel()
	chaosDone := make(chan struct{})
	go func() { defer close(chaosDone); x.chaos.run(ctx) }()
	for i, c := range cases {
		wg.Go(func() {
			// The cards are not all worked at the same moment.
			if sleep(ctx, time.Duration(i)*ex.stagger) == nil {
				x.work(ctx, c)
			}
		})
	}
	wg.Wait()
	workTook := time.Since(began)
	cancel() // the faults left in the plan happen now
	<-chaosDone

	// 3. The due queue delivers what the killed processes did not.
	res, recoverTook := converge(set, func() execResult { return x.result(t.Context(), cases) }, execResult.converged)
	x.assert(t, cases, res, openTook, workTook, recoverTook)
}

// execSettings are the knobs of the executives' run:
//
//	FAULTS_CASES       cases the executives work (12)
//	FAULTS_EXECUTIVES  executives; two of them click Claim on each card (4)
type execSettings struct {
	cases, executives int
	stagger           time.Duration // between the first clicks on two cards
}

func loadExecSettings(t *testing.T) execSettings {
	t.Helper()
	ex := execSettings{cases: 12, executives: 4, stagger: 150 * time.Millisecond}
	for name, v := range map[string]*int{"FAULTS_CASES": &ex.cases, "FAULTS_EXECUTIVES": &ex.executives} {
		if e := os.Getenv(name); e != "" {
			n, err := strconv.Atoi(e)
			if err != nil || n < 1 || n > 500 {
				t.Fatalf("%s=%q: want a whole number from 1 to 500", name, e)
			}
			*v = n
		}
	}
	t.Logf("executives' run: cases=%d executives=%d (one owner per case: FAULTS_OWNERS does not apply)", ex.cases, ex.executives)
	return ex
}

// actionsPerCase is what the executive who wins a case sends when nothing fails: Claim, the
// Reply click and its modal, the Resolve click and its modal.
const actionsPerCase = 5

// planExecChaos plans set.kills SIGKILLs of the bot and set.redisRestarts Redis outages at
// random points of the executives' run (counted in acknowledged clicks and submissions).
func planExecChaos(t *testing.T, s *stack, set settings, actions int) *chaos {
	c := &chaos{s: s, owners: set.owners, rng: rand.New(rand.NewPCG(set.seed, 0xe8ec))}
	var faults []fault
	for range set.kills {
		faults = append(faults, fault{kill: true})
	}
	for range set.redisRestarts {
		faults = append(faults, fault{})
	}
	points := make([]int64, len(faults))
	for i := range points {
		points[i] = int64(float64(actions) * (0.05 + 0.75*c.rng.Float64()))
	}
	sort.Slice(points, func(i, j int) bool { return points[i] < points[j] })
	c.rng.Shuffle(len(faults), func(i, j int) { faults[i], faults[j] = faults[j], faults[i] })
	for i := range faults {
		faults[i].afterAnswers = points[i]
	}
	c.plan = faults
	c.spacing = int64(max(1, actions/(4*max(1, len(faults)))))
	var plan []string
	for _, f := range faults {
		plan = append(plan, f.String())
	}
	if len(plan) == 0 {
		plan = []string{"none"}
	}
	t.Logf("fault plan (in acknowledged executive requests, of about %d): %s", actions, strings.Join(plan, "; "))
	return c
}

// executive is a person in the escalation channel.
type executive struct {
	user, name string
	dm         string // the DM where the bot tells them of a refused submission
}

// execCase is one case as the executives work it.
type execCase struct {
	n          int
	id, cardTS string
	owner      *slackOwner
	contenders []*executive // who click Claim
	reply      string       // what the winner writes to the owner
	note       string       // the resolution

	winners []*executive // the contenders who saw the claim as theirs
	winner  *executive   // the one, when there is one

	mu       sync.Mutex
	stage    string // how far the executives got
	marks    []mark // when each stage began
	problems []string
}

func (c *execCase) problem(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *execCase) reached(stage string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stage = stage
	c.marks = append(c.marks, mark{stage, time.Now()})
}

type mark struct {
	stage string
	at    time.Time
}

// took is how long the case took from its first click to the resolution seen, and how long
// each stage took.
func (c *execCase) took() (time.Duration, string) {
	if len(c.marks) < 2 {
		return 0, ""
	}
	var stages []string
	for i, m := range c.marks[:len(c.marks)-1] {
		stages = append(stages, fmt.Sprintf("%s %v", m.stage, c.marks[i+1].at.Sub(m.at).Round(10*time.Millisecond)))
	}
	return c.marks[len(c.marks)-1].at.Sub(c.marks[0].at), strings.Join(stages, ", ")
}

type execRun struct {
	set    settings
	st     *stack
	fake   *fakeslack.Server
	client *http.Client
	chaos  *chaos

	seq atomic.Int64 // trigger ids

	requests, refusals atomic.Int64 // interactivity requests, and those not answered 2xx
	resubmits          atomic.Int64 // modals submitted again after no 2xx
	clicksAgain        atomic.Int64 // clicks made again because nothing visible happened
	refusedClicks      atomic.Int64 // clicks answered with an ephemeral refusal, then made again
	lateEvidence       atomic.Int64 // submissions whose effect the executive did not see in time
	wrongModals        atomic.Int64 // modals opened for another case or action
}

// awaitCards waits until every owner has a case whose card is in the escalation channel, and
// gives each case its contenders.
func (x *execRun) awaitCards(t *testing.T, owners []*slackOwner, execs []*executive) []*execCase {
	t.Helper()
	deadline := time.Now().Add(x.set.recover)
	for {
		cases, missing, err := x.cards(t.Context(), owners)
		if err == nil && len(missing) == 0 {
			for i, c := range cases {
				c.contenders = []*executive{execs[i%len(execs)]}
				if len(execs) > 1 {
					c.contenders = append(c.contenders, execs[(i+1)%len(execs)])
				}
			}
			t.Logf("%d cases open, each with its card", len(cases))
			return cases
		}
		if time.Now().After(deadline) {
			var problems []string
			for _, o := range owners {
				for _, p := range o.problems {
					problems = append(problems, o.p.Name+": "+p)
				}
			}
			t.Fatalf("the cases were not opened without faults within %v: err=%v, missing: %s; owners ran into: %s",
				x.set.recover, err, list(missing), list(problems))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func (x *execRun) cards(ctx context.Context, owners []*slackOwner) ([]*execCase, []string, error) {
	stored, err := readCases(ctx, x.st.rdb)
	if err != nil {
		return nil, nil, err
	}
	byOwner := map[string][]storedCase{}
	for _, c := range stored {
		byOwner[c.Owner] = append(byOwner[c.Owner], c)
	}
	inChannel := map[string]bool{}
	for _, m := range x.fake.Messages(slackChannel) {
		if m.ThreadTS == "" {
			inChannel[m.TS] = true
		}
	}
	var cases []*execCase
	var missing []string
	for _, o := range owners {
		cs := byOwner[o.identity()]
		if !o.submitted || len(cs) != 1 {
			missing = append(missing, fmt.Sprintf("%s (submitted=%v, cases=%d)", o.p.Name, o.submitted, len(cs)))
			continue
		}
		c := &execCase{n: o.p.N, id: cs[0].ID, owner: o}
		for _, p := range cs[0].Posts {
			if p.Channel == "slack:"+slackChannel && inChannel[p.Ref] {
				c.cardTS = p.Ref
			}
		}
		if c.cardTS == "" {
			missing = append(missing, o.p.Name+"/"+c.id+" (no card)")
			continue
		}
		c.reply = "reply-" + c.id + "-1"
		c.note = "note-" + c.id + "-1"
		cases = append(cases, c)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].id < cases[j].id })
	return cases, missing, nil
}

// work is the life of one case card: Claim by the contenders, then Reply and Resolve by the
// winner.
func (x *execRun) work(ctx context.Context, c *execCase) {
	c.reached("claim")
	won := make([]bool, len(c.contenders))
	var wg sync.WaitGroup
	for i, e := range c.contenders {
		wg.Go(func() { won[i] = x.claim(ctx, c, e) })
	}
	wg.Wait()
	for i, w := range won {
		if w {
			c.winners = append(c.winners, c.contenders[i])
		}
	}
	if len(c.winners) == 1 {
		c.winner = c.winners[0]
	}
	if ctx.Err() != nil {
		return
	}
	if c.winner == nil {
		return // the checks report it
	}
	e := c.winner

	c.reached("reply")
	if !x.act(ctx, c, e, bot.ActionReply, c.reply) {
		return
	}
	if !x.await(ctx, c, e, "their reply in the card's thread", func() bool {
		return countLines(x.thread(c), c.reply) > 0
	}) {
		return
	}

	c.reached("resolve")
	if !x.act(ctx, c, e, bot.ActionResolve, c.note) {
		return
	}
	if x.await(ctx, c, e, "the card resolved", func() bool {
		status, _ := x.card(c)
		return status == string(bot.StatusResolved)
	}) {
		c.reached("done")
	}
}

// patience is how long an executive waits for a click to show an effect (the card changes, a
// modal opens, an ephemeral answer) before clicking again.
const patience = 3 * time.Second

// evidence is how long an executive waits to see the effect of a submitted modal: its outbox
// item falls due 15 s after the change when the process that made it died.
const evidence = 30 * time.Second

// claim clicks Claim on the card until the executive can tell who has the case, and reports
// whether it is them.
func (x *execRun) claim(ctx context.Context, c *execCase, e *executive) bool {
	read := 0 // ephemeral answers already read
	for ctx.Err() == nil {
		since := time.Now()
		if x.click(ctx, c, e, bot.ActionClaim) == "" {
			return false
		}
		for ctx.Err() == nil {
			if _, by := x.card(c); by != "" {
				return by == e.name
			}
			answers := x.ephemerals(c, e)
			for _, text := range answers[read:] {
				switch {
				case strings.Contains(text, "You already claimed "+c.id+"."):
					return true
				case alreadyClaimed.MatchString(text):
					return alreadyClaimed.FindStringSubmatch(text)[1] == e.name
				}
				c.problem("%s's Claim was answered %q", e.name, text)
			}
			read = len(answers)
			if time.Since(since) > patience {
				x.clicksAgain.Add(1)
				break
			}
			_ = sleep(ctx, 100*time.Millisecond)
		}
	}
	return false
}

var alreadyClaimed = regexp.MustCompile(`is already claimed by (.+) \(`)

// act clicks the action's button on the card until its modal opens, then writes text into it
// and submits it until the submission is acknowledged.
func (x *execRun) act(ctx context.Context, c *execCase, e *executive, action, text string) bool {
	var triggers []string
	read := len(x.ephemerals(c, e))
	for ctx.Err() == nil {
		since := time.Now()
		trigger := x.click(ctx, c, e, action)
		if trigger == "" {
			return false
		}
		triggers = append(triggers, trigger)
		for ctx.Err() == nil {
			if v, ok := x.modal(triggers); ok {
				return x.submit(ctx, c, e, action, text, v)
			}
			answers := x.ephemerals(c, e)
			refused := ""
			for _, text := range answers[min(read, len(answers)):] {
				// An answer to a Claim the bot ran again after a crash is not about this click.
				if !strings.Contains(text, "claimed") {
					refused = text
				}
			}
			read = len(answers)
			if refused != "" {
				x.refusedClicks.Add(1)
				c.problem("%s's %s click was answered %q", e.name, action, refused)
				_ = sleep(ctx, 500*time.Millisecond)
				break
			}
			if time.Since(since) > patience {
				x.clicksAgain.Add(1)
				break
			}
			_ = sleep(ctx, 100*time.Millisecond)
		}
	}
	return false
}

// await waits until seen, or gives up after evidence. What the bot writes to the executive
// about the case meanwhile is noted; the executive still looks for the effect, since the
// final checks tell whether a refusal was true. It reports whether to carry on.
func (x *execRun) await(ctx context.Context, c *execCase, e *executive, what string, seen func() bool) bool {
	since := time.Now()
	read := len(x.fake.Messages(e.dm))
	for {
		if seen() {
			return true
		}
		msgs := x.fake.Messages(e.dm)
		for _, m := range msgs[min(read, len(msgs)):] {
			if mentions(ownertest.Unescape(m.Text), c.id) {
				c.problem("%s, waiting for %s, was told in their DM: %q", e.name, what, conversation.Clip(ownertest.Unescape(m.Text), 120))
			}
		}
		read = len(msgs)
		if time.Since(since) > evidence {
			// The checks afterwards tell whether it ever happened.
			x.lateEvidence.Add(1)
			c.problem("%s did not see %s within %v; carried on", e.name, what, evidence)
			return true
		}
		if sleep(ctx, 100*time.Millisecond) != nil {
			return false
		}
	}
}

// click clicks the case button action on the card until the click is acknowledged, each time
// a new click (a new trigger id, as Slack gives each click), and returns the trigger id of the
// acknowledged one ("" when ctx ended).
func (x *execRun) click(ctx context.Context, c *execCase, e *executive, action string) string {
	var trigger string
	err := x.send(ctx, func() []byte {
		trigger = x.trigger()
		return x.fake.BlockActions(fakeslack.TeamID, e.user, e.name, slackChannel, c.cardTS, trigger,
			fakeslack.Action{ActionID: "case|" + action, Value: c.id})
	}, nil)
	if err != nil {
		return ""
	}
	return trigger
}

// openedView is a modal the bot opened, as the executive sees and submits it.
type openedView struct {
	callbackID, privateMetadata string
	blockID, actionID           string // where the text goes
}

// modal returns the modal a views.open for one of the triggers opened.
func (x *execRun) modal(triggers []string) (openedView, bool) {
	for _, call := range x.fake.Calls("views.open") {
		if call.Err != "" || !slices.Contains(triggers, call.Form.Get("trigger_id")) {
			continue
		}
		var view struct {
			CallbackID      string `json:"callback_id"`
			PrivateMetadata string `json:"private_metadata"`
			Blocks          []struct {
				Type    string `json:"type"`
				BlockID string `json:"block_id"`
				Element struct {
					ActionID string `json:"action_id"`
				} `json:"element"`
			} `json:"blocks"`
		}
		if json.Unmarshal([]byte(call.Form.Get("view")), &view) != nil {
			continue
		}
		v := openedView{callbackID: view.CallbackID, privateMetadata: view.PrivateMetadata}
		for _, b := range view.Blocks {
			if b.Type == "input" && v.blockID == "" {
				v.blockID, v.actionID = b.BlockID, b.Element.ActionID
			}
		}
		return v, true
	}
	return openedView{}, false
}

// submit submits the modal v with text until the submission is acknowledged. A modal whose
// submission failed stays open and is submitted again: the same view, a new trigger id.
func (x *execRun) submit(ctx context.Context, c *execCase, e *executive, action, text string, v openedView) bool {
	if v.callbackID != "case|"+action || v.privateMetadata != c.id || v.blockID == "" {
		x.wrongModals.Add(1)
		c.problem("%s's %s click opened the modal callback_id=%q private_metadata=%q block=%q",
			e.name, action, v.callbackID, v.privateMetadata, v.blockID)
	}
	// Slack names each opened modal; this one is this executive's on this case.
	viewID := fmt.Sprintf("VX%06d%s", c.n, strings.ToUpper(action))
	err := x.send(ctx, func() []byte {
		body := fakeslack.ViewSubmission(fakeslack.TeamID, e.user, e.name, v.callbackID, v.privateMetadata,
			map[string]map[string]string{v.blockID: {v.actionID: text}})
		return withView(body, viewID, x.trigger())
	}, &x.resubmits)
	return err == nil
}

// withView sets the view id and the trigger id of a view_submission body.
func withView(body []byte, viewID, trigger string) []byte {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		panic(err)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(form.Get("payload")), &p); err != nil {
		panic(err)
	}
	p["trigger_id"] = trigger
	view := p["view"].(map[string]any)
	view["id"], view["root_view_id"] = viewID, viewID
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return []byte(url.Values{"payload": {string(b)}}.Encode())
}

func (x *execRun) trigger() string {
	return fmt.Sprintf("%d.%07d.execfaulttrigger", time.Now().Unix(), x.seq.Add(1))
}

// send posts a signed interaction built by body until it is answered 2xx. Slack does not
// retry an interaction: the person sees it failed and acts again, after a moment, so each
// attempt gets a new body. again counts the attempts after the first.
func (x *execRun) send(ctx context.Context, body func() []byte, again *atomic.Int64) error {
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if again != nil {
				again.Add(1)
			}
			if err := sleep(ctx, 200*time.Millisecond+backoff(attempt+2)); err != nil {
				return err
			}
		}
		b := body()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, x.st.base+"/slack/interactions", bytes.NewReader(b))
		if err != nil {
			return err
		}
		for k, v := range fakeslack.Sign(slackSecret, time.Now(), b) {
			req.Header[k] = v
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		x.requests.Add(1)
		resp, err := x.client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				x.chaos.answers.Add(1)
				return nil
			}
		}
		x.refusals.Add(1)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// card reads the case's card as the channel shows it: its status and who claimed it.
func (x *execRun) card(c *execCase) (status, claimedBy string) {
	for _, m := range x.fake.Messages(slackChannel) {
		if m.TS != c.cardTS {
			continue
		}
		if parts := strings.Split(ownertest.Unescape(m.Text), " · "); len(parts) > 1 && parts[0] == c.id {
			status = parts[1]
		}
		var blocks any
		_ = json.Unmarshal(m.Blocks, &blocks)
		walkTexts(blocks, func(s string) {
			if who, ok := strings.CutPrefix(s, "*Claimed by*\n"); ok {
				claimedBy, _, _ = strings.Cut(who, ",")
			}
		})
	}
	return status, claimedBy
}

func walkTexts(v any, fn func(string)) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walkTexts(e, fn)
		}
	case map[string]any:
		if s, ok := x["text"].(string); ok {
			fn(s)
		}
		for _, e := range x {
			walkTexts(e, fn)
		}
	}
}

// ephemerals are the texts the bot showed the executive only, about the case, oldest first.
func (x *execRun) ephemerals(c *execCase, e *executive) []string {
	var out []string
	for _, call := range x.fake.Calls("chat.postEphemeral") {
		text := ownertest.Unescape(call.Form.Get("text"))
		if call.Err == "" && call.Form.Get("user") == e.user && mentions(text, c.id) {
			out = append(out, text)
		}
	}
	return out
}

// thread is the lines under the case's card, oldest first.
func (x *execRun) thread(c *execCase) []string {
	var out []string
	for _, m := range x.fake.Messages(slackChannel) {
		if m.ThreadTS == c.cardTS && m.TS != c.cardTS {
			out = append(out, ownertest.Unescape(m.Text))
		}
	}
	return out
}

// mentions reports whether text names the case id (and not a longer one).
func mentions(text, id string) bool {
	return slices.Contains(ownertest.CaseIDPattern.FindAllString(text, -1), id)
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func countLines(lines []string, substr string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}

// caseCheck is what the checks read of one case.
type caseCheck struct {
	status     string         // in Redis
	claimedBy  string         // in Redis: the identity
	audit      map[string]int // audit entries by action
	dm         [3]int         // the owner's DM: claim notices, replies, resolutions
	dmOrder    []string       // the changes in the order the owner read them
	thread     [3]int         // the card's thread: claim lines, replies, resolution lines
	other      []string       // other lines in the thread
	cardStatus string
	cardClaim  string // who the card says claimed it
	outbox     int    // its delivery items still in the due queue
}

// The changes an executive makes to each case, in the order of caseCheck's counts.
var changes = [3]string{"claim", "reply", "resolve"}

// inOrder reports whether the changes are told in the order they were made.
func inOrder(told []string) bool {
	last := -1
	for _, c := range told {
		i := slices.Index(changes[:], c)
		if i < last {
			return false
		}
		last = i
	}
	return true
}

type execResult struct {
	err        error
	cases      map[string]caseCheck
	cards      map[string]int // accepted posts of a card, by case id
	strayCards int            // posts of a card naming none of the cases
	dueByAct   map[string]int // changes the due queue completed, by audit action (each once)
	inlineFail int            // messages of a change that failed when first sent
	// What the bot wrote to executives in their DMs: every one refuses a submitted modal, and
	// sends its text back as not used.
	execDMs []execDM
}

func (r execResult) converged() bool {
	if r.err != nil {
		return false
	}
	for _, c := range r.cases {
		if c.status != string(bot.StatusResolved) || c.cardStatus != string(bot.StatusResolved) || c.outbox > 0 {
			return false
		}
		for i := range changes {
			if c.dm[i] == 0 || c.thread[i] == 0 {
				return false
			}
		}
	}
	return true
}

func (x *execRun) result(ctx context.Context, cases []*execCase) execResult {
	res := execResult{cases: map[string]caseCheck{}, cards: map[string]int{}, dueByAct: map[string]int{}}
	outbox, err := x.outbox(ctx)
	if err != nil {
		res.err = err
	}
	known := map[string]bool{}
	for _, c := range cases {
		known[c.id] = true
		cc := caseCheck{outbox: outbox[c.id]}
		if err := x.readCase(ctx, c.id, &cc); err != nil && res.err == nil {
			res.err = err
		}
		for _, m := range x.fake.Messages(c.owner.dm) {
			text := ownertest.Unescape(m.Text)
			for i, want := range [][]string{{"is now looking at your case " + c.id + "."}, {c.reply}, {"Your case " + c.id + " has been resolved", c.note}} {
				if containsAll(text, want) {
					cc.dm[i]++
					cc.dmOrder = append(cc.dmOrder, changes[i])
				}
			}
		}
		for _, line := range x.thread(c) {
			switch {
			case strings.Contains(line, " claimed the case"):
				cc.thread[0]++
			case strings.Contains(line, c.reply):
				cc.thread[1]++
			case strings.Contains(line, " resolved the case: "+c.note):
				cc.thread[2]++
			default:
				cc.other = append(cc.other, conversation.Clip(line, 80))
			}
		}
		cc.cardStatus, cc.cardClaim = x.card(c)
		res.cases[c.id] = cc
	}
	for _, call := range x.fake.Calls("chat.postMessage") {
		if !cardPost(call) {
			continue
		}
		if id := ownertest.CaseIDPattern.FindString(call.Form.Get("text")); known[id] {
			res.cards[id]++
		} else {
			res.strayCards++
		}
	}
	completed := map[string]bool{}
	for _, line := range x.st.bot.Grep(`"msg":"case change delivered by the due queue"`) {
		var rec struct{ Case, Action string }
		if json.Unmarshal([]byte(line), &rec) == nil && known[rec.Case] && !completed[rec.Case+"/"+rec.Action] {
			completed[rec.Case+"/"+rec.Action] = true
			res.dueByAct[rec.Action]++
		}
	}
	res.inlineFail = len(x.st.bot.Grep(`"msg":"deliver case change"`))
	execs := map[string]bool{}
	for _, c := range cases {
		for _, e := range c.contenders {
			if !execs[e.dm] {
				execs[e.dm] = true
				for _, m := range x.fake.Messages(e.dm) {
					text := ownertest.Unescape(m.Text)
					res.execDMs = append(res.execDMs, execDM{who: e.name, caseID: ownertest.CaseIDPattern.FindString(text), text: conversation.Clip(text, 120)})
				}
			}
		}
	}
	return res
}

// execDM is a message of the bot in an executive's DM.
type execDM struct{ who, caseID, text string }

func (m execDM) String() string { return m.who + ": " + m.text }

// readCase reads the case's status, claimer and audit from Redis.
func (x *execRun) readCase(ctx context.Context, id string, cc *caseCheck) error {
	return retryRedis(ctx, func() error {
		h, err := x.st.rdb.HMGet(ctx, "esc:{"+tenant+"}:case:"+id, "status", "claimed_by").Result()
		if err != nil {
			return fmt.Errorf("read %s: %w", id, err)
		}
		entries, err := x.st.rdb.XRange(ctx, "esc:{"+tenant+"}:audit:"+id, "-", "+").Result()
		if err != nil {
			return fmt.Errorf("read the audit of %s: %w", id, err)
		}
		cc.status, _ = h[0].(string)
		cc.claimedBy, _ = h[1].(string)
		cc.audit = map[string]int{}
		for _, m := range entries {
			a, _ := m.Values["action"].(string)
			cc.audit[a]++
		}
		return nil
	})
}

// outbox counts the delivery items in the due queue, by case.
func (x *execRun) outbox(ctx context.Context) (map[string]int, error) {
	var members []string
	err := retryRedis(ctx, func() error {
		var err error
		members, err = x.st.rdb.ZRange(ctx, "esc:{"+tenant+"}:due", 0, -1).Result()
		if err != nil {
			return fmt.Errorf("read the due queue: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, m := range members {
		var it struct{ Kind, Case string }
		if json.Unmarshal([]byte(m), &it) == nil && it.Kind == bot.DueDeliver {
			out[it.Case]++
		}
	}
	return out, nil
}

// retryRedis runs read until it succeeds, for up to five seconds: the checks' client does not
// retry, and a connection it kept from before a Redis restart fails once.
func retryRedis(ctx context.Context, read func() error) error {
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		if attempt > 0 {
			if sleep(ctx, 100*time.Millisecond) != nil {
				break
			}
		}
		if err = read(); err == nil {
			return nil
		}
	}
	return err
}

func (x *execRun) assert(t *testing.T, cases []*execCase, res execResult, openTook, workTook, recoverTook time.Duration) {
	t.Helper()
	kills, outages, journal, _ := x.chaos.report()
	plannedKills, plannedOutages := x.chaos.planned()
	duplicateCards := 0
	for _, n := range res.cards {
		duplicateCards += max(0, n-1)
	}
	var claims, unfinished, notResolved, auditWrong, dmWrong, threadWrong, threadOther, cardWrong, outboxLeft, missingCard, manyCards []string
	for _, c := range cases {
		cc := res.cases[c.id]
		var names []string
		for _, e := range c.winners {
			names = append(names, e.name)
		}
		switch {
		case len(c.winners) != 1:
			claims = append(claims, fmt.Sprintf("%s won by %d contenders %v", c.id, len(c.winners), names))
		case cc.claimedBy != "slack:"+fakeslack.TeamID+":"+c.winner.user || cc.cardClaim != c.winner.name:
			claims = append(claims, fmt.Sprintf("%s won by %s; Redis says %s, the card %q", c.id, c.winner.name, cc.claimedBy, cc.cardClaim))
		}
		if c.stage != "done" {
			unfinished = append(unfinished, c.id+" at "+c.stage)
		}
		if cc.status != string(bot.StatusResolved) {
			notResolved = append(notResolved, c.id+" is "+strconv.Quote(cc.status))
		}
		if cc.audit["claim"] != 1 || cc.audit["exec_message"] != 1 || cc.audit["resolve"] != 1 {
			auditWrong = append(auditWrong, fmt.Sprintf("%s claim×%d exec_message×%d resolve×%d", c.id, cc.audit["claim"], cc.audit["exec_message"], cc.audit["resolve"]))
		}
		for i, what := range changes {
			if cc.dm[i] != 1 {
				dmWrong = append(dmWrong, fmt.Sprintf("%s %s×%d", c.id, what, cc.dm[i]))
			}
			if cc.thread[i] != 1 {
				threadWrong = append(threadWrong, fmt.Sprintf("%s %s×%d", c.id, what, cc.thread[i]))
			}
		}
		for _, l := range cc.other {
			threadOther = append(threadOther, fmt.Sprintf("%s %q", c.id, l))
		}
		if cc.cardStatus != string(bot.StatusResolved) {
			cardWrong = append(cardWrong, c.id+" shows "+strconv.Quote(cc.cardStatus))
		}
		if cc.outbox > 0 {
			outboxLeft = append(outboxLeft, fmt.Sprintf("%s×%d", c.id, cc.outbox))
		}
		switch n := res.cards[c.id]; {
		case n == 0:
			missingCard = append(missingCard, c.id)
		case n > 1:
			manyCards = append(manyCards, fmt.Sprintf("%s×%d", c.id, n))
		}
	}
	due := 0
	var dueBy []string
	for _, a := range []string{"claim", "exec_message", "resolve"} {
		due += res.dueByAct[a]
		dueBy = append(dueBy, fmt.Sprintf("%s=%d", a, res.dueByAct[a]))
	}
	// A refusal of a modal whose change happened all the same is false: the executive is told
	// that what they wrote was not used, though the owner read it.
	var falseRefusals, refusals, outOfOrder []string
	for _, m := range res.execDMs {
		cc, ok := res.cases[m.caseID]
		if ok && cc.dm[1] > 0 && cc.dm[2] > 0 && cc.thread[1] > 0 && cc.thread[2] > 0 {
			falseRefusals = append(falseRefusals, m.String())
		} else {
			refusals = append(refusals, m.String())
		}
	}
	for _, c := range cases {
		if cc := res.cases[c.id]; !inOrder(cc.dmOrder) {
			outOfOrder = append(outOfOrder, c.id+": "+strings.Join(cc.dmOrder, ", "))
		}
	}
	contenders := 0
	if len(cases) > 0 {
		contenders = len(cases[0].contenders)
	}
	t.Logf("faults:\n  %s", strings.Join(journal, "\n  "))
	t.Logf("figures (Slack executives): cases=%d contenders-per-card=%d | bot kills=%d/%d redis restarts=%d/%d unexpected bot exits=%d | "+
		"executive requests=%d not-2xx=%d modals-submitted-again=%d clicks-again-no-effect=%d clicks-refused=%d effects-seen-late=%d | "+
		"changes=%d completed-inline=%d completed-by-due-queue=%d (%s) messages-failed-inline=%d | "+
		"cases-unfinished=%d not-resolved=%d duplicate-cards=%d refusals-to-executives=%d (of changes made all the same: %d) owners-told-out-of-order=%d | "+
		"open %v, work %v, converge %v",
		len(cases), contenders, kills, plannedKills, outages, plannedOutages, len(x.st.bot.Unexpected()),
		x.requests.Load(), x.refusals.Load(), x.resubmits.Load(), x.clicksAgain.Load(), x.refusedClicks.Load(), x.lateEvidence.Load(),
		3*len(cases), max(0, 3*len(cases)-due), due, strings.Join(dueBy, " "), res.inlineFail,
		len(unfinished), len(notResolved), duplicateCards, len(res.execDMs), len(falseRefusals), len(outOfOrder),
		openTook.Round(time.Millisecond), workTook.Round(time.Millisecond), recoverTook.Round(time.Millisecond))
	var slowest *execCase
	var longest time.Duration
	for _, c := range cases {
		if d, _ := c.took(); slowest == nil || d > longest {
			slowest, longest = c, d
		}
	}
	if slowest != nil {
		_, stages := slowest.took()
		t.Logf("slowest case: %s, %v from the first Claim to the resolution seen (%s)", slowest.id, longest.Round(10*time.Millisecond), stages)
	}
	var problems []string
	for _, c := range cases {
		for _, p := range c.problems {
			problems = append(problems, c.id+": "+p)
		}
	}
	if len(problems) > 0 {
		t.Logf("what executives ran into (%d):\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	// A submission the inbox runs again after a crash is the same event: it must not be refused
	// against the state its first run made.
	expectNone(t, falseRefusals, "refused in the executive's DM though the change was made (%d): %s")
	// A case's news is told in the order it happened, even when a change's process died.
	expectNone(t, outOfOrder, "owners who read the claim, the reply and the resolution out of order (%d): %s")

	checkRun(t, x.chaos, x.st, res.err)
	expectNone(t, claims, "%d case(s) whose claim the contenders, Redis and the card do not agree on: %s")
	expectNone(t, unfinished, "%d case(s) the executives could not finish: %s")
	expectNone(t, notResolved, "%d case(s) are not resolved in Redis: %s")
	expectNone(t, auditWrong, "%d case(s) do not have exactly one claim, reply and resolution in their audit: %s")
	expectNone(t, dmWrong, "%d owner notice(s) arrived other than exactly once (case, change×messages): %s")
	expectNone(t, threadWrong, "%d thread line(s) were written other than exactly once (case, change×lines): %s")
	expectNone(t, threadOther, "%d unexpected line(s) in the cards' threads: %s")
	expectNone(t, cardWrong, "%d card(s) do not show the case resolved: %s")
	expectNone(t, outboxLeft, "%d case(s) still have undelivered changes in the due queue: %s")
	expectNone(t, missingCard, "%d case(s) lost their card: %s")
	expectNone(t, manyCards, "%d case(s) were posted more than once: %s")
	if res.strayCards > 0 {
		t.Errorf("%d card(s) in %s name no case of the run", res.strayCards, slackChannel)
	}
	expectNone(t, refusals, "%d refusal(s) of a submitted modal reached executives: %s")
	if n := x.wrongModals.Load(); n > 0 {
		t.Errorf("%d click(s) opened the modal of another case or action", n)
	}
	x.fake.AssertNoViolations(t)
}
