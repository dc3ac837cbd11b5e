package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Command is one moderator command. Adapters derive their slash-command schema and help from
// the table, so adding a command here needs no adapter change.
type Command struct {
	Name      string
	Args      []Arg
	Help      string
	Moderator bool // only moderators may run it
	run       func(s *Service, ctx context.Context, a Actor, args []string) (string, error)
}

// Arg describes one argument, for help texts and platform schemas.
type Arg struct {
	Name     string
	Help     string
	Required bool
	Rest     bool     // takes the rest of the line
	Choices  []string // fixed values
}

// Usage is the command line a person types, e.g. "close <case> <reason>".
func (c Command) Usage() string {
	var b strings.Builder
	b.WriteString(c.Name)
	for _, a := range c.Args {
		if a.Required {
			fmt.Fprintf(&b, " <%s>", a.Name)
		} else {
			fmt.Fprintf(&b, " [%s]", a.Name)
		}
	}
	return b.String()
}

// CommandPrefix is the slash command moderators type.
const CommandPrefix = "/escalations"

// Commands returns the moderator command table.
func (s *Service) Commands() []Command {
	caseArg := Arg{Name: "case", Help: "case id, e.g. ESC-1042", Required: true}
	userArg := Arg{Name: "user", Help: "a user: @mention, name or platform:id", Required: true}
	return []Command{
		{Name: "list", Help: "List cases: open (default), claimed, mine, resolved, closed or all.", Moderator: true,
			Args: []Arg{{Name: "filter", Help: "which cases", Choices: []string{"open", "claimed", "mine", "resolved", "closed", "all"}}},
			run:  (*Service).cmdList},
		{Name: "show", Help: "Show a case with its answers and history.", Moderator: true,
			Args: []Arg{caseArg}, run: (*Service).cmdShow},
		{Name: "assign", Help: "Give a case to an executive.", Moderator: true,
			Args: []Arg{caseArg, userArg}, run: (*Service).cmdAssign},
		{Name: "close", Help: "Close a case without resolving it, with a reason the owner reads.", Moderator: true,
			Args: []Arg{caseArg, {Name: "reason", Help: "why", Required: true, Rest: true}}, run: (*Service).cmdClose},
		{Name: "reopen", Help: "Reopen a resolved or closed case.", Moderator: true,
			Args: []Arg{caseArg}, run: (*Service).cmdReopen},
		{Name: "block", Help: "Keep a user off the line, for a while (30m, 12h, 7d, 2w) or until unblocked.", Moderator: true,
			Args: []Arg{userArg, {Name: "duration", Help: "e.g. 7d; omit for no expiry"}, {Name: "reason", Help: "why", Required: true, Rest: true}},
			run:  (*Service).cmdBlock},
		{Name: "unblock", Help: "Let a blocked user back on the line.", Moderator: true,
			Args: []Arg{userArg}, run: (*Service).cmdUnblock},
		{Name: "pause", Help: "Pause new intakes; owners get the message (or a default one).", Moderator: true,
			Args: []Arg{{Name: "message", Help: "what owners are told", Rest: true}}, run: (*Service).cmdPause},
		{Name: "resume", Help: "Resume intake after a pause.", Moderator: true, run: (*Service).cmdResume},
		{Name: "stats", Help: "Count cases by status.", Moderator: true, run: (*Service).cmdStats},
		{Name: "help", Help: "List the commands.", run: (*Service).cmdHelp},
	}
}

// Command runs a moderator command line such as "/escalations close ESC-1042 duplicate" and
// returns the answer, meant to be shown only to the actor.
func (s *Service) Command(ctx context.Context, a Actor, line string) (string, error) {
	line = strings.TrimSpace(line)
	if rest, ok := strings.CutPrefix(line, CommandPrefix); ok {
		line = strings.TrimSpace(rest)
	}
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return s.cmdHelp(ctx, a, nil)
	}
	name := strings.ToLower(fields[0])
	for _, c := range s.Commands() {
		if c.Name != name {
			continue
		}
		if c.Moderator && !s.IsModerator(a) {
			return "", errNotModerator()
		}
		args, err := splitArgs(c, strings.TrimSpace(strings.TrimPrefix(line, fields[0])))
		if err != nil {
			return "", err
		}
		return c.run(s, ctx, a, args)
	}
	return "", Errorf(CodeInvalid, "I don't know the command %q. Try %s help.", Truncate(fields[0], 40), CommandPrefix)
}

// splitArgs splits the arguments by the command's table: one word each, the last Rest arg
// takes what is left. block's duration is optional in the middle, so it is recognised by form.
func splitArgs(c Command, line string) ([]string, error) {
	words := strings.Fields(line)
	var out []string
	for i, a := range c.Args {
		if a.Name == "duration" {
			if len(words) > 0 && durationPattern.MatchString(words[0]) {
				out, words = append(out, words[0]), words[1:]
			} else {
				out = append(out, "")
			}
			continue
		}
		if a.Rest || i == len(c.Args)-1 && a.Rest {
			out = append(out, strings.Join(words, " "))
			words = nil
			if a.Required && out[len(out)-1] == "" {
				return nil, usageError(c)
			}
			continue
		}
		if len(words) == 0 {
			if a.Required {
				return nil, usageError(c)
			}
			out = append(out, "")
			continue
		}
		out, words = append(out, words[0]), words[1:]
	}
	if len(words) > 0 {
		return nil, Errorf(CodeInvalid, "Too many words for %s. Usage: %s %s", c.Name, CommandPrefix, c.Usage())
	}
	return out, nil
}

func usageError(c Command) error {
	return Errorf(CodeInvalid, "Usage: %s %s", CommandPrefix, c.Usage())
}

func (s *Service) cmdHelp(_ context.Context, _ Actor, _ []string) (string, error) {
	var b strings.Builder
	b.WriteString("Moderator commands:\n")
	for _, c := range s.Commands() {
		fmt.Fprintf(&b, "%s %s: %s\n", CommandPrefix, c.Usage(), c.Help)
	}
	return strings.TrimSpace(b.String()), nil
}

func (s *Service) cmdList(ctx context.Context, a Actor, args []string) (string, error) {
	filter := "open"
	if len(args) > 0 && args[0] != "" {
		filter = strings.ToLower(args[0])
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
	case "all":
		statuses = []Status{StatusOpen, StatusClaimed, StatusResolved, StatusClosed}
	default:
		return "", Errorf(CodeInvalid, "List what? Use open, claimed, mine, resolved, closed or all.")
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

func (s *Service) cmdShow(ctx context.Context, _ Actor, args []string) (string, error) {
	c, err := s.getCase(ctx, args[0])
	if err != nil {
		return "", err
	}
	now := s.clock.Now()
	var b strings.Builder
	fmt.Fprintf(&b, "%s · %s · %s%s\n%s\n%s\n", c.ID, statusLine(c), c.Summary.Severity, safetyMark(c), c.Summary.Title, c.Summary.Text)
	fmt.Fprintf(&b, "Owner: %s (%s), opened %s\n", c.OwnerName, c.Owner, ago(now, c.CreatedAt))
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

func (s *Service) cmdAssign(ctx context.Context, a Actor, args []string) (string, error) {
	to, name := a.Resolve(args[1])
	card, err := s.Assign(ctx, a, args[0], to, name)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is now with %s.", card.ID, name), nil
}

func (s *Service) cmdClose(ctx context.Context, a Actor, args []string) (string, error) {
	card, err := s.Close(ctx, a, args[0], args[1])
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is closed; the owner was told why.", card.ID), nil
}

func (s *Service) cmdReopen(ctx context.Context, a Actor, args []string) (string, error) {
	card, err := s.Reopen(ctx, a, args[0])
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is open again.", card.ID), nil
}

func (s *Service) cmdBlock(ctx context.Context, a Actor, args []string) (string, error) {
	user, name := a.Resolve(args[0])
	b := Block{User: user, Reason: args[2], By: a.ID}
	if args[1] != "" {
		d, err := ParseDuration(args[1])
		if err != nil {
			return "", err
		}
		b.Until = s.clock.Now().Add(d)
	}
	if err := s.moderation.SetBlock(ctx, b); err != nil {
		return "", fmt.Errorf("block %s: %w", user, err)
	}
	s.log.InfoContext(ctx, "user blocked", "user", user, "by", a.ID, "until", b.Until)
	if b.Until.IsZero() {
		return fmt.Sprintf("%s is blocked until unblocked.", name), nil
	}
	return fmt.Sprintf("%s is blocked until %s.", name, b.Until.UTC().Format("2 Jan 2006 15:04 MST")), nil
}

func (s *Service) cmdUnblock(ctx context.Context, a Actor, args []string) (string, error) {
	user, name := a.Resolve(args[0])
	ok, err := s.moderation.RemoveBlock(ctx, user)
	if err != nil {
		return "", fmt.Errorf("unblock %s: %w", user, err)
	}
	if !ok {
		return "", Errorf(CodeNotFound, "%s was not blocked.", name)
	}
	return fmt.Sprintf("%s may use the line again.", name), nil
}

func (s *Service) cmdPause(ctx context.Context, a Actor, args []string) (string, error) {
	p := &Pause{By: a.ID, Since: s.clock.Now()}
	if len(args) > 0 {
		p.Message = args[0]
	}
	if err := s.moderation.SetPause(ctx, p); err != nil {
		return "", fmt.Errorf("pause: %w", err)
	}
	return "Intake is paused. Cases already open carry on. Resume with " + CommandPrefix + " resume.", nil
}

func (s *Service) cmdResume(ctx context.Context, _ Actor, _ []string) (string, error) {
	if err := s.moderation.SetPause(ctx, nil); err != nil {
		return "", fmt.Errorf("resume: %w", err)
	}
	return "Intake is open again.", nil
}

func (s *Service) cmdStats(ctx context.Context, _ Actor, _ []string) (string, error) {
	st, err := s.cases.Stats(ctx)
	if err != nil {
		return "", fmt.Errorf("stats: %w", err)
	}
	return fmt.Sprintf("open %d · claimed %d · resolved %d · closed %d · total %d", st.Open, st.Claimed, st.Resolved, st.Closed, st.Total), nil
}

var (
	slackMention   = regexp.MustCompile(`^<@([UW][A-Z0-9]+)(\|([^>]*))?>$`)
	discordMention = regexp.MustCompile(`^<@!?([0-9]+)>$`)
)

// Resolve turns a user argument into an identity on the actor's platform: a Slack or Discord
// mention, a full identity ("discord:123"), or a plain name ("@dana" in the playground).
func (a Actor) Resolve(arg string) (Identity, string) {
	arg = strings.TrimSpace(arg)
	if m := slackMention.FindStringSubmatch(arg); m != nil && a.ID.Platform() == "slack" {
		parts := strings.SplitN(string(a.ID), ":", 3)
		name := m[3]
		if name == "" {
			name = "<@" + m[1] + ">"
		}
		if len(parts) == 3 {
			return Identity("slack:" + parts[1] + ":" + m[1]), name
		}
	}
	if m := discordMention.FindStringSubmatch(arg); m != nil {
		return Identity("discord:" + m[1]), arg
	}
	if strings.Count(arg, ":") >= 1 && !strings.HasPrefix(arg, "<") {
		return Identity(arg), arg
	}
	name := strings.TrimPrefix(arg, "@")
	return Identity(a.ID.Platform() + ":" + name), name
}

var durationPattern = regexp.MustCompile(`^(?i)[0-9]+(m|h|d|w)$`)

// ParseDuration reads 30m, 12h, 7d, 2w.
func ParseDuration(s string) (time.Duration, error) {
	if !durationPattern.MatchString(s) {
		return 0, Errorf(CodeInvalid, "%q is not a duration: use e.g. 30m, 12h, 7d or 2w.", Truncate(s, 20))
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || n > 10000 {
		return 0, Errorf(CodeInvalid, "%q is not a sensible duration.", Truncate(s, 20))
	}
	unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[strings.ToLower(s)[len(s)-1]]
	return time.Duration(n) * unit, nil
}
