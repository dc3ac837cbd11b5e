package discord

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"

	"escalation-bot/bot"
	"escalation-bot/ttlcache"

	"github.com/bwmarrin/discordgo"
)

const (
	// memberTTL bounds how long a membership read for the owner restrictions is trusted: a
	// role given a minute ago counts a minute later.
	memberTTL = time.Minute
	roleTTL   = 10 * time.Minute
)

// Admission is the core's bot.Admission for Discord owners: it applies OWNER_ROLE_IDS and
// OWNER_MIN_MEMBER_DAYS. The core asks it only about an owner about to start an intake; owners
// already in an intake or with an open case carry on, since the restriction is on opening
// cases. Owners of other platforms, and every owner when no restriction is set, are admitted.
type Admission struct {
	cfg       Config
	dg        *discordgo.Session
	log       *slog.Logger
	members   *ttlcache.Cache[*member] // guild/user → membership (nil: not a member)
	roleNames *ttlcache.Cache[map[string]string]
}

// NewAdmission builds the owner restrictions of cfg, reading memberships and role names over
// m's REST session.
func NewAdmission(cfg Config, m *Messenger, logger *slog.Logger) *Admission {
	if logger == nil {
		logger = slog.Default()
	}
	return &Admission{
		cfg:       cfg,
		dg:        m.dg,
		log:       redactLogger(logger).With("adapter", Platform),
		members:   ttlcache.New[*member](memberTTL, cacheSize),
		roleNames: ttlcache.New[map[string]string](roleTTL, 100),
	}
}

// Admit implements bot.Admission. A membership it cannot read is a refusal that says so, not
// an error: the owner may try again in a few minutes.
func (a *Admission) Admit(ctx context.Context, ev bot.OwnerEvent) (bool, string, error) {
	if !a.cfg.ownerRestricted() || !strings.HasPrefix(string(ev.Owner), Platform+":") {
		return true, "", nil
	}
	user, err := parseIdentity(ev.Owner)
	if err != nil {
		return false, "Sorry, I could not tell who you are on Discord.", nil
	}
	refusal := a.refusal(ctx, user, ev.Member)
	return refusal == "", refusal, nil
}

// memberOf is the core's view of an interaction's member of guildID; nil without one (a DM).
func memberOf(guildID string, m *discordgo.Member) *bot.Member {
	if m == nil {
		return nil
	}
	return &bot.Member{Community: guildID, Roles: m.Roles, Joined: m.JoinedAt}
}

// member is what the owner restrictions read of a server membership.
type member struct {
	guild    string
	roles    []string
	joinedAt time.Time
}

// refusal checks the restrictions against the member of the interaction's server when that
// server is one of DISCORD_GUILD_IDS, else (a DM, another server, whose roles and join date
// anyone who owns it can set) against the owner's membership in the configured servers, and
// explains a refusal: which role is missing, or how many more days to wait. "" admits.
func (a *Admission) refusal(ctx context.Context, user string, m *bot.Member) string {
	var found []*member
	lookupFailed := false
	switch {
	case m != nil && a.cfg.configuredGuild(m.Community):
		found = append(found, &member{guild: m.Community, roles: m.Roles, joinedAt: m.Joined})
	case len(a.cfg.GuildIDs) == 0:
		// Config.Validate refuses restrictions without servers; never trust a server here.
		return "Sorry, this line cannot check server memberships yet, so it cannot open new cases. Please try again later."
	default:
		for _, g := range a.cfg.GuildIDs {
			mem, err := a.member(ctx, g, user)
			if err != nil {
				a.log.WarnContext(ctx, "member lookup for the owner restrictions failed", "guild", g, "user", user, "err", err)
				lookupFailed = true
				continue
			}
			if mem != nil {
				found = append(found, mem)
			}
		}
	}
	now := time.Now()
	var missingRole, tooNew *member
	daysLeft := math.MaxInt
	for _, mem := range found {
		roleOK := len(a.cfg.OwnerRoleIDs) == 0 || slices.ContainsFunc(mem.roles, func(r string) bool { return slices.Contains(a.cfg.OwnerRoleIDs, r) })
		left := a.daysLeft(mem.joinedAt, now)
		switch {
		case roleOK && left == 0:
			return ""
		case roleOK:
			if left < daysLeft {
				tooNew, daysLeft = mem, left
			}
		default:
			missingRole = mem
		}
	}
	const closing = " Your regular service channels are still open to you."
	switch {
	case tooNew != nil:
		return fmt.Sprintf("Sorry, this line is open to members of our server after %d days of membership: %s to go. Please write again then.%s",
			a.cfg.OwnerMinMemberDays, plural(daysLeft, "one more day", "more days"), closing)
	case missingRole != nil:
		return fmt.Sprintf("Sorry, this line is open to members with the %s role in our server. If you think you should have it, please ask a moderator there.%s",
			a.roleList(ctx, missingRole.guild), closing)
	case lookupFailed:
		return "Sorry, I could not check your server membership just now. Please try again in a few minutes."
	}
	return "Sorry, this line is open to members of our community server. Please join it, then write to me again." + closing
}

// daysLeft is how many more days a member who joined at joined must wait, 0 when none.
func (a *Admission) daysLeft(joined, now time.Time) int {
	if a.cfg.OwnerMinMemberDays <= 0 {
		return 0
	}
	if joined.IsZero() {
		return a.cfg.OwnerMinMemberDays
	}
	left := joined.Add(time.Duration(a.cfg.OwnerMinMemberDays) * 24 * time.Hour).Sub(now)
	if left <= 0 {
		return 0
	}
	return int(math.Ceil(left.Hours() / 24))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// member reads a server membership: nil when the user is not a member.
func (a *Admission) member(ctx context.Context, guild, user string) (*member, error) {
	key := guild + "/" + user
	if m, ok := a.members.Get(key); ok {
		return m, nil
	}
	gm, err := a.dg.GuildMember(guild, user, discordgo.WithContext(ctx))
	switch {
	case restCode(err) == discordgo.ErrCodeUnknownMember || restCode(err) == discordgo.ErrCodeUnknownUser:
		a.members.Put(key, nil)
		return nil, nil
	case err != nil:
		return nil, err
	}
	m := &member{guild: guild, roles: gm.Roles, joinedAt: gm.JoinedAt}
	a.members.Put(key, m)
	return m, nil
}

// roleList names the owner roles, "A or B", as the server calls them.
func (a *Admission) roleList(ctx context.Context, guild string) string {
	names, ok := a.roleNames.Get(guild)
	if !ok {
		roles, err := a.dg.GuildRoles(guild, discordgo.WithContext(ctx))
		if err != nil {
			a.log.WarnContext(ctx, "role names lookup failed", "guild", guild, "err", err)
		} else {
			names = make(map[string]string, len(roles))
			for _, r := range roles {
				names[r.ID] = r.Name
			}
			a.roleNames.Put(guild, names)
		}
	}
	var out []string
	for _, id := range a.cfg.OwnerRoleIDs {
		if n := strings.TrimSpace(names[id]); n != "" {
			out = append(out, "“"+n+"”")
		}
	}
	if len(out) == 0 {
		return "required"
	}
	return strings.Join(out, " or ")
}
