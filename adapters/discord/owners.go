package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/inbox"

	"github.com/bwmarrin/discordgo"
)

const (
	// memberTTL bounds how long a membership read for the owner restrictions is trusted: a
	// role given a minute ago counts a minute later.
	memberTTL = time.Minute
	roleTTL   = 10 * time.Minute
)

// dmSent is what an owner sees where they typed /escalate.
const dmSent = "I've sent you a direct message to start."

// onMessageCreate takes a DM written to the bot. Guild messages reach the bot only with
// DISCORD_THREAD_REPLIES (see onThreadMessage); edits, system messages, bots, the bot's own
// posts and authors whose id is not a snowflake drive nothing.
func (a *Adapter) onMessageCreate(_ *discordgo.Session, m *discordgo.MessageCreate) {
	if m.GuildID != "" {
		a.onThreadMessage(m)
		return
	}
	if m.Author == nil || m.Author.Bot || m.Author.System || m.Author.ID == a.botUser() || !snowflake.MatchString(m.Author.ID) {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	owner := identity(m.Author.ID)
	// The gateway delivers a message once and cannot be told to send it again: it is stored
	// before anything else, and held in memory while Redis is away.
	payload, err := json.Marshal(m.Message)
	if err == nil {
		err = a.inbox.AcceptOrHold(context.Background(), inbox.Item{ID: "discord:msg:" + m.ID, Lane: string(owner), Kind: kindDM, Payload: payload})
	}
	if err != nil {
		a.log.Error("discord DM lost: it could not be stored or held", "owner", owner, "message", m.ID, "err", err)
	}
}

// kindDM is the inbox kind of an owner's DM.
const kindDM = "discord.dm"

// handleDM is the inbox handler of a stored DM. An error means: run it again later.
func (a *Adapter) handleDM(ctx context.Context, payload []byte) error {
	var m discordgo.Message
	if err := json.Unmarshal(payload, &m); err != nil || m.Author == nil {
		a.log.ErrorContext(ctx, "stored discord DM unreadable; dropped", "err", err)
		return nil
	}
	return a.ownerMessage(ctx, &m)
}

// ownerMessage runs a DM through the intake and answers in the DM.
func (a *Adapter) ownerMessage(ctx context.Context, m *discordgo.Message) error {
	a.msgr.rememberDM(m.Author.ID, m.ChannelID)
	return a.ownerTurn(ctx, m.ChannelID, "", nil, bot.OwnerEvent{
		ID:          eventID(m.ID),
		Owner:       identity(m.Author.ID),
		Name:        userName(m.Author),
		Text:        m.Content,
		Redelivered: inbox.Redelivered(ctx),
	})
}

// ownerTurn runs one owner event, once the owner restrictions allow it, and answers in channel.
// guildID and member are the interaction's when the event came from a server. It returns the
// core's error when the work could not be done for now (Redis away) and nobody was told.
func (a *Adapter) ownerTurn(ctx context.Context, channel, guildID string, member *discordgo.Member, ev bot.OwnerEvent) error {
	if refusal := a.gate(ctx, ev.Owner, guildID, member); refusal != "" {
		a.answer(ctx, ev.Owner, channel, ev.ID, []conversation.Reply{{Text: refusal}}, nil)
		return nil
	}
	replies, err := a.svc.HandleOwner(ctx, ev)
	if bot.Retryable(err) {
		return err
	}
	a.answer(ctx, ev.Owner, channel, ev.ID, replies, err)
	return nil
}

// gate applies OWNER_ROLE_IDS and OWNER_MIN_MEMBER_DAYS to an owner about to start an intake
// and returns the polite refusal, or "" when the owner may go on. Owners already in an intake
// or with an open case carry on: the restriction is on opening cases.
func (a *Adapter) gate(ctx context.Context, owner bot.Identity, guildID string, m *discordgo.Member) string {
	if !a.cfg.ownerRestricted() || a.continuing(ctx, owner) {
		return ""
	}
	user, err := parseIdentity(owner)
	if err != nil {
		return "Sorry, I could not tell who you are on Discord."
	}
	return a.admission(ctx, user, guildID, m)
}

// continuing reports whether the owner is in an intake or has an open case. Without the
// session store, or when it cannot be read, it reports false: the restrictions are checked.
func (a *Adapter) continuing(ctx context.Context, owner bot.Identity) bool {
	if a.sessions == nil {
		return false
	}
	// Reload, not Load: a peek must not count against the owner's rate limit.
	turn, err := a.sessions.Reload(ctx, owner, "")
	if err != nil {
		a.log.WarnContext(ctx, "read owner session for the owner restrictions", "owner", owner, "err", err)
		return false
	}
	if turn.OpenCase != "" {
		return true
	}
	return turn.Found && (turn.Session.Stage == conversation.StageIntake || turn.Session.Stage == conversation.StageReview)
}

// member is what the owner restrictions read of a server membership.
type member struct {
	guild    string
	roles    []string
	joinedAt time.Time
}

// admission checks the restrictions against the member of the interaction's server when that
// server is one of DISCORD_GUILD_IDS, else (a DM, another server, whose roles and join date
// anyone who owns it can set) against the owner's membership in the configured servers, and
// explains a refusal: which role is missing, or how many more days to wait.
func (a *Adapter) admission(ctx context.Context, user, guildID string, m *discordgo.Member) string {
	var found []*member
	lookupFailed := false
	switch {
	case m != nil && a.cfg.configuredGuild(guildID):
		found = append(found, &member{guild: guildID, roles: m.Roles, joinedAt: m.JoinedAt})
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
func (a *Adapter) daysLeft(joined, now time.Time) int {
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
func (a *Adapter) member(ctx context.Context, guild, user string) (*member, error) {
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
func (a *Adapter) roleList(ctx context.Context, guild string) string {
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
