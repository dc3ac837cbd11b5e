package bot

import (
	"context"
	"strings"
	"time"

	"escalation-bot/conversation"
)

// CaseStore keeps cases, their indexes and their audit streams.
// Every status change goes through Transition, which checks the current status atomically.
type CaseStore interface {
	// NextID reserves a case id (ESC-n) without creating the case, so the intake can commit
	// the id to the owner's session before the case exists.
	NextID(ctx context.Context) (string, error)
	// Create stores c with its owner and VIN indexes, and c.FollowUp as the outbox item of its
	// "created" entry, atomically; every receiver in c.Hooks starts with its cursor at 0. c.ID is a reserved id (or
	// empty: the next id is taken). Creating an id that exists returns the stored case and no
	// error, so a retried creation is harmless. When the owner already has another open case it
	// stores nothing and returns that case with ErrOwnerHasOpenCase; likewise ErrVINHasOpenCase
	// when c.VIN has another open case.
	Create(ctx context.Context, c Case) (Case, error)
	// Get returns the case or ErrNotFound.
	Get(ctx context.Context, id string) (Case, error)
	// Transition moves the case and appends the audit entry in one step; t.FollowUp, when set,
	// is scheduled in the due queue in the same step and its Ref kept on the entry (the
	// change's outbox, see DueDeliver). When the case is not
	// in one of t.From it changes nothing and returns the current case with ErrWrongStatus.
	// When t.To is open (reopen) and the owner has another open case, it returns that case's
	// id in the error, wrapped around ErrOwnerHasOpenCase. A t.EventID handled before returns
	// the current case with ErrDuplicateEvent and changes nothing.
	Transition(ctx context.Context, id string, t Transition) (Case, error)
	// OpenWith returns how many cases of a pattern are open (or claimed) and the newest of
	// them, at most limit, oldest first. It costs the same for a pattern of thousands of cases
	// as for one of three.
	OpenWith(ctx context.Context, pattern string, limit int) (newest []string, total int, err error)
	// List returns cases with one of the statuses, newest first, at most limit.
	List(ctx context.Context, limit int, statuses ...Status) ([]Case, error)
	// AddPost records where the card was posted (one post per channel).
	AddPost(ctx context.Context, id string, p Post) error
	// AddAudit appends to the audit stream, atomically with its checks (and with e.FollowUp, as
	// Transition does with t.FollowUp):
	//   - e.EventID set: an entry with the same event id is appended once (ErrDuplicateEvent after);
	//   - owner_message, exec_message and attach need the case open or claimed, else
	//     ErrWrongStatus and nothing is appended;
	//   - owner_message and exec_message are counted on the case (Messages, LastExec);
	//   - attach adds e.Actor to the case's Watchers;
	//   - language sets the case's Language to e.Text (the owner switched after submission).
	AddAudit(ctx context.Context, id string, e AuditEntry) error
	Audit(ctx context.Context, id string) ([]AuditEntry, error)
	// Audits is Audit of several cases, read at once (a page of cards with their threads):
	// the entries by case id, or ErrNotFound when one of the cases has none.
	Audits(ctx context.Context, ids []string) (map[string][]AuditEntry, error)
	// Undelivered are the Refs of the case's outbox items (FollowUps of Transition and
	// AddAudit) not yet attempted, in the order of their changes: a case's changes are told
	// in that order.
	Undelivered(ctx context.Context, id string) ([]Pending, error)
	// HookDone records that the change seq of the case reached the webhook receiver: the
	// receiver's cursor (Case.Hooks) moves up to seq, never back.
	HookDone(ctx context.Context, id, receiver string, seq int64) error
	// Delivered marks the outbox item attempted: it leaves the case's order, and, finished
	// (all delivered, or given up), the due queue too.
	Delivered(ctx context.Context, id string, item DueItem, finished bool) error
	Stats(ctx context.Context) (Stats, error)
}

// Turn is everything one inbound owner event needs before it runs, read at once.
type Turn struct {
	Session conversation.Session
	Found   bool   // a session exists
	Seen    bool   // the event id was handled already
	Block   *Block // the owner is blocked
	Pause   *Pause // intake is paused
	Recent  int64  // the event's place among this owner's events in the rate window, itself included
	// OpenCase is the owner's open case, if any, so an owner whose session expired while the
	// case is still open is relayed to it instead of starting over.
	OpenCase string
}

// SessionStore keeps intake sessions with optimistic concurrency.
type SessionStore interface {
	// Load reads the owner's session and the gates of a turn (dedupe, block, pause, rate) in one
	// round trip, and counts the event in the owner's rate window. An event id is counted once:
	// loading it again (a redelivery) returns the place it got first. eventID may be empty; then
	// every Load counts.
	Load(ctx context.Context, owner Identity, eventID string) (Turn, error)
	// Reload is Load without counting: for a retry after ErrConflict, or a peek.
	Reload(ctx context.Context, owner Identity, eventID string) (Turn, error)
	// Save writes s only if the stored version is still s.Version, bumps the version, refreshes
	// the idle TTL and marks eventID seen, atomically. It returns ErrConflict when the session
	// changed meanwhile, ErrDuplicateEvent when eventID was handled meanwhile. The lines of
	// keep, when any, are appended to the owner's dialogue in the same step, as
	// Dialogues.Append with keep.Appending would, and only when the session is saved: a turn
	// and its record are stored together, in one round trip.
	Save(ctx context.Context, s conversation.Session, eventID string, ttl time.Duration, keep Record) error
}

// Guesser is a SessionStore that remembers the sessions this process saved, so that an owner's
// next turn can run on the session saved last and be read and written in one round trip
// instead of two. A guess is only ever a shortcut: SaveGuess writes nothing unless what is
// stored is exactly what was guessed, and otherwise hands back what Load would have read.
type Guesser interface {
	// Guess returns the owner's session as this process saved it last, when it has it and no
	// guess of this owner's session has missed.
	Guess(owner Identity) (Guess, bool)
	// SaveGuess saves s, a turn's session computed from g, when in one step it finds the
	// owner's stored session still g's, eventID (when set) not handled, no block, no pause and
	// the event's place in the owner's rate window, counted as Load counts it, within limit:
	// the gates of a turn whose owner is in the middle of an intake. It then appends the
	// lines of keep and marks eventID seen as Save does, and returns committed with the event's
	// place in Turn.Recent. Otherwise it writes nothing but the count, and returns what Load
	// would have read.
	SaveGuess(ctx context.Context, g Guess, s conversation.Session, eventID string, ttl time.Duration, keep Record, limit int64) (turn Turn, committed bool, err error)
}

// Guess is an owner's session as this process saved it last.
type Guess struct {
	Session conversation.Session
	// Stored is the session as the store wrote it, which SaveGuess compares with what it finds.
	Stored string
}

// Moderation keeps blocks and the pause switch; a turn reads them with the session (Turn).
// Events are deduplicated where they take effect: in the session save and the audit append.
type Moderation interface {
	SetBlock(ctx context.Context, b Block) error
	RemoveBlock(ctx context.Context, user Identity) (bool, error)
	SetPause(ctx context.Context, p *Pause) error // nil resumes
}

// Messenger delivers the bot's messages on one platform. Each adapter implements it.
type Messenger interface {
	Platform() string // "web", "slack", "discord"
	// SendToOwner writes to the owner's DM.
	SendToOwner(ctx context.Context, owner Identity, replies []conversation.Reply, d Delivery) error
	// PostCard posts a case card into channel (the part after "platform:") and returns a
	// reference to the message, for updates and thread replies.
	PostCard(ctx context.Context, channel string, card Card) (ref string, err error)
	// UpdateCard replaces the card in place.
	UpdateCard(ctx context.Context, channel, ref string, card Card) error
	// PostThread adds a line under the card: owner messages, reminders, status changes.
	PostThread(ctx context.Context, channel, ref string, msg ThreadMessage, d Delivery) error
	// Announce posts a line into the channel itself, not under a card: news about several
	// cases, such as a pattern among the open ones.
	Announce(ctx context.Context, channel string, msg ThreadMessage, d Delivery) error
}

// Delivery makes a message idempotent: a message sent again with the same key, after a crash
// or a failed attempt, must not reach its reader twice. The zero Delivery is a plain send.
type Delivery struct {
	// Key names the message: unique per case change and recipient ("ESC-1001/<ref>/dm:web:ann").
	// A messenger marks the message with it (Slack metadata, a Discord nonce).
	Key string
	// Recheck says the message may have been sent before without its sender learning of it:
	// a messenger that can look (Slack's recent history) looks for the key before sending.
	Recheck bool
}

// DeliveryRef is the change ref of a delivery key "<case>/<ref>/<recipient>" (or of a key
// prefix "<case>/<ref>/"), or "" for a key of another form.
func DeliveryRef(key string) string {
	parts := strings.SplitN(key, "/", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}

// Directory is what a platform can tell about its users. A Messenger may implement it; the
// core then asks it, before a case is assigned, whether the user exists and how they are
// shown. Without it the core accepts any well-formed identity of that platform.
type Directory interface {
	// Person returns the user's display name, or ErrNotFound when the platform says there is
	// no such user (never was, or deleted).
	Person(ctx context.Context, id Identity) (name string, err error)
}

// CardFinder is implemented by messengers that can find a card they posted before. A card post
// whose answer was lost (the process died, Redis failed before the post was recorded) is
// looked for before it is posted again, so that a case never has two cards in a channel.
type CardFinder interface {
	// FindCard returns the reference of the case's card in channel, or "" when there is none.
	FindCard(ctx context.Context, channel, caseID string) (ref string, err error)
}

// ThreadMessage is one line under a case card.
type ThreadMessage struct {
	CaseID string    `json:"case"`
	From   string    `json:"from"` // display name
	Role   string    `json:"role"` // owner, executive, bot
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
	// Mentions are people to notify with the line, as configured (Config.OnCall): a Slack
	// user group ("group:S123"), a Discord role ("role:123"), identities. Each platform
	// renders the ones it knows as its mentions and ignores the rest.
	Mentions []string `json:"mentions,omitempty"`
	// File is the file an owner sent, for the line that carries it: its bytes are loaded for
	// the platforms that upload it (empty when the file is gone: erased or expired).
	File *Attachment `json:"file,omitempty"`
}

// Summarizer writes the case summary. The template summarizer in this package is the default.
type Summarizer interface {
	Summarize(ctx context.Context, in SummaryInput) (Summary, error)
}

// SummaryInput is what a summarizer may read.
type SummaryInput struct {
	// Answers are the case's answers, labelled in Language; what the owner wrote is as written.
	Answers []Answer
	// Safe is the owner's answer to "is the vehicle safe to drive?" as its choice value:
	// conversation.SafeNo (the case is critical), conversation.SafeNotSure (high), "yes", or ""
	// when the flow did not ask. Both no and not sure make the case safety-critical.
	Safe string
	// Language is the operator's (LANGUAGE): the summary is written for executives in it.
	// OwnerLanguage is the language the owner was spoken to in.
	Language      string
	OwnerLanguage string
}

// SafetyConcern reports an answer to "is the vehicle safe to drive?" that shows the emergency
// advice and makes the case safety-critical: no, or not sure.
func (in SummaryInput) SafetyConcern() bool {
	return in.Safe == conversation.SafeNo || in.Safe == conversation.SafeNotSure
}

// Clock is the time source; tests pass a fixed one.
type Clock interface{ Now() time.Time }

// SystemClock reads the wall clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// DueItem is work to do later: post a card a platform refused, deliver what a case change must
// tell. Every field but At identifies the item; At is when it is due.
type DueItem struct {
	Kind    string    `json:"kind"` // DuePostCard, DueDeliver
	CaseID  string    `json:"case"`
	Owner   Identity  `json:"owner,omitempty"`
	Attempt int       `json:"attempt,omitempty"`
	Ref     string    `json:"ref,omitempty"`  // DueDeliver: the audit entry (AuditEntry.Ref)
	Sent    []string  `json:"sent,omitempty"` // DueDeliver: messages earlier attempts delivered
	At      time.Time `json:"-"`
}

// Due item kinds.
const (
	DuePostCard = "post_card" // post the case card to every escalation channel that lacks it
	// DueDeliver is the outbox of one case change: update the cards, write the thread line,
	// tell the owner. The store schedules it with the change, atomically; the process that
	// made the change delivers and removes it, so it only falls due when that process stopped
	// or a platform failed.
	DueDeliver = "deliver"
)

// Pending is an outbox item of a case not attempted yet: its Ref and its change's Seq.
type Pending struct {
	Ref string
	Seq int64
}

// DueQueue keeps due items where every replica sees them and survives restarts.
type DueQueue interface {
	// Schedule adds the item at item.At; the same item (Kind, CaseID, Owner, Attempt) is kept once.
	Schedule(ctx context.Context, item DueItem) error
	// TakeDue leases up to limit items due at now: they stay queued but are hidden until
	// now+lease, atomically, so one replica handles each, and an item whose handler died
	// comes back after the lease.
	TakeDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]DueItem, error)
	// Done removes a handled item; Reschedule replaces it with next (e.g. Attempt+1, later At).
	Done(ctx context.Context, item DueItem) error
	Reschedule(ctx context.Context, item, next DueItem) error
}
