package discord

import (
	"context"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// core is what the adapter calls of the core (*bot.Service, wired by Module): owners' turns,
// case buttons and modals, thread replies, moderator commands and what the adapter renders
// (the command table, the flow's buttons), and the file limit attachments are fetched within.
type core interface {
	HandleOwner(ctx context.Context, ev bot.OwnerEvent) ([]conversation.Reply, error)
	RunCaseAction(ctx context.Context, a bot.Actor, action, id, text, eventID string) (bot.Card, error)
	AuthorizeCaseAction(ctx context.Context, a bot.Actor, action, id string) error
	ThreadReply(ctx context.Context, a bot.Actor, id, text, eventID, channel string) (bot.Card, error)
	DecideProof(ctx context.Context, a bot.Actor, id string, approve bool) (string, error)
	Card(ctx context.Context, id string) (bot.Card, error)
	Run(ctx context.Context, a bot.Actor, line string) (bot.CommandAnswer, error)
	IsModerator(a bot.Actor) bool
	Commands() []bot.Command
	Channels() []string
	Engine() *conversation.Engine
	FileMaxBytes() int64
}
