package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/bot"
)

// Eraser erases personal data: per case in one script (case_erase.lua), and a person's
// session, dialogue and due items in another (person_erase.lua).
type Eraser struct {
	rdb  goredis.UniversalClient
	keys Keys
	cfg  Config
}

var _ bot.Eraser = (*Eraser)(nil)

// NewEraser returns an eraser over rdb.
func NewEraser(rdb goredis.UniversalClient, cfg Config) *Eraser {
	cfg = cfg.withDefaults()
	return &Eraser{rdb: rdb, keys: NewKeys(cfg.Tenant), cfg: cfg}
}

// eraseBatch is how many case hashes CasesOf reads in one round trip.
const eraseBatch = 500

// CasesOf returns the cases the person owns or watches. No index names them all (the owner
// index holds the open case only), so it reads every case's owner and watchers, a batch per
// round trip: O(cases), for a command moderators run rarely.
func (e *Eraser) CasesOf(ctx context.Context, who bot.Identity) ([]string, error) {
	var ids []string
	for _, st := range statuses {
		members, err := e.rdb.ZRange(ctx, e.keys.Status(st), 0, -1).Result()
		if err != nil {
			return nil, fmt.Errorf("cases of a person: %w", err)
		}
		ids = append(ids, members...)
	}
	var out []string
	for batch := range slices.Chunk(ids, eraseBatch) {
		cmds := make([]*goredis.SliceCmd, len(batch))
		_, err := e.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for i, id := range batch {
				cmds[i] = p.HMGet(ctx, e.keys.Case(id), "owner", "watchers")
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("cases of a person: %w", err)
		}
		for i, cmd := range cmds {
			vals := cmd.Val()
			owner, _ := vals[0].(string)
			watchers, _ := vals[1].(string)
			if owner == string(who) || watches(watchers, who) {
				out = append(out, batch[i])
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return caseNumber(a) - caseNumber(b) })
	return slices.Compact(out), nil
}

func watches(raw string, who bot.Identity) bool {
	if raw == "" || raw == "[]" || raw == "{}" {
		return false
	}
	var ws []bot.Identity
	return json.Unmarshal([]byte(raw), &ws) == nil && slices.Contains(ws, who)
}

// Ended returns the resolved and closed cases that ended before t (the score of their status
// set is when they entered it) and have not been erased, a batch of checks per round trip.
func (e *Eraser) Ended(ctx context.Context, before time.Time) ([]string, error) {
	var ids []string
	for _, st := range []bot.Status{bot.StatusResolved, bot.StatusClosed} {
		members, err := e.rdb.ZRangeByScore(ctx, e.keys.Status(st), &goredis.ZRangeBy{
			Min: "-inf", Max: strconv.FormatInt(before.UnixMilli(), 10)}).Result()
		if err != nil {
			return nil, fmt.Errorf("ended cases: %w", err)
		}
		ids = append(ids, members...)
	}
	var out []string
	for batch := range slices.Chunk(ids, eraseBatch) {
		cmds := make([]*goredis.BoolCmd, len(batch))
		_, err := e.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for i, id := range batch {
				cmds[i] = p.HExists(ctx, e.keys.Case(id), "erased_at")
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("ended cases: %w", err)
		}
		for i, cmd := range cmds {
			if !cmd.Val() {
				out = append(out, batch[i])
			}
		}
	}
	return out, nil
}

// EraseCase erases personal data from the case; see case_erase.lua.
func (e *Eraser) EraseCase(ctx context.Context, id string, who bot.Identity, entry bot.AuditEntry) (bot.Case, error) {
	keys := []string{e.keys.Case(id), e.keys.Audit(id), e.keys.Due(), e.keys.Outbox(id), e.keys.Transcript(id),
		e.keys.Status(bot.StatusOpen), e.keys.Status(bot.StatusClaimed), e.keys.Status(bot.StatusClosed)}
	ref, dueAt, member := outbox(entry.FollowUp)
	reply, err := caseErase.Run(ctx, e.rdb, keys, e.keys.Prefix(), id, string(who), entry.At.UnixMilli(),
		string(entry.Actor), entry.Name, entry.Text, ref, dueAt, member, bot.ErasedName).StringSlice()
	if err != nil {
		return bot.Case{}, fmt.Errorf("erase %s: %w", id, err)
	}
	switch reply[0] {
	case "ok":
		c, err := decodeCase(id, pairs(reply[1:]))
		if err != nil {
			return bot.Case{}, fmt.Errorf("erase %s: %w", id, err)
		}
		return c, nil
	case "missing":
		return bot.Case{}, fmt.Errorf("erase %s: %w", id, bot.ErrNotFound)
	case "erased":
		return bot.Case{}, fmt.Errorf("erase %s: %w", id, bot.ErrErased)
	default:
		return bot.Case{}, fmt.Errorf("erase %s: unexpected reply %q", id, reply)
	}
}

// ErasePerson deletes the person's session, dialogue, open-case index, rate counter,
// verified VINs, files and registration photos, and
// takes them out of the due queue: a card-post check loses its owner (it only recovers a
// submission that never became a case), and the messages a delivery notes as sent lose the
// person's identity (the erased case sends them nothing any more).
func (e *Eraser) ErasePerson(ctx context.Context, who bot.Identity, eventID string) error {
	members, err := e.rdb.ZRange(ctx, e.keys.Due(), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("erase a person: due items: %w", err)
	}
	args := []any{e.cfg.DedupeTTL.Milliseconds()}
	for _, m := range members {
		var d dueMember
		if json.Unmarshal([]byte(m), &d) != nil {
			continue
		}
		item := bot.DueItem{Kind: d.Kind, CaseID: d.CaseID, Owner: d.Owner, Attempt: d.Attempt, Ref: d.Ref, Sent: d.Sent}
		if item.Owner == who {
			item.Owner = ""
		}
		for i, s := range item.Sent {
			item.Sent[i] = strings.ReplaceAll(s, string(who), "erased")
		}
		if next := encodeDue(item); next != m {
			args = append(args, m, next)
		}
	}
	keys := []string{e.keys.Conv(who), e.keys.Dialogue(who), e.keys.Owner(who), e.keys.Rate(who), e.keys.Due(), e.keys.Owns(who)}
	if eventID != "" {
		keys = append(keys, e.keys.Seen(eventID))
	}
	if err := personErase.Run(ctx, e.rdb, keys, args...).Err(); err != nil {
		return fmt.Errorf("erase a person: %w", err)
	}
	if err := e.dropMarks(ctx, who); err != nil {
		return err
	}
	if err := e.dropFiles(ctx, who); err != nil {
		return err
	}
	return e.dropProofs(ctx, who)
}

// dropProofs deletes the registration photos the person sent (esc:{t}:proof:<id>, whose doc
// names them as owner), waiting or decided, and takes them off the list of those waiting. It
// scans the tenant's proofs, without blocking the server.
func (e *Eraser) dropProofs(ctx context.Context, who bot.Identity) error {
	err := e.eachNode(ctx, func(ctx context.Context, node goredis.Cmdable) error {
		return ownProofs(ctx, node, e.keys, who, func(key string, p bot.Proof) error {
			if err := node.ZRem(ctx, e.keys.Proofs(), p.ID).Err(); err != nil {
				return err
			}
			return node.Unlink(ctx, key).Err()
		})
	})
	if err != nil {
		return fmt.Errorf("erase a person's registration photos: %w", err)
	}
	return nil
}

// dropFiles deletes the files the person sent (esc:{t}:file:<id>, whose owner field is theirs),
// on every case and in a session alike. It scans the tenant's files, without blocking the server.
func (e *Eraser) dropFiles(ctx context.Context, who bot.Identity) error {
	return e.eachNode(ctx, func(ctx context.Context, node goredis.Cmdable) error {
		iter := node.Scan(ctx, 0, e.keys.Prefix()+"file:*", 1000).Iterator()
		for iter.Next(ctx) {
			owner, err := node.HGet(ctx, iter.Val(), "owner").Result()
			if errors.Is(err, goredis.Nil) || err == nil && owner != string(who) {
				continue
			}
			if err != nil {
				return fmt.Errorf("erase a person's files: %w", err)
			}
			if err := node.Unlink(ctx, iter.Val()).Err(); err != nil {
				return fmt.Errorf("erase a person's files: %w", err)
			}
		}
		if err := iter.Err(); err != nil {
			return fmt.Errorf("erase a person's files: %w", err)
		}
		return nil
	})
}

// eachNode runs fn on the one server, or on each master of a Cluster: the tenant's keys share a
// hash tag, so one master holds them, and scanning each needs no knowledge of which.
func (e *Eraser) eachNode(ctx context.Context, fn func(context.Context, goredis.Cmdable) error) error {
	return eachMaster(ctx, e.rdb, fn)
}

// eachMaster runs fn on the one server rdb is, or on each master of a Cluster.
func eachMaster(ctx context.Context, rdb goredis.UniversalClient, fn func(context.Context, goredis.Cmdable) error) error {
	if c, ok := rdb.(*goredis.ClusterClient); ok {
		return c.ForEachMaster(ctx, func(ctx context.Context, node *goredis.Client) error { return fn(ctx, node) })
	}
	return fn(ctx, rdb)
}

// dropMarks deletes the dedupe marks named after deliveries to the person
// ("seen:dialogue:told:<case>/<ref>/dm:<identity>"): they hold nothing but "1" and expire
// after Config.DedupeTTL, but their names carry the identity. It scans the tenant's marks,
// without blocking the server.
func (e *Eraser) dropMarks(ctx context.Context, who bot.Identity) error {
	pattern := e.keys.Prefix() + "seen:*" + globEscape(string(who)) + "*"
	return e.eachNode(ctx, func(ctx context.Context, node goredis.Cmdable) error {
		return unlinkMatching(ctx, node, pattern)
	})
}

// unlinkMatching unlinks the keys of one node that match pattern, a batch at a time.
func unlinkMatching(ctx context.Context, rdb goredis.Cmdable, pattern string) error {
	iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := rdb.Unlink(ctx, batch...).Err()
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == eraseBatch {
			if err := flush(); err != nil {
				return fmt.Errorf("erase a person's marks: %w", err)
			}
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("erase a person's marks: %w", err)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("erase a person's marks: %w", err)
	}
	return nil
}

// globEscape quotes the characters SCAN's MATCH reads as a pattern.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
