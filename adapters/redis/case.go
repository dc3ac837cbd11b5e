package redis

import (
	"cmp"
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

// CaseStore keeps cases, their owner and VIN indexes, the status sets and the audit streams.
// Every change of status goes through one script (case_transition.lua).
type CaseStore struct {
	rdb  goredis.UniversalClient
	keys Keys
}

var _ bot.CaseStore = (*CaseStore)(nil)

// NewCaseStore returns a case store over rdb.
func NewCaseStore(rdb goredis.UniversalClient, cfg Config) *CaseStore {
	return &CaseStore{rdb: rdb, keys: NewKeys(cfg.withDefaults().Tenant)}
}

// caseDoc is the part of a case that no script reads or writes, kept as one JSON field.
type caseDoc struct {
	OwnerName string       `json:"owner_name"`
	Answers   []bot.Answer `json:"answers"`
	Summary   bot.Summary  `json:"summary"`
	CreatedAt time.Time    `json:"created_at"`
}

// Create stores c as a new open case with the next id (ESC-1001, ESC-1002, ...). When the owner
// or the VIN already has an open case it stores nothing and returns that case with
// ErrOwnerHasOpenCase or ErrVINHasOpenCase.
func (s *CaseStore) Create(ctx context.Context, c bot.Case) (bot.Case, error) {
	if c.Owner == "" {
		return bot.Case{}, errors.New("create case: no owner")
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	created := c.CreatedAt.UnixMilli()
	c.Status = bot.StatusOpen
	c.UpdatedAt = time.UnixMilli(created).UTC()
	c.ClaimedBy, c.ClaimedByName, c.ClaimedAt = "", "", time.Time{}
	c.Note, c.EndedAt, c.EndedBy = "", time.Time{}, ""
	c.Messages, c.LastExec = 0, time.Time{}

	doc, err := json.Marshal(caseDoc{OwnerName: c.OwnerName, Answers: c.Answers, Summary: c.Summary, CreatedAt: c.CreatedAt})
	if err != nil {
		return bot.Case{}, fmt.Errorf("create case for %s: %w", c.Owner, err)
	}
	posts := []byte("[]") // never "null": case_post.lua appends to it
	if len(c.Posts) > 0 {
		if posts, err = json.Marshal(c.Posts); err != nil {
			return bot.Case{}, fmt.Errorf("create case for %s: %w", c.Owner, err)
		}
	}
	keys := []string{s.keys.Seq(), s.keys.Status(bot.StatusOpen), s.keys.Owner(c.Owner)}
	if c.VIN != "" {
		keys = append(keys, s.keys.VIN(c.VIN))
	}
	reply, err := caseCreate.Run(ctx, s.rdb, keys,
		s.keys.Prefix(), string(c.Owner), c.VIN, created, doc, posts, c.OwnerName).StringSlice()
	if err != nil {
		return bot.Case{}, fmt.Errorf("create case for %s: %w", c.Owner, err)
	}
	if len(reply) != 2 {
		return bot.Case{}, fmt.Errorf("create case for %s: unexpected reply %q", c.Owner, reply)
	}
	switch outcome, id := reply[0], reply[1]; outcome {
	case "ok":
		c.ID = id
		return c, nil
	case "owner":
		return s.existing(ctx, id, fmt.Errorf("create case for %s: the owner has open case %s: %w", c.Owner, id, bot.ErrOwnerHasOpenCase))
	case "vin":
		return s.existing(ctx, id, fmt.Errorf("create case for %s: VIN %s has open case %s: %w", c.Owner, c.VIN, id, bot.ErrVINHasOpenCase))
	default:
		return bot.Case{}, fmt.Errorf("create case for %s: unexpected reply %q", c.Owner, reply)
	}
}

// existing returns the case that refused an operation, together with the refusal.
func (s *CaseStore) existing(ctx context.Context, id string, refusal error) (bot.Case, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return bot.Case{}, fmt.Errorf("%w (reading %s: %v)", refusal, id, err)
	}
	return c, refusal
}

// Get returns the case or ErrNotFound.
func (s *CaseStore) Get(ctx context.Context, id string) (bot.Case, error) {
	h, err := s.rdb.HGetAll(ctx, s.keys.Case(id)).Result()
	if err != nil {
		return bot.Case{}, fmt.Errorf("get case %s: %w", id, err)
	}
	if len(h) == 0 {
		return bot.Case{}, fmt.Errorf("get case %s: %w", id, bot.ErrNotFound)
	}
	c, err := decodeCase(id, h)
	if err != nil {
		return bot.Case{}, fmt.Errorf("get case %s: %w", id, err)
	}
	return c, nil
}

// Transition moves the case from one of t.From to t.To and appends the audit entry, atomically.
// It returns the updated case, or the unchanged case with ErrWrongStatus when the case is in
// another status; a reopen that would give the owner (or the VIN) a second open case returns
// ErrOwnerHasOpenCase (or ErrVINHasOpenCase) with the other case's id in the message.
func (s *CaseStore) Transition(ctx context.Context, id string, t bot.Transition) (bot.Case, error) {
	action := cmp.Or(t.Action, string(t.To))
	if !validStatus(t.To) {
		return bot.Case{}, fmt.Errorf("%s %s: unknown status %q", action, id, t.To)
	}
	from := make([]string, 0, len(t.From))
	for _, st := range t.From {
		if !validStatus(st) {
			return bot.Case{}, fmt.Errorf("%s %s: unknown status %q", action, id, st)
		}
		from = append(from, string(st))
	}
	if len(from) == 0 {
		return bot.Case{}, fmt.Errorf("%s %s: no status to move from", action, id)
	}
	at := t.At
	if at.IsZero() {
		at = time.Now()
	}
	claimer, claimerName := t.Claimer, t.ClaimerName
	if t.To == bot.StatusClaimed && claimer == "" {
		claimer, claimerName = t.Actor, t.Name
	}
	text := t.Note
	if text == "" && t.To == bot.StatusClaimed && claimer != t.Actor {
		text = "assigned to " + cmp.Or(claimerName, string(claimer))
	}

	keys := []string{s.keys.Case(id), s.keys.Audit(id),
		s.keys.Status(bot.StatusOpen), s.keys.Status(bot.StatusClaimed),
		s.keys.Status(bot.StatusResolved), s.keys.Status(bot.StatusClosed)}
	reply, err := caseTransition.Run(ctx, s.rdb, keys,
		s.keys.Prefix(), id, strings.Join(from, ","), string(t.To), at.UnixMilli(),
		string(t.Actor), t.Name, string(claimer), claimerName, t.Note, action, text).StringSlice()
	if err != nil {
		return bot.Case{}, fmt.Errorf("%s %s: %w", action, id, err)
	}
	switch reply[0] {
	case "ok":
		c, err := decodeCase(id, pairs(reply[1:]))
		if err != nil {
			return bot.Case{}, fmt.Errorf("%s %s: %w", action, id, err)
		}
		return c, nil
	case "wrong":
		c, err := decodeCase(id, pairs(reply[1:]))
		if err != nil {
			return bot.Case{}, fmt.Errorf("%s %s: %w", action, id, err)
		}
		return c, fmt.Errorf("%s %s: %s: %w", action, id, describe(c), bot.ErrWrongStatus)
	case "owner":
		return s.existing(ctx, id, fmt.Errorf("%s %s: the owner has open case %s: %w", action, id, reply[1], bot.ErrOwnerHasOpenCase))
	case "vin":
		return s.existing(ctx, id, fmt.Errorf("%s %s: the VIN has open case %s: %w", action, id, reply[1], bot.ErrVINHasOpenCase))
	case "missing":
		return bot.Case{}, fmt.Errorf("%s %s: %w", action, id, bot.ErrNotFound)
	default:
		return bot.Case{}, fmt.Errorf("%s %s: unexpected reply %q", action, id, reply)
	}
}

// describe says where a case stands, for errors: "case is claimed by Dana (slack:T1:U2)".
func describe(c bot.Case) string {
	if c.Status == bot.StatusClaimed && c.ClaimedByName != "" {
		return fmt.Sprintf("case is claimed by %s (%s)", c.ClaimedByName, c.ClaimedBy)
	}
	if c.Status == bot.StatusClaimed {
		return fmt.Sprintf("case is claimed by %s", c.ClaimedBy)
	}
	return "case is " + string(c.Status)
}

// List returns the cases with one of the statuses (every status when none is given), the most
// recent to enter its status first, at most limit of them (all when limit <= 0).
func (s *CaseStore) List(ctx context.Context, limit int, statuses ...bot.Status) ([]bot.Case, error) {
	if len(statuses) == 0 {
		statuses = allStatuses()
	}
	statuses = slices.Compact(slices.Sorted(slices.Values(statuses)))
	stop := int64(limit - 1)
	if limit <= 0 {
		stop = -1
	}
	ranges := make([]*goredis.ZSliceCmd, 0, len(statuses))
	_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, st := range statuses {
			if !validStatus(st) {
				return fmt.Errorf("unknown status %q", st)
			}
			ranges = append(ranges, p.ZRevRangeWithScores(ctx, s.keys.Status(st), 0, stop))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list cases %v: %w", statuses, err)
	}
	var entries []goredis.Z
	for _, r := range ranges {
		entries = append(entries, r.Val()...)
	}
	slices.SortFunc(entries, func(a, b goredis.Z) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(caseNumber(b.Member), caseNumber(a.Member)))
	})
	if limit > 0 && len(entries) > limit {
		entries = entries[:limit]
	}
	if len(entries) == 0 {
		return []bot.Case{}, nil
	}

	hashes := make([]*goredis.MapStringStringCmd, len(entries))
	_, err = s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, e := range entries {
			hashes[i] = p.HGetAll(ctx, s.keys.Case(e.Member.(string)))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list cases %v: %w", statuses, err)
	}
	cases := make([]bot.Case, 0, len(entries))
	for i, e := range entries {
		h := hashes[i].Val()
		if len(h) == 0 {
			continue // removed between the two reads
		}
		c, err := decodeCase(e.Member.(string), h)
		if err != nil {
			return nil, fmt.Errorf("list cases: %s: %w", e.Member, err)
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// caseNumber is the n of ESC-n, for ordering cases that entered a status in the same ms.
func caseNumber(member any) int {
	id, _ := member.(string)
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "ESC-"))
	return n
}

func allStatuses() []bot.Status { return statuses[:] }

// OpenCaseOf returns the id of the owner's open case, or "".
func (s *CaseStore) OpenCaseOf(ctx context.Context, owner bot.Identity) (string, error) {
	id, err := s.rdb.Get(ctx, s.keys.Owner(owner)).Result()
	if errors.Is(err, goredis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("open case of %s: %w", owner, err)
	}
	return id, nil
}

// AddPost records where the card was posted. Posting again to a channel replaces its ref.
func (s *CaseStore) AddPost(ctx context.Context, id string, p bot.Post) error {
	n, err := casePost.Run(ctx, s.rdb, []string{s.keys.Case(id)}, p.Channel, p.Ref).Int()
	if err != nil {
		return fmt.Errorf("add post of %s in %s: %w", id, p.Channel, err)
	}
	if n == 0 {
		return fmt.Errorf("add post of %s in %s: %w", id, p.Channel, bot.ErrNotFound)
	}
	return nil
}

// AddAudit appends e to the case's history; owner_message and exec_message also count as
// relayed messages, and exec_message sets LastExec.
func (s *CaseStore) AddAudit(ctx context.Context, id string, e bot.AuditEntry) error {
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	err := caseAudit.Run(ctx, s.rdb, []string{s.keys.Case(id), s.keys.Audit(id)},
		at.UnixMilli(), string(e.Actor), e.Name, e.Action, e.Text).Err()
	if errors.Is(err, goredis.Nil) {
		return fmt.Errorf("audit %s of %s: %w", e.Action, id, bot.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("audit %s of %s: %w", e.Action, id, err)
	}
	return nil
}

// Audit returns the case's history, oldest first.
func (s *CaseStore) Audit(ctx context.Context, id string) ([]bot.AuditEntry, error) {
	msgs, err := s.rdb.XRange(ctx, s.keys.Audit(id), "-", "+").Result()
	if err != nil {
		return nil, fmt.Errorf("audit of %s: %w", id, err)
	}
	if len(msgs) == 0 {
		// Every case has its "created" entry, so an empty stream means no case.
		return nil, fmt.Errorf("audit of %s: %w", id, bot.ErrNotFound)
	}
	entries := make([]bot.AuditEntry, 0, len(msgs))
	for _, m := range msgs {
		field := func(name string) string { v, _ := m.Values[name].(string); return v }
		entries = append(entries, bot.AuditEntry{
			ID:     m.ID,
			At:     msTime(field("at")),
			Actor:  bot.Identity(field("actor")),
			Name:   field("name"),
			Action: field("action"),
			Text:   field("text"),
		})
	}
	return entries, nil
}

// Stats counts the cases by status.
func (s *CaseStore) Stats(ctx context.Context) (bot.Stats, error) {
	counts := make([]*goredis.IntCmd, len(statuses))
	_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, st := range statuses {
			counts[i] = p.ZCard(ctx, s.keys.Status(st))
		}
		return nil
	})
	if err != nil {
		return bot.Stats{}, fmt.Errorf("case stats: %w", err)
	}
	st := bot.Stats{
		Open:     counts[0].Val(),
		Claimed:  counts[1].Val(),
		Resolved: counts[2].Val(),
		Closed:   counts[3].Val(),
	}
	st.Total = st.Open + st.Claimed + st.Resolved + st.Closed
	return st, nil
}

// pairs turns a flat HGETALL reply into a map.
func pairs(flat []string) map[string]string {
	h := make(map[string]string, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		h[flat[i]] = flat[i+1]
	}
	return h
}

// decodeCase builds a case from its hash.
func decodeCase(id string, h map[string]string) (bot.Case, error) {
	c := bot.Case{
		ID:            id,
		Status:        bot.Status(h["status"]),
		Owner:         bot.Identity(h["owner"]),
		VIN:           h["vin"],
		UpdatedAt:     msTime(h["updated_at"]),
		ClaimedBy:     bot.Identity(h["claimed_by"]),
		ClaimedByName: h["claimed_by_name"],
		ClaimedAt:     msTime(h["claimed_at"]),
		Note:          h["note"],
		EndedAt:       msTime(h["ended_at"]),
		EndedBy:       bot.Identity(h["ended_by"]),
		LastExec:      msTime(h["last_exec"]),
	}
	if m := h["messages"]; m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			return bot.Case{}, fmt.Errorf("messages %q: %w", m, err)
		}
		c.Messages = n
	}
	// Lua's cjson writes an empty table as {}, never as [].
	if p := h["posts"]; p != "" && p != "[]" && p != "{}" {
		if err := json.Unmarshal([]byte(p), &c.Posts); err != nil {
			return bot.Case{}, fmt.Errorf("posts: %w", err)
		}
	}
	if d := h["doc"]; d != "" {
		var doc caseDoc
		if err := json.Unmarshal([]byte(d), &doc); err != nil {
			return bot.Case{}, fmt.Errorf("doc: %w", err)
		}
		c.OwnerName, c.Answers, c.Summary, c.CreatedAt = doc.OwnerName, doc.Answers, doc.Summary, doc.CreatedAt
	}
	return c, nil
}

// msTime reads a Unix ms field, in UTC; empty or 0 is the zero time.
func msTime(ms string) time.Time {
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}
