package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Command is one moderator command. Adapters derive their slash-command schema and help from
// the table, so adding a command here needs no adapter change.
type Command struct {
	Name      string
	Args      []Arg
	Help      string
	Moderator bool // only moderators may run it
	run       func(s *Service, ctx context.Context, a Actor, in Invocation) (CommandAnswer, error)
}

// textRun is the run of a command whose answer is a text alone.
func textRun(f func(s *Service, ctx context.Context, a Actor, in Invocation) (string, error)) func(*Service, context.Context, Actor, Invocation) (CommandAnswer, error) {
	return func(s *Service, ctx context.Context, a Actor, in Invocation) (CommandAnswer, error) {
		text, err := f(s, ctx, a, in)
		return CommandAnswer{Text: text}, err
	}
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

// ArgKind says what an argument holds: the parser reads each kind strictly, and platforms
// offer a fitting input for it.
type ArgKind string

const (
	ArgCase     ArgKind = "case"     // a case id: ESC-1042, esc-1042 or 1042
	ArgUser     ArgKind = "user"     // one user, in IdentityNotation
	ArgDuration ArgKind = "duration" // a whole number and a unit, see DurationSyntax
	ArgChoice   ArgKind = "choice"   // one of the argument's Choices
	ArgText     ArgKind = "text"     // words; with Rest, the rest of the line
)

// Arg describes one argument of a command, for the parser, help texts and platform schemas.
type Arg struct {
	Name     string
	Kind     ArgKind
	Help     string
	Required bool
	Rest     bool     // a text that takes the rest of the line; only the last argument
	Choices  []string // the values of a choice, lower case
}

// Invocation is a command line read by the table.
type Invocation struct {
	Command Command
	Values  []Value // one per Command.Args, in the same order
}

// Value is one argument as read. The field that holds it follows the argument's kind; an
// optional argument that was not written has Set false and zero fields.
type Value struct {
	Set      bool
	Text     string        // case: the normalized id; choice: the choice; text: the words
	User     Identity      // user: a valid identity
	Duration time.Duration // duration: more than 0, at most MaxDuration
}

// Arg returns the value of the named argument, or the zero Value.
func (in Invocation) Arg(name string) Value {
	for i, a := range in.Command.Args {
		if a.Name == name && i < len(in.Values) {
			return in.Values[i]
		}
	}
	return Value{}
}

// MaxDuration is the longest time a command accepts: about five years. Longer than that is
// what "until unblocked" is for.
const MaxDuration = 1825 * 24 * time.Hour

// DurationSyntax is the one way to write a duration, as the refusals quote it.
const DurationSyntax = "a whole number followed by m, h, d or w (minutes, hours, days, weeks), without a space: 30m, 12h, 7d or 2w, at most 1825d (5 years)"

// maxCommandLine bounds a command line, in bytes: no command needs more, and a reason the
// owner reads stays readable.
const maxCommandLine = 4000

var durationUnits = map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}

// ParseDuration reads a duration in DurationSyntax. Nothing else is read as one: no
// fractions, no compound forms (1h30m), no spelled-out units (30min, 7 days), no signs, and
// the units are lower case because "M" could be read as months.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, Errorf(CodeInvalid, "Write a duration as %s.", DurationSyntax)
	}
	num, unit := s[:len(s)-1], durationUnits[s[len(s)-1]]
	if strings.Trim(s, "0123456789") == "" {
		n := Truncate(s, 12)
		return 0, Errorf(CodeInvalid, "%q needs its unit right after the number, without a space: %sm, %sh, %sd or %sw. A duration is %s.", n, n, n, n, n, DurationSyntax)
	}
	if unit == 0 || num == "" || strings.Trim(num, "0123456789") != "" {
		return 0, Errorf(CodeInvalid, "%q is not a duration I can read. Write %s. A reason must not begin with a number.", Truncate(s, 20), DurationSyntax)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	switch {
	case err == nil && n == 0:
		return 0, Errorf(CodeInvalid, "%q is no time at all. Write %s.", Truncate(s, 20), DurationSyntax)
	case err != nil || n > int64(MaxDuration/unit):
		return 0, Errorf(CodeInvalid, "%q is longer than 5 years. Write %s, or leave the duration out for no end.", Truncate(s, 20), DurationSyntax)
	}
	return time.Duration(n) * unit, nil
}

// meantAsDuration reports whether a word looks like an attempt at a duration, well written
// or not: it starts with a digit, a sign or a dot, or has a digit followed by a letter
// ("30min", "-5m", "1.5h", "7", "P7D"). Such a word in the place of a duration is read as
// one, and refused when it is not DurationSyntax, rather than taken as the start of a reason.
func meantAsDuration(w string) bool {
	first, _ := utf8.DecodeRuneInString(w)
	if unicode.IsDigit(first) || strings.ContainsRune("-+.−", first) {
		return true
	}
	digit := false
	for _, r := range w {
		if digit && unicode.IsLetter(r) {
			return true
		}
		digit = unicode.IsDigit(r)
	}
	return false
}

// ParseCommand reads a command line such as "/escalations block web:troll 7d spam" by the
// table. It checks the form of every argument, not whether the actor may run the command.
func ParseCommand(table []Command, line string) (Invocation, error) {
	c, words, err := findCommand(table, line)
	if err != nil {
		return Invocation{}, err
	}
	return c.parse(words)
}

// findCommand splits the line into words and finds the command the first one names; an empty
// line is help.
func findCommand(table []Command, line string) (Command, []string, error) {
	if err := checkLine(line); err != nil {
		return Command{}, nil, err
	}
	words := strings.Fields(line)
	if len(words) > 0 && strings.EqualFold(words[0], CommandPrefix) {
		words = words[1:]
	}
	name := "help"
	if len(words) > 0 {
		name, words = strings.ToLower(words[0]), words[1:]
	}
	for _, c := range table {
		if c.Name == name {
			return c, words, nil
		}
	}
	return Command{}, nil, Errorf(CodeInvalid, "I don't know the command %q. Try %s help.", Truncate(name, 40), CommandPrefix)
}

func checkLine(line string) error {
	if len(line) > maxCommandLine {
		return Errorf(CodeInvalid, "That command is too long: at most %d characters.", maxCommandLine)
	}
	if !utf8.ValidString(line) {
		return Errorf(CodeInvalid, "I could not read that command; please type it again.")
	}
	for _, r := range line {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return Errorf(CodeInvalid, "That command contains control characters; please type it again.")
		}
	}
	return nil
}

// parse reads the words after the command name, one argument after the other in the table's
// order. An optional argument with more arguments after it is taken only when the word looks
// like one of its kind (block's duration before the reason); everything else is read strictly
// by its kind.
func (c Command) parse(words []string) (Invocation, error) {
	in := Invocation{Command: c, Values: make([]Value, len(c.Args))}
	for i, a := range c.Args {
		if a.Rest {
			text := strings.Join(words, " ")
			words = nil
			if text == "" {
				if a.Required {
					return Invocation{}, c.usageError()
				}
				continue
			}
			if err := c.checkText(text); err != nil {
				return Invocation{}, err
			}
			in.Values[i] = Value{Set: true, Text: text}
			continue
		}
		if len(words) == 0 {
			if a.Required {
				return Invocation{}, c.usageError()
			}
			continue
		}
		if !a.Required && i < len(c.Args)-1 && !a.claims(words[0]) {
			continue
		}
		v, err := a.read(words[0])
		if err != nil {
			return Invocation{}, err
		}
		in.Values[i], words = v, words[1:]
	}
	if len(words) > 0 {
		return Invocation{}, Errorf(CodeInvalid, "Too many words for %s. Usage: %s %s", c.Name, CommandPrefix, c.Usage())
	}
	return in, nil
}

// claims reports whether a word in the place of an optional argument is meant as it.
func (a Arg) claims(w string) bool {
	switch a.Kind {
	case ArgDuration:
		return meantAsDuration(w)
	case ArgChoice:
		return a.choice(w) != ""
	case ArgCase:
		_, err := ParseCaseID(w)
		return err == nil
	case ArgUser:
		return strings.ContainsAny(w, ":@<")
	}
	return true
}

// read reads one word as the argument's kind.
func (a Arg) read(w string) (Value, error) {
	switch a.Kind {
	case ArgCase:
		id, err := ParseCaseID(w)
		if err != nil {
			return Value{}, Errorf(CodeInvalid, "%q is not a case id; case ids look like ESC-1042.", Truncate(w, 20))
		}
		return Value{Set: true, Text: id}, nil
	case ArgUser:
		id, err := ParseIdentity(w)
		if err != nil {
			return Value{}, err
		}
		return Value{Set: true, User: id}, nil
	case ArgDuration:
		d, err := ParseDuration(w)
		if err != nil {
			return Value{}, err
		}
		return Value{Set: true, Duration: d}, nil
	case ArgChoice:
		v := a.choice(w)
		if v == "" {
			return Value{}, Errorf(CodeInvalid, "%q is not a %s I know: use %s.", Truncate(w, 20), a.Name, strings.Join(a.Choices, ", "))
		}
		return Value{Set: true, Text: v}, nil
	}
	return Value{Set: true, Text: w}, nil
}

func (a Arg) choice(w string) string {
	for _, c := range a.Choices {
		if strings.EqualFold(c, w) {
			return c
		}
	}
	return ""
}

// checkText refuses a text that carries a well-formed duration when the command takes one:
// "block web:troll spam 7d" would otherwise block until unblocked and show "spam 7d" to the
// owner as the reason.
func (c Command) checkText(text string) error {
	hasDuration := false
	for _, a := range c.Args {
		hasDuration = hasDuration || a.Kind == ArgDuration
	}
	if !hasDuration {
		return nil
	}
	for _, w := range strings.Fields(text) {
		if _, err := ParseDuration(w); err == nil {
			return Errorf(CodeInvalid, "The duration goes before the reason: %s %s, e.g. %s %s web:troll 7d spam.", CommandPrefix, c.Usage(), CommandPrefix, c.Name)
		}
	}
	return nil
}

func (c Command) usageError() error {
	return Errorf(CodeInvalid, "Usage: %s %s", CommandPrefix, c.Usage())
}
