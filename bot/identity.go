package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// IdentityNotation is how a person names a user in a moderator command.
const IdentityNotation = "web:<name>, slack:<team>:<user> or discord:<user id>"

// The parts of an identity, per platform. Slack ids are upper-case letters and digits (team
// T…/E…, user U…/W…); Discord user ids are snowflakes, decimal numbers that fit 64 bits.
var (
	slackTeam = regexp.MustCompile(`^[TE][A-Z0-9]{1,20}$`)
	slackUser = regexp.MustCompile(`^[UW][A-Z0-9]{1,20}$`)
	snowflake = regexp.MustCompile(`^[1-9][0-9]{0,19}$`)
)

// maxWebName is the longest playground name, in runes, as the playground allows.
const maxWebName = 64

// ParseIdentity reads a user a person named: an identity in the project's notation, checked
// part by part so that what comes out names exactly one user on one platform. Wildcards,
// broadcasts, mention syntax no adapter resolved and anything path-like are refused with a
// message for the person who typed it.
func ParseIdentity(s string) (Identity, error) {
	s = strings.TrimSpace(s)
	if err := identityShape(s); err != nil {
		return "", err
	}
	platform, rest, _ := strings.Cut(s, ":")
	switch platform {
	case "web":
		if !webName(rest) {
			return "", Errorf(CodeInvalid, "%q is not a playground name: after web: come 1 to %d letters, digits, dots, dashes or underscores, starting with a letter or digit.", Truncate(s, 40), maxWebName)
		}
	case "slack":
		team, user, ok := strings.Cut(rest, ":")
		if !ok || !slackTeam.MatchString(team) || !slackUser.MatchString(user) {
			return "", Errorf(CodeInvalid, "%q is not a Slack user: write slack:<team id>:<user id>, e.g. slack:T0123ABC:U0456DEF, or mention them with @.", Truncate(s, 40))
		}
	case "discord":
		if _, err := strconv.ParseUint(rest, 10, 64); err != nil || !snowflake.MatchString(rest) {
			return "", Errorf(CodeInvalid, "%q is not a Discord user: write discord:<user id>, e.g. discord:123456789012345678, or mention them with @.", Truncate(s, 40))
		}
	default:
		return "", Errorf(CodeInvalid, "I can't tell which platform %q is on. Name the user as %s.", Truncate(s, 40), IdentityNotation)
	}
	return Identity(s), nil
}

// ValidIdentity reports whether id is one user in the project's notation.
func ValidIdentity(id Identity) bool {
	got, err := ParseIdentity(string(id))
	return err == nil && got == id
}

// identityShape refuses the forms that are no single user whatever the platform, with a
// message that says what went wrong rather than which character was wrong.
func identityShape(s string) error {
	switch {
	case s == "" || strings.Trim(s, `'"‘’“”`+"`") == "":
		return Errorf(CodeInvalid, "Name a user: %s.", IdentityNotation)
	case broadcast.MatchString(s):
		return Errorf(CodeInvalid, "That names everyone in a channel, not one person. Name the user as %s.", IdentityNotation)
	case strings.HasPrefix(s, "<"):
		// An adapter turns the mentions of its platform into identities; one that arrives here
		// was not a user mention, or not one the adapter could read.
		return Errorf(CodeInvalid, "I could not tell who that mention is. Pick the person from the list that opens as you type @, or name them as %s.", IdentityNotation)
	case strings.HasPrefix(s, "@"):
		return Errorf(CodeInvalid, "I could not tell who %s is on which platform. Pick the person from the list that opens as you type @, or name them as %s.", Truncate(s, 40), IdentityNotation)
	case strings.ContainsAny(s, "*?"):
		return Errorf(CodeInvalid, "Name exactly one user, without wildcards: %s.", IdentityNotation)
	case !utf8.ValidString(s):
		return Errorf(CodeInvalid, "I could not read that user name. Name the user as %s.", IdentityNotation)
	}
	return nil
}

// broadcast matches the words that ping a whole channel or server, bare or in Slack's syntax.
var broadcast = regexp.MustCompile(`(?i)^(<!|[@＠](everyone|here|channel)\b)`)

// webName is a playground name a command can carry: letters of any script, digits, dots,
// dashes and underscores, starting with a letter or digit (so nothing like "..", no spaces).
func webName(name string) bool {
	if name == "" || utf8.RuneCountInString(name) > maxWebName {
		return false
	}
	for i, r := range name {
		letterOrDigit := unicode.IsLetter(r) || unicode.IsDigit(r)
		if i == 0 && !letterOrDigit || !letterOrDigit && !strings.ContainsRune("._-", r) {
			return false
		}
	}
	return true
}

// person checks that the user exists where the core can check it, and returns their display
// name. Identities are validated before; what the core cannot check is accepted as written:
// a playground name is anyone who types it (the playground has no user list), and a platform
// whose messenger is not configured here cannot be asked. A lookup that fails for another
// reason refuses, so that a case is never given to someone nobody can verify.
func (s *Service) person(ctx context.Context, id Identity) (string, error) {
	dir, ok := s.messengers[id.Platform()].(Directory)
	if !ok {
		return shortName(id), nil
	}
	name, err := dir.Person(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return "", Errorf(CodeNotFound, "There is no user %s on %s.", id, id.Platform())
	case err != nil:
		s.log.WarnContext(ctx, "user lookup failed", "user", id, "err", err)
		return "", Errorf(CodeUnavailable, "I could not check %s on %s just now. Please try again in a moment.", id, id.Platform())
	case strings.TrimSpace(name) == "":
		return shortName(id), nil
	}
	return name, nil
}

// label names a user for a moderator's answer: their display name and identity when the
// platform tells it, else the identity.
func (s *Service) label(ctx context.Context, id Identity) string {
	dir, ok := s.messengers[id.Platform()].(Directory)
	if !ok {
		return string(id)
	}
	name, err := dir.Person(ctx, id)
	if err != nil || strings.TrimSpace(name) == "" {
		return string(id)
	}
	return fmt.Sprintf("%s (%s)", name, id)
}

// shortName is the readable part of an identity: the playground name, else the identity.
func shortName(id Identity) string {
	if name, ok := strings.CutPrefix(string(id), "web:"); ok {
		return name
	}
	return string(id)
}
