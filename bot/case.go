package bot

import (
	"strings"
	"time"
)

// Identity is a platform-qualified user id: "slack:<team>:<user>", "discord:<user>", "web:<name>".
type Identity string

// Platform is the part before the first colon: "slack", "discord" or "web".
func (id Identity) Platform() string {
	p, _, _ := strings.Cut(string(id), ":")
	return p
}

// Status is where a case is in its life.
type Status string

const (
	// StatusPending holds a case whose owner is not verified (REQUIRE_VERIFIED_OWNER=require):
	// it has no card until a moderator verifies the owner, and then it is open.
	StatusPending  Status = "pending"
	StatusOpen     Status = "open"
	StatusClaimed  Status = "claimed"
	StatusResolved Status = "resolved"
	StatusClosed   Status = "closed"
)

// Severity of a case, from the summary.
type Severity string

const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Summary is what an executive reads first.
type Summary struct {
	Title     string   `json:"title"`
	Text      string   `json:"summary"`
	Category  string   `json:"category"`
	Severity  Severity `json:"severity"`
	Safety    bool     `json:"safety"`
	KeyFacts  []string `json:"key_facts,omitempty"`
	Ask       string   `json:"ask,omitempty"`
	Automatic bool     `json:"automatic"` // made by the template, not by a model
	// Translation is the owner's own account (the problem and what they ask for) in the
	// operator's language, when the owner wrote in another (TranslatedFrom) and a model
	// translated it; the original is among the answers, as written.
	Translation    string `json:"translation,omitempty"`
	TranslatedFrom string `json:"translated_from,omitempty"`
}

// Answer is one intake answer kept on the case, in flow order.
type Answer struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"` // as the executives read it: a choice's label, else the owner's words
	// Choice is the choice's value when the answer is a choice ("billing", "not_sure"): what
	// triage reads, whatever language the labels are in.
	Choice string `json:"choice,omitempty"`
}

// Post is where a case card was posted: a channel ("slack:C0123") and the message there.
type Post struct {
	Channel string `json:"channel"`
	Ref     string `json:"ref"`
}

// Case is one escalation.
type Case struct {
	ID        string   `json:"id"` // ESC-1042
	Status    Status   `json:"status"`
	Owner     Identity `json:"owner"`
	OwnerName string   `json:"owner_name"`
	// Language is the language the owner's intake spoke: the owner's news is in it.
	Language string `json:"language,omitempty"`
	VIN      string `json:"vin,omitempty"`
	// Ownership is whether the owner owns the vehicle VIN, as checked at submission and changed
	// by moderators since; "" when no check ran.
	Ownership Ownership `json:"ownership,omitempty"`
	Answers   []Answer  `json:"answers"`
	Summary   Summary   `json:"summary"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	ClaimedBy     Identity  `json:"claimed_by,omitempty"`
	ClaimedByName string    `json:"claimed_by_name,omitempty"`
	ClaimedAt     time.Time `json:"claimed_at,omitzero"`
	// Note is the resolution note or the close reason, whichever ended the case last.
	Note    string    `json:"note,omitempty"`
	EndedAt time.Time `json:"ended_at,omitzero"`
	EndedBy Identity  `json:"ended_by,omitempty"`
	Posts   []Post    `json:"posts,omitempty"`
	// Watchers are other owners who reported the same vehicle while the case was open; they
	// are told of status changes.
	Watchers []Identity `json:"watchers,omitempty"`
	Messages int        `json:"messages,omitempty"` // relayed messages, both ways
	LastExec time.Time  `json:"last_exec,omitzero"` // last message from the claimer to the owner

	// The clocks and verdicts of the case, set by the audit entries named after them.
	FirstClaimAt  time.Time `json:"first_claim_at,omitzero"` // the first claim (or assignment)
	FirstExecAt   time.Time `json:"first_exec_at,omitzero"`  // the first message to the owner
	LastOwner     time.Time `json:"last_owner,omitzero"`     // the owner's last message after submission
	Reminders     int       `json:"reminders,omitempty"`     // reminders of the case unclaimed
	EscalatedAt   time.Time `json:"escalated_at,omitzero"`   // when it went to the next tier
	ConfirmedAt   time.Time `json:"confirmed_at,omitzero"`   // the owner confirmed the resolution
	Rating        int       `json:"rating,omitempty"`        // the owner's rating, 1 to 5
	RatedAt       time.Time `json:"rated_at,omitzero"`
	RatingComment string    `json:"rating_comment,omitempty"`

	// ErasedAt is when the case's personal data was erased (see erase.go); zero while kept.
	ErasedAt time.Time `json:"erased_at,omitzero"`

	// Pattern is the model, model year and category that relate open cases, set at creation
	// ("" when one is unknown): see CaseStore.OpenWith.
	Pattern string `json:"pattern,omitempty"`
	// Hooks are how far the case's changes went out to each webhook receiver (the Seq of the
	// last change delivered); a receiver not listed started after the case did.
	Hooks map[string]int64 `json:"-"`
	// FollowUp is the creation's outbox item (DueDeliver), stored with the case.
	FollowUp *DueItem `json:"-"`
}

// Escalated reports whether the case went to the next tier.
func (c Case) Escalated() bool { return !c.EscalatedAt.IsZero() }

// Answer returns the value of one intake answer, or "".
func (c Case) Answer(key string) string {
	for _, a := range c.Answers {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// VINIndexed reports whether the case takes its vehicle's index while it is open. A case whose
// owner is not verified neither joins nor blocks another case of the vehicle, so its owner
// learns nothing of that case.
func (c Case) VINIndexed() bool {
	return c.VIN != "" && (c.Ownership == OwnershipNone || c.Ownership == OwnershipVerified)
}

// Open reports whether the case still waits for an executive to finish it.
func (c Case) Open() bool { return c.Status == StatusOpen || c.Status == StatusClaimed }

// Transition asks a store to move a case from one of From to To, atomically.
type Transition struct {
	From  []Status
	To    Status
	Actor Identity
	Name  string // display name of the actor
	At    time.Time
	// Claimer is set when To is claimed: the actor itself, or the user a moderator assigns.
	Claimer     Identity
	ClaimerName string
	Note        string
	Action      string // audit verb: claim, release, resolve, close, reopen, assign
	// OnlyClaimer, when set, makes the transition happen only while the case is claimed by
	// that identity (checked in the same atomic step as the status), so a permission checked
	// before cannot go stale: the store returns the current case with ErrNotClaimer.
	OnlyClaimer Identity
	// FollowUp is the change's outbox item (DueDeliver), scheduled with the change.
	FollowUp *DueItem
	// EventID, when set, makes the transition happen at most once for that platform event: a
	// replay returns the current case with ErrDuplicateEvent, whatever its status is now.
	EventID string
}

// AuditEntry is one line of a case's history.
type AuditEntry struct {
	ID    string    `json:"id,omitempty"` // stream id, set by the store
	At    time.Time `json:"at"`
	Actor Identity  `json:"actor"`
	Name  string    `json:"name"`
	// Action is created, claim, release, resolve, close, reopen, assign, dispute (the owner
	// says the resolution did not solve it), owner_message, exec_message, file (an owner's file), attach, remind,
	// escalate, nudge (the claimer reminded), confirm, rate, comment, verify (a moderator
	// verified the owner: the case's Ownership is verified, and a held case is open) unverify, or erase (personal data
	// erased: Actor is who had it done, Text why).
	Action string `json:"action"`
	Text   string `json:"text,omitempty"`
	// EventID, when set, makes the append happen at most once for that platform event.
	EventID string `json:"-"`
	// Ref names the entry for its outbox item: the Ref of the FollowUp it was appended with.
	Ref string `json:"ref,omitempty"`
	// Seq is the entry's place among the case's changes that have an outbox item (1, 2, ...),
	// set by the store; 0 for an entry without one.
	Seq int64 `json:"seq,omitempty"`
	// Via is the escalation channel an executive's message was written in (its card's
	// thread), where it is not repeated; "" for the Reply button.
	Via string `json:"via,omitempty"`
	// File is the file of a "file" entry (an owner's photo, PDF or video), without its bytes.
	File *Attachment `json:"file,omitempty"`
	// FollowUp is the entry's outbox item (DueDeliver), scheduled with the append.
	FollowUp *DueItem `json:"-"`
}

// Block keeps a user away from the line until it expires.
type Block struct {
	User   Identity  `json:"user"`
	Reason string    `json:"reason"`
	By     Identity  `json:"by"`
	Until  time.Time `json:"until,omitzero"` // zero: until unblocked
}

// Pause stops new intakes; Message is what owners are told.
type Pause struct {
	Message string    `json:"message"`
	By      Identity  `json:"by"`
	Since   time.Time `json:"since"`
}

// Stats counts the cases by status.
type Stats struct {
	Pending, Open, Claimed, Resolved, Closed int64
	Total                                    int64
}
