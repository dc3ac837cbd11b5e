package web

import (
	"context"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// core is what the playground calls of the core (*bot.Service, wired by Module): the owner's
// turns, the executives' buttons and commands, and what the page reads back (cards, threads,
// dialogues, files, ownership proofs).
type core interface {
	HandleOwner(ctx context.Context, ev bot.OwnerEvent) ([]conversation.Reply, error)
	SubmitProof(ctx context.Context, owner bot.Identity, name string, photo bot.File) ([]conversation.Reply, error)
	RunCaseAction(ctx context.Context, a bot.Actor, action, id, text, eventID string) (bot.Card, error)
	DecideProof(ctx context.Context, a bot.Actor, id string, approve bool) (string, error)
	Run(ctx context.Context, a bot.Actor, line string) (bot.CommandAnswer, error)
	Export(ctx context.Context, a bot.Actor, id string) (bot.Transcript, error)
	Cards(ctx context.Context, limit int) ([]bot.Card, error)
	Thread(ctx context.Context, id string) ([]bot.ThreadMessage, error)
	Threads(ctx context.Context, ids []string) (map[string][]bot.ThreadMessage, error)
	Dialogue(ctx context.Context, owner bot.Identity) ([]bot.Line, error)
	File(ctx context.Context, id string) (bot.Attachment, error)
	WaitingProofs(ctx context.Context, a bot.Actor) ([]bot.Proof, error)
	ProofPhoto(ctx context.Context, a bot.Actor, id string) (bot.Proof, error)
	Commands() []bot.Command
	Channels() []string
	FileMaxBytes() int64
}
