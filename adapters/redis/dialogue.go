package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/bot"
)

// Dialogues keeps owners' dialogues as capped lists that expire with the session, and the
// transcripts of cases as lists that do not expire.
type Dialogues struct {
	rdb   goredis.UniversalClient
	keys  Keys
	cfg   Config
	batch *batcher
}

var _ bot.Dialogues = (*Dialogues)(nil)

// NewDialogues returns a dialogue store over rdb.
func NewDialogues(rdb goredis.UniversalClient, cfg Config) *Dialogues {
	cfg = cfg.withDefaults()
	return &Dialogues{rdb: rdb, keys: NewKeys(cfg.Tenant), cfg: cfg, batch: newBatcher(rdb)}
}

// Append adds lines in one round trip (one script); see dialogue_append.lua.
func (d *Dialogues) Append(ctx context.Context, owner bot.Identity, a bot.Appending, lines ...bot.Line) error {
	if len(lines) == 0 {
		return nil
	}
	buf := buffers.Get().(*[]byte)
	k := d.keys.kept(owner, a)
	keys := k[:]
	if a.Key != "" && a.Event != "" {
		// The event's session save may have kept these lines already (see keep_lines).
		keys = append(keys, d.keys.Seen(a.Event))
	}
	args, b, err := keptArgs(make([]any, 0, 9+len(lines)), (*buf)[:0], d.cfg, a, lines, "")
	defer func() { release(buf, b) }()
	if err != nil {
		return fmt.Errorf("append to the dialogue of %s: %w", owner, err)
	}
	if err := d.batch.script(ctx, dialogueAppend, keys, args...).Err(); err != nil {
		return fmt.Errorf("append to the dialogue of %s: %w", owner, err)
	}
	return nil
}

// kept are the keys of keep_lines (dialogue_lines.lua) for lines of owner appended under a.
func (k Keys) kept(owner bot.Identity, a bot.Appending) kept {
	return kept{k.Dialogue(owner), k.SeenDialogue(a.Key), k.Transcript(a.Case)}
}

// kept are the keys of keep_lines.
type kept [3]string

// keptArgs appends to args the arguments of keep_lines (dialogue_lines.lua) for lines
// appended under a. The lines are written to b, which is returned grown; the last arguments
// refer to it, so b must not be reused before the script ran.
//
// saving is the event a session save marks handled, "" for an append of its own: lines that go
// with the save of their own event (a.Event) only look for the key's mark (an append under the
// key before), and write none (see keep_lines).
func keptArgs(args []any, b []byte, cfg Config, a bot.Appending, lines []bot.Line, saving string) ([]any, []byte, error) {
	var keyed, forCase any = "0", "0" // constants: boxed without allocating
	switch {
	case a.Key != "" && saving != "" && a.Event == saving:
		keyed = "2"
	case a.Key != "":
		keyed = "1"
	}
	if a.Case != "" {
		forCase = "1"
	}
	ttl := a.TTL.Milliseconds()
	if a.TTL > 0 && ttl == 0 {
		ttl = 1
	}
	var since any = 0 // read only for a case
	if !a.Since.IsZero() && a.Case != "" {
		since = a.Since.UnixMilli()
	}
	args = append(args, bot.MaxDialogueLines, dialogueTTLArg.of(ttl), dedupeArg.of(cfg.DedupeTTL.Milliseconds()), since, keyed, forCase, len(lines),
		bot.MaxTranscriptLines, bot.TranscriptHead)
	// Each line is an argument of its own, written to b; the arguments are cut from b once it
	// has them all, as b may move while it grows.
	var small [8]int
	ends := append(small[:0], len(b))
	for _, l := range lines {
		l.Text = bot.Truncate(l.Text, bot.MaxDialogueText)
		b = strconv.AppendInt(b, l.At.UnixMilli(), 10)
		b = append(b, ' ')
		var err error
		if b, err = appendLine(b, l); err != nil {
			return nil, b, err
		}
		ends = append(ends, len(b))
	}
	for i := range lines {
		args = append(args, b[ends[i]:ends[i+1]:ends[i+1]])
	}
	return args, b, nil
}

// Read returns the owner's dialogue, oldest first.
func (d *Dialogues) Read(ctx context.Context, owner bot.Identity) ([]bot.Line, error) {
	lines, err := d.read(ctx, d.keys.Dialogue(owner))
	if err != nil {
		return nil, fmt.Errorf("read the dialogue of %s: %w", owner, err)
	}
	return lines, nil
}

// Transcript returns the dialogue kept with case id, oldest first.
func (d *Dialogues) Transcript(ctx context.Context, id string) ([]bot.Line, error) {
	lines, err := d.read(ctx, d.keys.Transcript(id))
	if err != nil {
		return nil, fmt.Errorf("read the transcript of %s: %w", id, err)
	}
	return lines, nil
}

func (d *Dialogues) read(ctx context.Context, key string) ([]bot.Line, error) {
	raw, err := d.rdb.LRange(ctx, key, 0, -1).Result()
	if err != nil {
		return nil, err
	}
	lines := make([]bot.Line, 0, len(raw))
	for _, v := range raw {
		_, data, ok := strings.Cut(v, " ")
		if !ok {
			return nil, fmt.Errorf("malformed line %q", v)
		}
		var l bot.Line
		if err := json.Unmarshal([]byte(data), &l); err != nil {
			return nil, err
		}
		l.At = l.At.In(time.UTC)
		lines = append(lines, l)
	}
	return lines, nil
}
