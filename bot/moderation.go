package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Commands returns the moderator command table.
func (s *Service) Commands() []Command {
	caseArg := Arg{Name: "case", Kind: ArgCase, Help: "case id, e.g. ESC-1042", Required: true}
	userArg := Arg{Name: "user", Kind: ArgUser, Help: "@mention, or web:<name>, slack:<team>:<user>, discord:<user id>", Required: true}
	vinArg := Arg{Name: "vin", Kind: ArgText, Help: "the vehicle's VIN, 17 characters", Required: true}
	reasonArg := Arg{Name: "reason", Kind: ArgText, Help: "why", Required: true, Rest: true}
	return []Command{
		{Name: "list", Help: "List cases: open (default), claimed, mine, resolved, closed, pending (held until the owner is verified) or all.", Moderator: true,
			Args: []Arg{{Name: "filter", Kind: ArgChoice, Help: "which cases", Choices: []string{"open", "claimed", "mine", "resolved", "closed", "pending", "all"}}},
			run:  textRun((*Service).cmdList)},
		{Name: "show", Help: "Show a case with its answers and history.", Moderator: true,
			Args: []Arg{caseArg}, run: textRun((*Service).cmdShow)},
		{Name: "export", Help: "The case's transcript: answers, summary, every change and message with who and when, the rating.", Moderator: true,
			Args: []Arg{caseArg}, run: (*Service).cmdExport},
		{Name: "assign", Help: "Give a case to an executive.", Moderator: true,
			Args: []Arg{caseArg, userArg}, run: textRun((*Service).cmdAssign)},
		{Name: "close", Help: "Close a case without resolving it, with a reason the owner reads.", Moderator: true,
			Args: []Arg{caseArg, reasonArg}, run: textRun((*Service).cmdClose)},
		{Name: "reopen", Help: "Reopen a resolved or closed case.", Moderator: true,
			Args: []Arg{caseArg}, run: textRun((*Service).cmdReopen)},
		{Name: "block", Help: "Keep a user off the line, for a while (30m, 12h, 7d, 2w; at most 5 years) or until unblocked.", Moderator: true,
			Args: []Arg{userArg, {Name: "duration", Kind: ArgDuration, Help: "30m, 12h, 7d or 2w (at most 1825d); leave out to block until unblocked"}, reasonArg},
			run:  textRun((*Service).cmdBlock)},
		{Name: "unblock", Help: "Let a blocked user back on the line.", Moderator: true,
			Args: []Arg{userArg}, run: textRun((*Service).cmdUnblock)},
		{Name: "verify", Help: "Verify that a user owns a vehicle: their case of it held for verification goes to the escalation channels. Without a VIN: their case filed without one.", Moderator: true,
			Args: []Arg{userArg, {Name: "vin", Kind: ArgText, Help: "the vehicle's VIN, 17 characters; left out for a case filed without one"}}, run: textRun((*Service).cmdVerify)},
		{Name: "unverify", Help: "Take back a verification: the user's open case of the vehicle shows ownership not verified.", Moderator: true,
			Args: []Arg{userArg, vinArg}, run: textRun((*Service).cmdUnverify)},
		{Name: "forget", Help: "Erase a user's words and personal data everywhere: session, dialogue, their cases' answers, summaries and messages (cards updated); the history keeps that you did it.", Moderator: true,
			Args: []Arg{userArg}, run: textRun((*Service).cmdForget)},
		{Name: "pause", Help: "Pause new intakes; owners get the message (or a default one).", Moderator: true,
			Args: []Arg{{Name: "message", Kind: ArgText, Help: "what owners are told", Rest: true}}, run: textRun((*Service).cmdPause)},
		{Name: "resume", Help: "Resume intake after a pause.", Moderator: true, run: textRun((*Service).cmdResume)},
		{Name: "stats", Help: "Count cases by status, with the last 30 days' times to claim, to first reply and to resolve, SLA breaches, escalations and ratings.", Moderator: true, run: textRun((*Service).cmdStats)},
		{Name: "help", Help: "List the commands.", run: textRun((*Service).cmdHelp)},
	}
}

// Run runs a moderator command line such as "/escalations close ESC-1042 duplicate" and
// returns the answer, meant to be shown only to the actor. Adapters have turned their
// platform's mentions into identities before; the line is read strictly by the table
// (ParseCommand), and anything it cannot read is refused with the usage, never guessed at.
func (s *Service) Run(ctx context.Context, a Actor, line string) (CommandAnswer, error) {
	c, words, err := findCommand(s.Commands(), line)
	if err != nil {
		return CommandAnswer{}, err
	}
	if c.Moderator && !s.IsModerator(a) {
		return CommandAnswer{}, errNotModerator()
	}
	in, err := c.parse(words)
	if err != nil {
		return CommandAnswer{}, err
	}
	return c.run(s, ctx, a, in)
}

// Command is Run for a caller that cannot hand over files: the answer's text alone.
func (s *Service) Command(ctx context.Context, a Actor, line string) (string, error) {
	ans, err := s.Run(ctx, a, line)
	return ans.Text, err
}

func (s *Service) cmdHelp(_ context.Context, _ Actor, _ Invocation) (string, error) {
	var b strings.Builder
	b.WriteString("Moderator commands:\n")
	for _, c := range s.Commands() {
		fmt.Fprintf(&b, "%s %s: %s\n", CommandPrefix, c.Usage(), c.Help)
	}
	fmt.Fprintf(&b, "A user is an @mention or %s.\nA duration is %s; without one a block lasts until unblocked.", IdentityNotation, DurationSyntax)
	return b.String(), nil
}

func (s *Service) cmdList(ctx context.Context, a Actor, in Invocation) (string, error) {
	filter := "open"
	if v := in.Arg("filter"); v.Set {
		filter = v.Text
	}
	var statuses []Status
	switch filter {
	case "open":
		statuses = []Status{StatusOpen}
	case "claimed", "mine":
		statuses = []Status{StatusClaimed}
	case "resolved":
		statuses = []Status{StatusResolved}
	case "closed":
		statuses = []Status{StatusClosed}
	case "pending":
		statuses = []Status{StatusPending}
	case "all":
		statuses = []Status{StatusPending, StatusOpen, StatusClaimed, StatusResolved, StatusClosed}
	default:
		return "", Errorf(CodeInvalid, "List what? Use open, claimed, mine, resolved, closed, pending or all.")
	}
	limit := 50
	if filter == "mine" {
		limit = 1000 // filtered below; an executive's own cases must not fall off the page
	}
	cases, err := s.cases.List(ctx, limit, statuses...)
	if err != nil {
		return "", fmt.Errorf("list %s: %w", filter, err)
	}
	now := s.clock.Now()
	var b strings.Builder
	n := 0
	for _, c := range cases {
		if filter == "mine" && c.ClaimedBy != a.ID {
			continue
		}
		n++
		if n > 50 {
			fmt.Fprintf(&b, "… and more; use %s show <case> for one.\n", CommandPrefix)
			break
		}
		fmt.Fprintf(&b, "%s · %s · %s%s · %s · %s\n", c.ID, statusLine(c), c.Summary.Severity, safetyMark(c), c.Summary.Title, ago(now, c.CreatedAt))
	}
	if n == 0 {
		return fmt.Sprintf("No %s cases.", filter), nil
	}
	return fmt.Sprintf("%d %s case(s):\n%s", n, filter, strings.TrimSpace(b.String())), nil
}

func statusLine(c Case) string {
	if c.Status == StatusClaimed {
		return "claimed by " + c.ClaimedByName
	}
	return string(c.Status)
}

func safetyMark(c Case) string {
	if c.Summary.Safety {
		return " ⚠ safety"
	}
	return ""
}

func (s *Service) cmdShow(ctx context.Context, _ Actor, in Invocation) (string, error) {
	c, err := s.getCase(ctx, in.Arg("case").Text)
	if err != nil {
		return "", err
	}
	now := s.clock.Now()
	var b strings.Builder
	fmt.Fprintf(&b, "%s · %s · %s%s\n%s\n%s\n", c.ID, statusLine(c), c.Summary.Severity, safetyMark(c), c.Summary.Title, c.Summary.Text)
	fmt.Fprintf(&b, "Owner: %s (%s), opened %s\n", c.OwnerName, c.Owner, ago(now, c.CreatedAt))
	if c.Ownership != OwnershipNone {
		fmt.Fprintf(&b, "Ownership: %s\n", c.Ownership)
	}
	for _, ans := range c.Answers {
		fmt.Fprintf(&b, "• %s: %s\n", ans.Label, Truncate(ans.Value, 1500))
	}
	if c.Note != "" {
		fmt.Fprintf(&b, "Note: %s\n", c.Note)
	}
	log, err := s.cases.Audit(ctx, c.ID)
	if err != nil {
		return "", fmt.Errorf("show %s: %w", c.ID, err)
	}
	b.WriteString("History:\n")
	for _, e := range log {
		fmt.Fprintf(&b, "  %s %s %s %s\n", e.At.UTC().Format("2006-01-02 15:04"), e.Name, e.Action, Truncate(e.Text, 200))
	}
	return strings.TrimSpace(b.String()), nil
}

// cmdExport hands over the transcript as two files: Markdown to read, JSON for other systems.
func (s *Service) cmdExport(ctx context.Context, a Actor, in Invocation) (CommandAnswer, error) {
	t, err := s.Export(ctx, a, in.Arg("case").Text)
	if err != nil {
		return CommandAnswer{}, err
	}
	data, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return CommandAnswer{}, fmt.Errorf("export %s: %w", t.Case.ID, err)
	}
	return CommandAnswer{
		Text: fmt.Sprintf("Transcript of %s: %d %s.", t.Case.ID, len(t.History), plural(len(t.History), "entry", "entries")),
		Files: []File{
			{Name: t.Case.ID + ".md", ContentType: "text/markdown", Data: []byte(t.Markdown())},
			{Name: t.Case.ID + ".json", ContentType: "application/json", Data: append(data, '\n')},
		},
	}, nil
}

func (s *Service) cmdVerify(ctx context.Context, a Actor, in Invocation) (string, error) {
	return s.VerifyOwner(ctx, a, in.Arg("user").User, in.Arg("vin").Text)
}

func (s *Service) cmdUnverify(ctx context.Context, a Actor, in Invocation) (string, error) {
	return s.UnverifyOwner(ctx, a, in.Arg("user").User, in.Arg("vin").Text)
}

func (s *Service) cmdAssign(ctx context.Context, a Actor, in Invocation) (string, error) {
	card, err := s.Assign(ctx, a, in.Arg("case").Text, in.Arg("user").User)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is now with %s.", card.ID, card.ClaimedByName), nil
}

func (s *Service) cmdClose(ctx context.Context, a Actor, in Invocation) (string, error) {
	card, err := s.Close(ctx, a, in.Arg("case").Text, in.Arg("reason").Text)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is closed; the owner was told why.", card.ID), nil
}

func (s *Service) cmdReopen(ctx context.Context, a Actor, in Invocation) (string, error) {
	card, err := s.Reopen(ctx, a, in.Arg("case").Text)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is open again.", card.ID), nil
}

// maxBlockReason bounds the reason a blocked user reads.
const maxBlockReason = 500

func (s *Service) cmdBlock(ctx context.Context, a Actor, in Invocation) (string, error) {
	user := in.Arg("user").User
	// The owner reads the reason alone: the parser took the duration out of it, or refused.
	b := Block{User: user, Reason: Truncate(in.Arg("reason").Text, maxBlockReason), By: a.ID}
	if d := in.Arg("duration"); d.Set {
		b.Until = s.clock.Now().Add(d.Duration)
	}
	if err := s.moderation.SetBlock(ctx, b); err != nil {
		return "", fmt.Errorf("block %s: %w", user, err)
	}
	s.log.InfoContext(ctx, "user blocked", "user", user, "by", a.ID, "until", b.Until)
	name := s.label(ctx, user)
	if b.Until.IsZero() {
		return fmt.Sprintf("%s is blocked until unblocked.", name), nil
	}
	return fmt.Sprintf("%s is blocked until %s.", name, b.Until.UTC().Format("2 Jan 2006 15:04 MST")), nil
}

func (s *Service) cmdUnblock(ctx context.Context, a Actor, in Invocation) (string, error) {
	user := in.Arg("user").User
	ok, err := s.moderation.RemoveBlock(ctx, user)
	if err != nil {
		return "", fmt.Errorf("unblock %s: %w", user, err)
	}
	if !ok {
		return "", Errorf(CodeNotFound, "%s was not blocked.", user)
	}
	s.log.InfoContext(ctx, "user unblocked", "user", user, "by", a.ID)
	return fmt.Sprintf("%s may use the line again.", s.label(ctx, user)), nil
}

func (s *Service) cmdPause(ctx context.Context, a Actor, in Invocation) (string, error) {
	p := &Pause{By: a.ID, Since: s.clock.Now(), Message: in.Arg("message").Text}
	if err := s.moderation.SetPause(ctx, p); err != nil {
		return "", fmt.Errorf("pause: %w", err)
	}
	return "Intake is paused. Cases already open carry on. Resume with " + CommandPrefix + " resume.", nil
}

func (s *Service) cmdResume(ctx context.Context, _ Actor, _ Invocation) (string, error) {
	if err := s.moderation.SetPause(ctx, nil); err != nil {
		return "", fmt.Errorf("resume: %w", err)
	}
	return "Intake is open again.", nil
}

func (s *Service) cmdStats(ctx context.Context, _ Actor, _ Invocation) (string, error) {
	st, err := s.cases.Stats(ctx)
	if err != nil {
		return "", fmt.Errorf("stats: %w", err)
	}
	cases, err := s.cases.List(ctx, statsCases)
	if err != nil {
		return "", fmt.Errorf("stats: %w", err)
	}
	f := s.figures(cases, s.clock.Now().Add(-statsWindow))
	held := ""
	if st.Pending > 0 {
		held = fmt.Sprintf("pending %d · ", st.Pending)
	}
	return fmt.Sprintf("%sopen %d · claimed %d · resolved %d · closed %d · total %d\n%s",
		held, st.Open, st.Claimed, st.Resolved, st.Closed, st.Total, f), nil
}

// The stats' window and the most cases they read.
const (
	statsWindow = 30 * 24 * time.Hour
	statsCases  = 5000
)

// Figures are the line's service figures over the cases created in a window.
type Figures struct {
	Cases                            int
	ToClaim, ToFirstReply, ToResolve []time.Duration
	Breaches, Escalations            int
	Ratings, RatingSum               int
}

// figures measures the cases created since from: times in support time, a breach being a case
// unclaimed for longer than the escalation deadline.
func (s *Service) figures(cases []Case, from time.Time) Figures {
	h, now := s.cfg.SupportHours, s.clock.Now()
	var f Figures
	for _, c := range cases {
		if c.CreatedAt.Before(from) {
			continue
		}
		f.Cases++
		if !c.FirstClaimAt.IsZero() {
			f.ToClaim = append(f.ToClaim, h.Between(c.CreatedAt, c.FirstClaimAt))
		}
		if !c.FirstExecAt.IsZero() {
			f.ToFirstReply = append(f.ToFirstReply, h.Between(c.CreatedAt, c.FirstExecAt))
		}
		if c.Status == StatusResolved {
			f.ToResolve = append(f.ToResolve, h.Between(c.CreatedAt, c.EndedAt))
		}
		if d := s.cfg.EscalateUnclaimedAfter; d > 0 {
			claimed := c.FirstClaimAt
			if claimed.IsZero() {
				claimed = now
			}
			if h.Between(c.CreatedAt, claimed) > d {
				f.Breaches++
			}
		}
		if c.Escalated() {
			f.Escalations++
		}
		if c.Rating > 0 {
			f.Ratings++
			f.RatingSum += c.Rating
		}
	}
	return f
}

func (f Figures) String() string {
	times := func(name string, ds []time.Duration) string {
		if len(ds) == 0 {
			return name + " –"
		}
		return fmt.Sprintf("%s median %s, p90 %s", name, roughly(percentile(ds, 50)), roughly(percentile(ds, 90)))
	}
	rating := "no ratings"
	if f.Ratings > 0 {
		rating = fmt.Sprintf("rating %.1f of 5 (%d)", float64(f.RatingSum)/float64(f.Ratings), f.Ratings)
	}
	return fmt.Sprintf("Last 30 days, %d cases: %s · %s · %s · SLA breaches %d · escalations %d · %s",
		f.Cases, times("to claim", f.ToClaim), times("to first reply", f.ToFirstReply), times("to resolve", f.ToResolve),
		f.Breaches, f.Escalations, rating)
}

// percentile is the nearest-rank percentile p of ds.
func percentile(ds []time.Duration, p int) time.Duration {
	sorted := slices.Sorted(slices.Values(ds))
	i := (p*len(sorted)+99)/100 - 1
	return sorted[max(i, 0)]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
