package redis

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
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
	rdb   goredis.UniversalClient
	keys  Keys
	cfg   Config
	batch *batcher // the submission's commands, with those of other submissions under way
}

var _ bot.CaseStore = (*CaseStore)(nil)

// NewCaseStore returns a case store over rdb.
func NewCaseStore(rdb goredis.UniversalClient, cfg Config) *CaseStore {
	cfg = cfg.withDefaults()
	return &CaseStore{rdb: rdb, keys: NewKeys(cfg.Tenant), cfg: cfg, batch: newBatcher(rdb)}
}

// AuditLimit is the most entries Audit returns: the newest ones.
const AuditLimit = 500

// hookName is the form of a webhook receiver's name, part of a hash field.
var hookName = regexp.MustCompile(`^[a-z0-9]{1,32}$`)

// NextID reserves the next case id (ESC-1001, ESC-1002, ...) without creating the case. A
// reserved id that is never created is a gap in the numbering, nothing more.
func (s *CaseStore) NextID(ctx context.Context) (string, error) {
	n, err := s.batch.command(ctx, "incr", s.keys.Seq()).Int64()
	if err != nil {
		return "", fmt.Errorf("next case id: %w", err)
	}
	return fmt.Sprintf("ESC-%d", 1000+n), nil
}

// caseDoc is the part of a case that no script reads or writes, kept as one JSON field.
type caseDoc struct {
	OwnerName string       `json:"owner_name"`
	Language  string       `json:"language,omitempty"`
	Answers   []bot.Answer `json:"answers"`
	Summary   bot.Summary  `json:"summary"`
	CreatedAt time.Time    `json:"created_at"`
}

// Create stores c as a new open case under c.ID, a reserved id (see NextID); when c.ID is empty
// it reserves the next id first, one more round trip. When case c.ID exists already it returns
// the stored case and no error, so a retried creation is harmless. When the owner or the VIN
// has another open case it stores nothing and returns that case with ErrOwnerHasOpenCase or
// ErrVINHasOpenCase; the reserved id stays unused.
func (s *CaseStore) Create(ctx context.Context, c bot.Case) (bot.Case, error) {
	if c.Owner == "" {
		return bot.Case{}, errors.New("create case: no owner")
	}
	if c.ID != "" && !bot.IsCaseID(c.ID) {
		return bot.Case{}, fmt.Errorf("create case for %s: id %q is not of the form ESC-n", c.Owner, c.ID)
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	created := c.CreatedAt.UnixMilli()
	if c.Status != bot.StatusPending {
		c.Status = bot.StatusOpen
	}
	c.UpdatedAt = time.UnixMilli(created).UTC()
	c.ClaimedBy, c.ClaimedByName, c.ClaimedAt = "", "", time.Time{}
	c.Note, c.EndedAt, c.EndedBy = "", time.Time{}, ""
	c.Messages, c.LastExec = 0, time.Time{}

	doc, err := json.Marshal(caseDoc{OwnerName: c.OwnerName, Language: c.Language, Answers: c.Answers, Summary: c.Summary, CreatedAt: c.CreatedAt})
	if err != nil {
		return bot.Case{}, fmt.Errorf("create case for %s: %w", c.Owner, err)
	}
	// Never "null": case_post.lua and case_audit.lua append to these arrays.
	posts, err := jsonArray(c.Posts)
	if err != nil {
		return bot.Case{}, fmt.Errorf("create case for %s: %w", c.Owner, err)
	}
	watchers, err := jsonArray(c.Watchers)
	if err != nil {
		return bot.Case{}, fmt.Errorf("create case for %s: %w", c.Owner, err)
	}
	if c.ID == "" {
		if c.ID, err = s.NextID(ctx); err != nil {
			return bot.Case{}, fmt.Errorf("create case for %s: %w", c.Owner, err)
		}
	}
	keys := []string{s.keys.Case(c.ID), s.keys.Audit(c.ID), s.keys.Status(c.Status), s.keys.Owner(c.Owner),
		s.keys.Due(), s.keys.Outbox(c.ID)}
	if c.Status == bot.StatusOpen && c.VINIndexed() {
		keys = append(keys, s.keys.VIN(c.VIN))
	}
	ref, dueAt, member := outbox(c.FollowUp)
	hooks := make([]string, 0, len(c.Hooks))
	for name := range c.Hooks {
		if !hookName.MatchString(name) {
			return bot.Case{}, fmt.Errorf("create case %s: receiver name %q is not a short word", c.ID, name)
		}
		hooks = append(hooks, name)
	}
	args, err := json.Marshal(createArgs{
		Prefix: s.keys.Prefix(), ID: c.ID, Owner: string(c.Owner), VIN: c.VIN, At: strconv.FormatInt(created, 10),
		Doc: string(doc), Posts: string(posts), Watchers: string(watchers), Name: c.OwnerName,
		Ref: ref, DueAt: strconv.FormatInt(dueAt, 10), Member: member, Hooks: strings.Join(hooks, ","),
		Pattern: c.Pattern, Status: string(c.Status), Ownership: string(c.Ownership),
	})
	if err != nil {
		return bot.Case{}, fmt.Errorf("create case %s for %s: %w", c.ID, c.Owner, err)
	}
	reply, err := s.batch.script(ctx, caseCreate, keys, args).StringSlice()
	if err != nil {
		return bot.Case{}, fmt.Errorf("create case %s for %s: %w", c.ID, c.Owner, err)
	}
	switch reply[0] {
	case "ok":
		c.FollowUp = nil
		return c, nil
	case "exists":
		stored, err := decodeCase(c.ID, pairs(reply[1:]))
		if err != nil {
			return bot.Case{}, fmt.Errorf("create case %s for %s: %w", c.ID, c.Owner, err)
		}
		return stored, nil
	case "owner":
		id := reply[1]
		return s.existing(ctx, id, fmt.Errorf("create case for %s: the owner has open case %s: %w", c.Owner, id, bot.ErrOwnerHasOpenCase))
	case "vin":
		id := reply[1]
		return s.existing(ctx, id, fmt.Errorf("create case for %s: VIN %s has open case %s: %w", c.Owner, c.VIN, id, bot.ErrVINHasOpenCase))
	default:
		return bot.Case{}, fmt.Errorf("create case %s for %s: unexpected reply %q", c.ID, c.Owner, reply)
	}
}

// outbox is what the case scripts take of a change's outbox item: the ref kept on the audit
// entry, and the due queue's score and member; all empty for none.
func outbox(item *bot.DueItem) (ref string, dueAt int64, member string) {
	if item == nil {
		return "", 0, ""
	}
	return item.Ref, item.At.UnixMilli(), encodeDue(*item)
}

// jsonArray encodes a slice as JSON, empty or nil as [].
func jsonArray[T any](v []T) ([]byte, error) {
	if len(v) == 0 {
		return []byte("[]"), nil
	}
	return json.Marshal(v)
}

// createArgs are case_create.lua's named arguments, all strings (numbers in decimal, JSON as
// its text), so the script stores them as written.
type createArgs struct {
	Prefix    string `json:"prefix"`
	ID        string `json:"id"`
	Owner     string `json:"owner"`
	VIN       string `json:"vin"`
	At        string `json:"at"`
	Doc       string `json:"doc"`
	Posts     string `json:"posts"`
	Watchers  string `json:"watchers"`
	Name      string `json:"name"`
	Ref       string `json:"ref"`
	DueAt     string `json:"due_at"`
	Member    string `json:"member"`
	Hooks     string `json:"hooks"`
	Pattern   string `json:"pattern"`
	Status    string `json:"status"`
	Ownership string `json:"ownership"`
}

// auditArgs are case_audit.lua's named arguments, all strings (numbers in decimal).
type auditArgs struct {
	Prefix string `json:"prefix"`
	ID     string `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Name   string `json:"name"`
	Action string `json:"action"`
	Text   string `json:"text"`
	Event  string `json:"event"`
	SeenMS string `json:"seen_ms"`
	Ref    string `json:"ref"`
	DueAt  string `json:"due_at"`
	Member string `json:"member"`
	Via    string `json:"via"`
	File   string `json:"file"`
	VIN    string `json:"vin"`
}

// transitionArgs are case_transition.lua's named arguments, all strings (numbers in decimal),
// so the script reads them as written.
type transitionArgs struct {
	Prefix      string `json:"prefix"`
	ID          string `json:"id"`
	From        string `json:"from"`
	To          string `json:"to"`
	At          string `json:"at"`
	Actor       string `json:"actor"`
	Name        string `json:"name"`
	Claimer     string `json:"claimer"`
	ClaimerName string `json:"claimer_name"`
	Note        string `json:"note"`
	Action      string `json:"action"`
	Text        string `json:"text"`
	Owner       string `json:"owner"`
	VIN         string `json:"vin"`
	OnlyClaimer string `json:"only_claimer"`
	Ref         string `json:"ref"`
	DueAt       string `json:"due_at"`
	Member      string `json:"member"`
	Event       string `json:"event"`
	SeenMS      string `json:"seen_ms"`
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
// another status, or with ErrNotClaimer when t.OnlyClaimer is set and is not the claimer (the
// status is checked first). A reopen that would give the owner (or the VIN) a second open case
// returns ErrOwnerHasOpenCase (or ErrVINHasOpenCase) with the other case's id in the message.
//
// Moving to open (reopen, release) clears the note, the end (EndedAt, EndedBy) and the claim;
// moving to claimed from resolved or closed clears the note and the end. Resolve and close
// keep the claim fields: ClaimedBy stays the record of who had the case.
//
// It costs two round trips: the owner and VIN are read first, so the script receives their
// index keys, and the script checks they did not change meanwhile.
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

	var reply []string
	for range transitionAttempts {
		owner, vin, err := s.ownerAndVIN(ctx, id)
		if err != nil {
			return bot.Case{}, fmt.Errorf("%s %s: %w", action, id, err)
		}
		keys := []string{s.keys.Case(id), s.keys.Audit(id),
			s.keys.Status(bot.StatusOpen), s.keys.Status(bot.StatusClaimed),
			s.keys.Status(bot.StatusResolved), s.keys.Status(bot.StatusClosed),
			s.keys.Owner(owner), s.keys.Due(), s.keys.VIN(vin), s.keys.SeenAudit(t.EventID), s.keys.Outbox(id),
			s.keys.Status(bot.StatusPending)}
		ref, dueAt, member := outbox(t.FollowUp)
		args, err := json.Marshal(transitionArgs{
			Prefix: s.keys.Prefix(), ID: id, From: strings.Join(from, ","), To: string(t.To),
			At: strconv.FormatInt(at.UnixMilli(), 10), Actor: string(t.Actor), Name: t.Name,
			Claimer: string(claimer), ClaimerName: claimerName, Note: t.Note, Action: action, Text: text,
			Owner: string(owner), VIN: vin, OnlyClaimer: string(t.OnlyClaimer),
			Ref: ref, DueAt: strconv.FormatInt(dueAt, 10), Member: member,
			Event: t.EventID, SeenMS: strconv.FormatInt(s.cfg.DedupeTTL.Milliseconds(), 10),
		})
		if err != nil {
			return bot.Case{}, fmt.Errorf("%s %s: %w", action, id, err)
		}
		reply, err = caseTransition.Run(ctx, s.rdb, keys, args).StringSlice()
		if err != nil {
			return bot.Case{}, fmt.Errorf("%s %s: %w", action, id, err)
		}
		if reply[0] != "moved" {
			break
		}
	}
	switch reply[0] {
	case "ok":
		c, err := decodeCase(id, pairs(reply[1:]))
		if err != nil {
			return bot.Case{}, fmt.Errorf("%s %s: %w", action, id, err)
		}
		return c, nil
	case "duplicate":
		c, err := decodeCase(id, pairs(reply[1:]))
		if err != nil {
			return bot.Case{}, fmt.Errorf("%s %s: %w", action, id, err)
		}
		return c, fmt.Errorf("%s %s: event %s: %w", action, id, t.EventID, bot.ErrDuplicateEvent)
	case "wrong", "notclaimer":
		c, err := decodeCase(id, pairs(reply[1:]))
		if err != nil {
			return bot.Case{}, fmt.Errorf("%s %s: %w", action, id, err)
		}
		refusal := bot.ErrWrongStatus
		if reply[0] == "notclaimer" {
			refusal = bot.ErrNotClaimer
		}
		return c, fmt.Errorf("%s %s: %s: %w", action, id, describe(c), refusal)
	case "owner":
		return s.existing(ctx, id, fmt.Errorf("%s %s: the owner has open case %s: %w", action, id, reply[1], bot.ErrOwnerHasOpenCase))
	case "vin":
		return s.existing(ctx, id, fmt.Errorf("%s %s: the VIN has open case %s: %w", action, id, reply[1], bot.ErrVINHasOpenCase))
	case "missing":
		return bot.Case{}, fmt.Errorf("%s %s: %w", action, id, bot.ErrNotFound)
	case "moved":
		return bot.Case{}, fmt.Errorf("%s %s: the owner or VIN of the case changed during %d attempts", action, id, transitionAttempts)
	default:
		return bot.Case{}, fmt.Errorf("%s %s: unexpected reply %q", action, id, reply)
	}
}

// transitionAttempts bounds the tries of a transition whose case changed owner or VIN between
// the read and the script. Nothing changes them during a case's life, so even one retry means
// something else writes the hash.
const transitionAttempts = 3

// ownerAndVIN reads the fields that name a case's index keys, or returns ErrNotFound.
func (s *CaseStore) ownerAndVIN(ctx context.Context, id string) (bot.Identity, string, error) {
	vals, err := s.rdb.HMGet(ctx, s.keys.Case(id), "status", "owner", "vin").Result()
	if err != nil {
		return "", "", err
	}
	if vals[0] == nil {
		return "", "", bot.ErrNotFound
	}
	owner, _ := vals[1].(string)
	vin, _ := vals[2].(string)
	return bot.Identity(owner), vin, nil
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

// AddPost records where the card was posted. Posting again to a channel replaces its ref.
func (s *CaseStore) AddPost(ctx context.Context, id string, p bot.Post) error {
	n, err := s.batch.script(ctx, casePost, []string{s.keys.Case(id)}, p.Channel, p.Ref).Int()
	if err != nil {
		return fmt.Errorf("add post of %s in %s: %w", id, p.Channel, err)
	}
	if n == 0 {
		return fmt.Errorf("add post of %s in %s: %w", id, p.Channel, bot.ErrNotFound)
	}
	return nil
}

// AddAudit appends e to the case's history, in one script with its checks and effects:
//   - e.EventID set: an event id already appended returns ErrDuplicateEvent (it is remembered
//     for Config.DedupeTTL);
//   - owner_message, exec_message and attach need the case open or claimed, else
//     ErrWrongStatus, and neither the entry nor the event id is recorded;
//   - owner_message and exec_message count as relayed messages; exec_message sets LastExec;
//   - attach adds e.Actor to the case's Watchers, once;
//   - language sets the case's Language to e.Text (the owner switched).
//
// A missing case returns ErrNotFound.
func (s *CaseStore) AddAudit(ctx context.Context, id string, e bot.AuditEntry) error {
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	vin := ""
	if e.Action == "verify" || e.Action == "unverify" {
		// The VIN index follows the verification; the VIN names the key, so it is read first
		// and checked again by the script.
		var err error
		if _, vin, err = s.ownerAndVIN(ctx, id); err != nil && !errors.Is(err, bot.ErrNotFound) {
			return fmt.Errorf("audit %s of %s: %w", e.Action, id, err)
		}
	}
	keys := []string{s.keys.Case(id), s.keys.Audit(id), s.keys.Due(), s.keys.Outbox(id), s.keys.SeenAudit(e.EventID), s.keys.VIN(vin)}
	ref, dueAt, member := outbox(e.FollowUp)
	file := ""
	if e.File != nil {
		f := *e.File
		f.Data = nil
		b, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("audit %s of %s: %w", e.Action, id, err)
		}
		file = string(b)
	}
	args, err := json.Marshal(auditArgs{
		Prefix: s.keys.Prefix(), ID: id, At: strconv.FormatInt(at.UnixMilli(), 10),
		Actor: string(e.Actor), Name: e.Name, Action: e.Action, Text: e.Text,
		Event: e.EventID, SeenMS: strconv.FormatInt(s.cfg.DedupeTTL.Milliseconds(), 10),
		Ref: ref, DueAt: strconv.FormatInt(dueAt, 10), Member: member, Via: e.Via, File: file, VIN: vin,
	})
	if err != nil {
		return fmt.Errorf("audit %s of %s: %w", e.Action, id, err)
	}
	reply, err := caseAudit.Run(ctx, s.rdb, keys, args).StringSlice()
	if err != nil {
		return fmt.Errorf("audit %s of %s: %w", e.Action, id, err)
	}
	switch reply[0] {
	case "ok":
		return nil
	case "missing":
		return fmt.Errorf("audit %s of %s: %w", e.Action, id, bot.ErrNotFound)
	case "duplicate":
		return fmt.Errorf("audit %s of %s: event %s: %w", e.Action, id, e.EventID, bot.ErrDuplicateEvent)
	case "wrong":
		c, err := decodeCase(id, pairs(reply[1:]))
		if err != nil {
			return fmt.Errorf("audit %s of %s: %w", e.Action, id, err)
		}
		return fmt.Errorf("audit %s of %s: %s: %w", e.Action, id, describe(c), bot.ErrWrongStatus)
	default:
		return fmt.Errorf("audit %s of %s: unexpected reply %q", e.Action, id, reply)
	}
}

// OpenWith returns how many cases of a pattern are open and the newest of them, at most limit,
// oldest first, in one round trip whatever the pattern's size (see bot.Case.Pattern).
func (s *CaseStore) OpenWith(ctx context.Context, pattern string, limit int) ([]string, int, error) {
	if pattern == "" {
		return nil, 0, nil
	}
	reply, err := s.batch.script(ctx, patternRead, []string{s.keys.Pattern(pattern)}, limit).Slice()
	if err != nil {
		return nil, 0, fmt.Errorf("open cases of pattern %q: %w", pattern, err)
	}
	total, _ := reply[0].(int64)
	members, _ := reply[1].([]any)
	ids := make([]string, 0, len(members))
	for _, m := range members {
		if id, ok := m.(string); ok {
			ids = append(ids, id)
		}
	}
	return ids, int(total), nil
}

// Undelivered returns the case's outbox items not yet attempted, oldest first.
func (s *CaseStore) Undelivered(ctx context.Context, id string) ([]bot.Pending, error) {
	zs, err := s.rdb.ZRangeWithScores(ctx, s.keys.Outbox(id), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("outbox of %s: %w", id, err)
	}
	out := make([]bot.Pending, 0, len(zs))
	for _, z := range zs {
		ref, _ := z.Member.(string)
		out = append(out, bot.Pending{Ref: ref, Seq: int64(z.Score)})
	}
	return out, nil
}

// Delivered takes an attempted outbox item out of the case's order and, when finished, off
// the due queue, in one MULTI.
func (s *CaseStore) Delivered(ctx context.Context, id string, item bot.DueItem, finished bool) error {
	_, err := s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.ZRem(ctx, s.keys.Outbox(id), item.Ref)
		if finished {
			p.ZRem(ctx, s.keys.Due(), encodeDue(item))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delivered %s of %s: %w", item.Ref, id, err)
	}
	return nil
}

// Audit returns the case's history, oldest first: the newest AuditLimit entries only, so a
// long-running case cannot make one call read an unbounded stream. The stream itself keeps
// every entry.
func (s *CaseStore) Audit(ctx context.Context, id string) ([]bot.AuditEntry, error) {
	msgs, err := s.rdb.XRevRangeN(ctx, s.keys.Audit(id), "+", "-", AuditLimit).Result()
	if err != nil {
		return nil, fmt.Errorf("audit of %s: %w", id, err)
	}
	return auditEntries(id, msgs)
}

// Audits reads the audit streams of ids in one round trip (a pipeline), each as Audit does.
func (s *CaseStore) Audits(ctx context.Context, ids []string) (map[string][]bot.AuditEntry, error) {
	cmds := make([]*goredis.XMessageSliceCmd, len(ids))
	_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.XRevRangeN(ctx, s.keys.Audit(id), "+", "-", AuditLimit)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audits of %d cases: %w", len(ids), err)
	}
	out := make(map[string][]bot.AuditEntry, len(ids))
	for i, id := range ids {
		if out[id], err = auditEntries(id, cmds[i].Val()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// auditEntries reads a case's audit stream, newest first as XREVRANGE gives it, into its
// entries, oldest first.
func auditEntries(id string, msgs []goredis.XMessage) ([]bot.AuditEntry, error) {
	if len(msgs) == 0 {
		// Every case has its "created" entry, so an empty stream means no case.
		return nil, fmt.Errorf("audit of %s: %w", id, bot.ErrNotFound)
	}
	slices.Reverse(msgs)
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
			Ref:    field("ref"),
			Via:    field("via"),
			Seq:    seqOf(field("seq")),
			File:   fileOf(field("file")),
		})
	}
	return entries, nil
}

// fileOf reads a file entry's file; nil for other entries (and one that cannot be read).
func fileOf(v string) *bot.Attachment {
	if v == "" {
		return nil
	}
	var a bot.Attachment
	if json.Unmarshal([]byte(v), &a) != nil {
		return nil
	}
	return &a
}

func seqOf(v string) int64 {
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

// HookDone moves the receiver's cursor on the case up to seq; it never moves back.
func (s *CaseStore) HookDone(ctx context.Context, id, receiver string, seq int64) error {
	if !hookName.MatchString(receiver) {
		return fmt.Errorf("hook cursor of %s: receiver name %q is not a short word", id, receiver)
	}
	if err := hookDone.Run(ctx, s.rdb, []string{s.keys.Case(id)}, "hook:"+receiver, seq).Err(); err != nil {
		return fmt.Errorf("hook cursor of %s for %s: %w", id, receiver, err)
	}
	return nil
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
		Pending:  counts[4].Val(),
	}
	st.Total = st.Pending + st.Open + st.Claimed + st.Resolved + st.Closed
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
		Ownership:     bot.Ownership(h["ownership"]),
		UpdatedAt:     msTime(h["updated_at"]),
		ClaimedBy:     bot.Identity(h["claimed_by"]),
		ClaimedByName: h["claimed_by_name"],
		ClaimedAt:     msTime(h["claimed_at"]),
		Note:          h["note"],
		EndedAt:       msTime(h["ended_at"]),
		EndedBy:       bot.Identity(h["ended_by"]),
		LastExec:      msTime(h["last_exec"]),
		FirstClaimAt:  msTime(h["first_claimed_at"]),
		FirstExecAt:   msTime(h["first_exec"]),
		LastOwner:     msTime(h["last_owner"]),
		EscalatedAt:   msTime(h["escalated_at"]),
		ConfirmedAt:   msTime(h["confirmed_at"]),
		RatedAt:       msTime(h["rated_at"]),
		RatingComment: h["rating_comment"],
		ErasedAt:      msTime(h["erased_at"]),
		Pattern:       h["pattern"],
	}
	for field, v := range h {
		if name, ok := strings.CutPrefix(field, "hook:"); ok {
			if c.Hooks == nil {
				c.Hooks = map[string]int64{}
			}
			c.Hooks[name] = seqOf(v)
		}
	}
	for field, to := range map[string]*int{"messages": &c.Messages, "reminders": &c.Reminders, "rating": &c.Rating} {
		if v := h[field]; v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return bot.Case{}, fmt.Errorf("%s %q: %w", field, v, err)
			}
			*to = n
		}
	}
	// Lua's cjson writes an empty table as {}, never as [].
	if p := h["posts"]; p != "" && p != "[]" && p != "{}" {
		if err := json.Unmarshal([]byte(p), &c.Posts); err != nil {
			return bot.Case{}, fmt.Errorf("posts: %w", err)
		}
	}
	if w := h["watchers"]; w != "" && w != "[]" && w != "{}" {
		if err := json.Unmarshal([]byte(w), &c.Watchers); err != nil {
			return bot.Case{}, fmt.Errorf("watchers: %w", err)
		}
	}
	if d := h["doc"]; d != "" {
		var doc caseDoc
		if err := json.Unmarshal([]byte(d), &doc); err != nil {
			return bot.Case{}, fmt.Errorf("doc: %w", err)
		}
		c.OwnerName, c.Language, c.Answers, c.Summary, c.CreatedAt = doc.OwnerName, doc.Language, doc.Answers, doc.Summary, doc.CreatedAt
	}
	if l := h["language"]; l != "" {
		c.Language = l // the owner switched after submission
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
