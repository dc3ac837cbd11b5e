package discord

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"escalation-bot/bot"

	"github.com/bwmarrin/discordgo"
)

// The application commands.
const (
	escalateCommand = "escalate"
	inviteCommand   = "Escalate for this member" // a message context-menu command
	// Discord's command and option limits.
	maxCommandOptions = 25
	maxDescription    = 100
	maxChoices        = 25
)

// escalationsCommand is the moderators' slash command, /escalations.
var escalationsCommand = strings.TrimPrefix(bot.CommandPrefix, "/")

// commandName is what Discord accepts as a slash command, sub-command or option name.
var commandName = regexp.MustCompile(`^[-_\p{Ll}\p{N}]{1,32}$`)

// registerCommands writes the commands with one bulk overwrite per scope: to each configured
// server (visible at once), else globally. Overwriting is idempotent, so every start (and
// every replica) may do it; commands of an older version disappear. With servers configured
// the global commands are overwritten with none, so that those of an earlier run without
// DISCORD_GUILD_IDS do not linger in every server the bot is in.
func (a *Adapter) registerCommands(ctx context.Context) error {
	if err := a.overwriteCommands(ctx); err != nil {
		return err
	}
	if len(a.cfg.GuildIDs) == 0 {
		return nil
	}
	app := a.appID.Load().(string)
	if _, err := a.dg.ApplicationCommandBulkOverwrite(app, "", []*discordgo.ApplicationCommand{}, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: could not remove the global commands (the servers of DISCORD_GUILD_IDS have their own): %w", err)
	}
	return nil
}

func (a *Adapter) overwriteCommands(ctx context.Context) error {
	app := a.appID.Load().(string)
	scopes := a.cfg.GuildIDs
	if len(scopes) == 0 {
		scopes = []string{""}
	}
	for _, guild := range scopes {
		cmds := applicationCommands(a.svc.Commands(), guild == "", a.log.Warn)
		if _, err := a.dg.ApplicationCommandBulkOverwrite(app, guild, cmds, discordgo.WithContext(ctx)); err != nil {
			where := "globally"
			if guild != "" {
				where = "in server " + guild
			}
			return fmt.Errorf("discord: could not register the commands %s (the bot must be invited with the applications.commands scope): %w", where, err)
		}
	}
	return nil
}

// applicationCommands derives the commands from the core's command table: /escalations has
// one sub-command per entry, with one string option per argument. global adds where the
// commands may be used, which Discord reads for global commands only. warn reports table
// entries Discord cannot take.
func applicationCommands(table []bot.Command, global bool, warn func(string, ...any)) []*discordgo.ApplicationCommand {
	manage := int64(discordgo.PermissionManageGuild)
	escalate := &discordgo.ApplicationCommand{
		Name:        escalateCommand,
		Type:        discordgo.ChatApplicationCommand,
		Description: "Bring a vehicle problem to the executive escalation line, in a private conversation",
	}
	escalations := &discordgo.ApplicationCommand{
		Name:        escalationsCommand,
		Type:        discordgo.ChatApplicationCommand,
		Description: "Run the executive escalation line (moderators)",
		// Hidden from members without Manage Server unless a server admin allows more roles
		// (Server Settings → Integrations); the core checks the moderator list on every use.
		DefaultMemberPermissions: &manage,
		Options:                  subCommands(table, warn),
	}
	invite := &discordgo.ApplicationCommand{
		Name:                     inviteCommand,
		Type:                     discordgo.MessageApplicationCommand,
		DefaultMemberPermissions: &manage,
	}
	if global {
		guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
		anywhere := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
		installs := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
		escalate.Contexts, escalate.IntegrationTypes = &anywhere, &installs
		escalations.Contexts, escalations.IntegrationTypes = &guildOnly, &installs
		invite.Contexts, invite.IntegrationTypes = &guildOnly, &installs
	}
	return []*discordgo.ApplicationCommand{escalate, escalations, invite}
}

// subCommands is one sub-command per table entry. Discord wants required options before
// optional ones; the command line is rebuilt in the table's order, so the order here is free.
func subCommands(table []bot.Command, warn func(string, ...any)) []*discordgo.ApplicationCommandOption {
	var subs []*discordgo.ApplicationCommandOption
	for _, c := range table {
		name := strings.ToLower(c.Name)
		if !commandName.MatchString(name) || len(subs) == maxCommandOptions {
			warn("moderator command not offered on Discord", "command", c.Name)
			continue
		}
		sub := &discordgo.ApplicationCommandOption{
			Type:        discordgo.ApplicationCommandOptionSubCommand,
			Name:        name,
			Description: description(c.Help, c.Name),
		}
		args := slices.Clone(c.Args)
		slices.SortStableFunc(args, func(x, y bot.Arg) int {
			switch {
			case x.Required == y.Required:
				return 0
			case x.Required:
				return -1
			}
			return 1
		})
		for _, arg := range args {
			aname := strings.ToLower(arg.Name)
			if !commandName.MatchString(aname) || len(sub.Options) == maxCommandOptions {
				warn("moderator command argument not offered on Discord", "command", c.Name, "argument", arg.Name)
				continue
			}
			opt := &discordgo.ApplicationCommandOption{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        aname,
				Description: description(arg.Help, arg.Name),
				Required:    arg.Required,
			}
			for _, ch := range arg.Choices[:min(len(arg.Choices), maxChoices)] {
				opt.Choices = append(opt.Choices, &discordgo.ApplicationCommandOptionChoice{Name: fit(ch, 100), Value: fit(ch, 100)})
			}
			sub.Options = append(sub.Options, opt)
		}
		subs = append(subs, sub)
	}
	return subs
}

func description(help, name string) string {
	if help = strings.TrimSpace(help); help == "" {
		help = name
	}
	return fit(help, maxDescription)
}

// commandLine rebuilds "/escalations <sub> <args…>" from the options, in the table's order,
// for the core to parse as if typed. A user option's mention (<@123>, <@!123>) or bare user id
// becomes the identity discord:<id> here, so the core never reads Discord's syntax; anything
// else is passed on for the core to judge. An option that takes one word but holds several
// is refused: joined into the line, its words would be read as the next options.
func commandLine(table []bot.Command, data discordgo.ApplicationCommandInteractionData) (string, error) {
	if len(data.Options) == 0 || data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		return bot.CommandPrefix + " help", nil
	}
	sub := data.Options[0]
	parts := []string{bot.CommandPrefix, sub.Name}
	i := slices.IndexFunc(table, func(c bot.Command) bool { return strings.EqualFold(c.Name, sub.Name) })
	if i < 0 {
		return strings.Join(parts, " "), nil // the core says it does not know it
	}
	for _, arg := range table[i].Args {
		o := sub.GetOption(strings.ToLower(arg.Name))
		if o == nil {
			continue
		}
		v := strings.TrimSpace(optionText(o.Value))
		switch {
		case v == "":
			continue
		case !arg.Rest && len(strings.Fields(v)) > 1:
			return "", bot.Errorf(bot.CodeInvalid, "The %s option takes one word, not %q.", arg.Name, bot.Truncate(v, 40))
		case arg.Kind == bot.ArgUser:
			v = resolveUser(v)
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, " "), nil
}

// userMention is a Discord user mention, <@123> or the older nickname form <@!123>.
var userMention = regexp.MustCompile(`^<@!?([0-9]+)>$`)

// resolveUser turns a user mention or a bare user id into the core's identity; anything else
// is returned as it is.
func resolveUser(v string) string {
	if m := userMention.FindStringSubmatch(v); m != nil {
		return string(identity(m[1]))
	}
	if strings.Trim(v, "0123456789") == "" {
		return string(identity(v))
	}
	return v
}

func optionText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}
