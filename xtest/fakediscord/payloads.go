package fakediscord

import (
	"crypto/rand"
	"encoding/binary"
	"regexp"
	"strconv"
	"time"
)

// Snowflake returns a new snowflake id (current time, random low bits), as a string.
func Snowflake() string {
	var b [4]byte
	rand.Read(b[:])
	ms := uint64(time.Now().UnixMilli() - discordEpoch)
	return strconv.FormatUint(ms<<22|uint64(binary.BigEndian.Uint32(b[:])&0x3FFFFF), 10)
}

func botUser() map[string]any { return userObject(BotUserID, BotUsername, true) }

// userObject is a user as Discord serializes it.
func userObject(id, name string, bot bool) map[string]any {
	u := map[string]any{
		"id":                     id,
		"username":               name,
		"global_name":            name,
		"discriminator":          "0",
		"avatar":                 nil,
		"public_flags":           0,
		"flags":                  0,
		"banner":                 nil,
		"accent_color":           nil,
		"avatar_decoration_data": nil,
	}
	if bot {
		u["bot"] = true
		u["global_name"] = nil
		u["discriminator"] = "0001"
	}
	return u
}

func defaultJoined(t time.Time) time.Time {
	if t.IsZero() {
		return time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

func memberObject(roles []string, joinedAt time.Time) map[string]any {
	return map[string]any{
		"roles":                        orStrings(roles),
		"joined_at":                    timestamp(defaultJoined(joinedAt)),
		"nick":                         nil,
		"avatar":                       nil,
		"banner":                       nil,
		"premium_since":                nil,
		"deaf":                         false,
		"mute":                         false,
		"flags":                        0,
		"pending":                      false,
		"communication_disabled_until": nil,
	}
}

// MessageCreate builds a MESSAGE_CREATE payload as Discord sends it: a message by a user
// (authorID == BotUserID makes it the bot's), with guild_id and a partial member for a
// guild message (guildID "" for a DM). "<@id>" and "<@&id>" in content fill mentions and
// mention_roles; mentioning the bot is what lets a guild message keep its content without
// the MESSAGE_CONTENT intent. id "" picks a new snowflake.
func MessageCreate(id, channelID, guildID, authorID, authorName, content string) map[string]any {
	if id == "" {
		id = Snowflake()
	}
	mentions := []any{}
	for _, uid := range findMentions(`<@!?(\d+)>`, content) {
		name := "user-" + uid
		if uid == BotUserID {
			name = BotUsername
		}
		mentions = append(mentions, userObject(uid, name, uid == BotUserID))
	}
	roles := []any{}
	for _, rid := range findMentions(`<@&(\d+)>`, content) {
		roles = append(roles, rid)
	}
	m := map[string]any{
		"id":               id,
		"channel_id":       channelID,
		"author":           userObject(authorID, authorName, authorID == BotUserID),
		"content":          content,
		"timestamp":        timestamp(time.Now()),
		"edited_timestamp": nil,
		"tts":              false,
		"mention_everyone": false,
		"mentions":         mentions,
		"mention_roles":    roles,
		"attachments":      []any{},
		"embeds":           []any{},
		"components":       []any{},
		"pinned":           false,
		"type":             0,
		"flags":            0,
	}
	if guildID != "" {
		m["guild_id"] = guildID
		m["member"] = memberObject(nil, time.Time{})
	}
	return m
}

func findMentions(expr, content string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(expr).FindAllStringSubmatch(content, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// Invoker is who triggers an interaction, and where.
type Invoker struct {
	UserID   string
	Username string
	// GuildID is the guild the interaction comes from; "" makes it a DM with the bot (the
	// payload then has "user" instead of "member").
	GuildID string
	// Roles and JoinedAt fill member.roles and member.joined_at (guild only).
	Roles    []string
	JoinedAt time.Time
	// Permissions is member.permissions (guild only); 0 means DefaultMemberPermissions.
	Permissions int64
	// AppPermissions is app_permissions; 0 means DefaultAppPermissions.
	AppPermissions int64
	// Locale is the user's locale; "" means "en-US".
	Locale string
}

// Interaction builds an INTERACTION_CREATE payload of the given type (2 application command,
// 3 message component, 4 autocomplete, 5 modal submit) with the given data, from inv in
// channelID, with a new unique id and token. The helpers below build the data.
func Interaction(interactionType int, inv Invoker, channelID string, data map[string]any) map[string]any {
	id := Snowflake()
	name := inv.Username
	if name == "" {
		name = "user-" + inv.UserID
	}
	locale := inv.Locale
	if locale == "" {
		locale = "en-US"
	}
	appPerms := inv.AppPermissions
	if appPerms == 0 {
		appPerms = DefaultAppPermissions
	}
	user := userObject(inv.UserID, name, false)
	it := map[string]any{
		"id":                    id,
		"application_id":        ApplicationID,
		"type":                  interactionType,
		"channel_id":            channelID,
		"token":                 "fakediscord-interaction-" + id + "-" + randomHex(24),
		"version":               1,
		"locale":                locale,
		"app_permissions":       strconv.FormatInt(appPerms, 10),
		"entitlements":          []any{},
		"attachment_size_limit": 10485760,
	}
	if data != nil {
		it["data"] = data
	}
	if inv.GuildID != "" {
		perms := inv.Permissions
		if perms == 0 {
			perms = DefaultMemberPermissions
		}
		member := memberObject(inv.Roles, inv.JoinedAt)
		member["user"] = user
		member["permissions"] = strconv.FormatInt(perms, 10)
		it["guild_id"] = inv.GuildID
		it["guild_locale"] = "en-US"
		it["guild"] = map[string]any{"id": inv.GuildID, "locale": "en-US", "features": []any{}}
		it["member"] = member
		it["channel"] = map[string]any{
			"id": channelID, "type": 0, "guild_id": inv.GuildID, "name": "channel-" + channelID,
			"permissions": strconv.FormatInt(perms, 10), "flags": 0, "nsfw": false, "last_message_id": nil,
		}
		it["context"] = 0
		it["authorizing_integration_owners"] = map[string]any{"0": inv.GuildID}
	} else {
		it["user"] = user
		it["channel"] = map[string]any{"id": channelID, "type": 1, "flags": 0, "last_message_id": nil, "recipients": []any{user}}
		it["context"] = 1
		it["authorizing_integration_owners"] = map[string]any{"0": "0"}
	}
	return it
}

// CommandOption is an option of an application command interaction (data.options).
type CommandOption struct {
	Name    string          `json:"name"`
	Type    int             `json:"type"`
	Value   any             `json:"value,omitempty"`
	Options []CommandOption `json:"options,omitempty"`
	Focused bool            `json:"focused,omitempty"`
}

// StringOption is a STRING (3) option.
func StringOption(name, value string) CommandOption {
	return CommandOption{Name: name, Type: 3, Value: value}
}

// IntegerOption is an INTEGER (4) option.
func IntegerOption(name string, value int64) CommandOption {
	return CommandOption{Name: name, Type: 4, Value: value}
}

// BooleanOption is a BOOLEAN (5) option.
func BooleanOption(name string, value bool) CommandOption {
	return CommandOption{Name: name, Type: 5, Value: value}
}

// UserOption is a USER (6) option; the user is added to data.resolved.
func UserOption(name, userID string) CommandOption {
	return CommandOption{Name: name, Type: 6, Value: userID}
}

// ChannelOption is a CHANNEL (7) option; the channel is added to data.resolved.
func ChannelOption(name, channelID string) CommandOption {
	return CommandOption{Name: name, Type: 7, Value: channelID}
}

// RoleOption is a ROLE (8) option; the role is added to data.resolved.
func RoleOption(name, roleID string) CommandOption {
	return CommandOption{Name: name, Type: 8, Value: roleID}
}

// NumberOption is a NUMBER (10) option.
func NumberOption(name string, value float64) CommandOption {
	return CommandOption{Name: name, Type: 10, Value: value}
}

// SubCommand is a SUB_COMMAND (1) option holding its own options.
func SubCommand(name string, options ...CommandOption) CommandOption {
	return CommandOption{Name: name, Type: 1, Options: options}
}

// SubCommandGroup is a SUB_COMMAND_GROUP (2) option holding sub-commands.
func SubCommandGroup(name string, subCommands ...CommandOption) CommandOption {
	return CommandOption{Name: name, Type: 2, Options: subCommands}
}

// SlashCommand builds the INTERACTION_CREATE of a CHAT_INPUT command. data.id is a new
// snowflake, replaced on Dispatch by the id of the registered command of that name.
func SlashCommand(inv Invoker, channelID, name string, options ...CommandOption) map[string]any {
	data := map[string]any{"id": Snowflake(), "name": name, "type": 1}
	if len(options) > 0 {
		data["options"] = options
	}
	if inv.GuildID != "" {
		data["guild_id"] = inv.GuildID
	}
	if res := resolvedFor(inv, options); len(res) > 0 {
		data["resolved"] = res
	}
	return Interaction(2, inv, channelID, data)
}

func resolvedFor(inv Invoker, options []CommandOption) map[string]any {
	res := map[string]any{}
	add := func(kind, id string, v any) {
		m, _ := res[kind].(map[string]any)
		if m == nil {
			m = map[string]any{}
			res[kind] = m
		}
		m[id] = v
	}
	var walk func([]CommandOption)
	walk = func(opts []CommandOption) {
		for _, o := range opts {
			id, _ := o.Value.(string)
			switch o.Type {
			case 1, 2:
				walk(o.Options)
			case 6:
				add("users", id, userObject(id, "user-"+id, id == BotUserID))
				if inv.GuildID != "" {
					m := memberObject(nil, time.Time{})
					m["permissions"] = strconv.FormatInt(DefaultMemberPermissions, 10)
					add("members", id, m)
				}
			case 7:
				add("channels", id, map[string]any{"id": id, "name": "channel-" + id, "type": 0, "permissions": strconv.FormatInt(DefaultAppPermissions, 10)})
			case 8:
				add("roles", id, map[string]any{
					"id": id, "name": "role-" + id, "color": 0, "hoist": false, "position": 1,
					"permissions": "0", "managed": false, "mentionable": false, "flags": 0,
				})
			}
		}
	}
	walk(options)
	return res
}

// MessageCommand builds the INTERACTION_CREATE of a MESSAGE context-menu command (type 3)
// on target (e.g. a MessageCreate payload): data.target_id and data.resolved.messages.
func MessageCommand(inv Invoker, channelID, name string, target map[string]any) map[string]any {
	targetID := str(target, "id")
	data := map[string]any{
		"id":        Snowflake(),
		"name":      name,
		"type":      3,
		"target_id": targetID,
		"resolved":  map[string]any{"messages": map[string]any{targetID: target}},
	}
	if inv.GuildID != "" {
		data["guild_id"] = inv.GuildID
	}
	return Interaction(2, inv, channelID, data)
}

// UserCommand builds the INTERACTION_CREATE of a USER context-menu command (type 2) on a user.
func UserCommand(inv Invoker, channelID, name, targetUserID string) map[string]any {
	data := map[string]any{
		"id":        Snowflake(),
		"name":      name,
		"type":      2,
		"target_id": targetUserID,
		"resolved":  resolvedFor(inv, []CommandOption{UserOption("target", targetUserID)}),
	}
	if inv.GuildID != "" {
		data["guild_id"] = inv.GuildID
	}
	return Interaction(2, inv, channelID, data)
}

// componentMessage is the "message" of a component interaction; Dispatch replaces it with
// the stored message of that id when the server knows it.
func componentMessage(messageID, channelID string) map[string]any {
	return map[string]any{
		"id": messageID, "channel_id": channelID, "author": botUser(), "content": "",
		"timestamp": timestamp(time.Now()), "edited_timestamp": nil, "tts": false,
		"mention_everyone": false, "mentions": []any{}, "mention_roles": []any{},
		"attachments": []any{}, "embeds": []any{}, "components": []any{},
		"pinned": false, "type": 0, "flags": 0,
	}
}

// ButtonClick builds the INTERACTION_CREATE of a click on a button (component_type 2) of
// message messageID.
func ButtonClick(inv Invoker, channelID, messageID, customID string) map[string]any {
	it := Interaction(3, inv, channelID, map[string]any{"custom_id": customID, "component_type": 2})
	it["message"] = componentMessage(messageID, channelID)
	return it
}

// SelectMenu builds the INTERACTION_CREATE of a string select menu (component_type 3) of
// message messageID submitted with values.
func SelectMenu(inv Invoker, channelID, messageID, customID string, values ...string) map[string]any {
	if values == nil {
		values = []string{}
	}
	it := Interaction(3, inv, channelID, map[string]any{"custom_id": customID, "component_type": 3, "values": values})
	it["message"] = componentMessage(messageID, channelID)
	return it
}

// TextField is the submitted value of a text input of a modal.
type TextField struct {
	CustomID string
	Value    string
}

// ModalSubmit builds the INTERACTION_CREATE of a modal submit (type 5): data.custom_id and
// one action row per text input. For a modal opened from a component, set
// it["message"] = map[string]any{"id": messageID} (Dispatch fills in the stored message and
// then allows UPDATE_MESSAGE / DEFERRED_UPDATE_MESSAGE responses).
func ModalSubmit(inv Invoker, channelID, customID string, fields ...TextField) map[string]any {
	rows := []any{}
	for _, f := range fields {
		rows = append(rows, map[string]any{
			"type":       1,
			"components": []any{map[string]any{"type": 4, "custom_id": f.CustomID, "value": f.Value}},
		})
	}
	return Interaction(5, inv, channelID, map[string]any{"custom_id": customID, "components": rows})
}
