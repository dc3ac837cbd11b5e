// Package redis keeps the bot's state in Redis: intake sessions, cases with their indexes and
// audit streams, and the moderation switches. It works over goredis.UniversalClient, so one
// node, Sentinel and Cluster are configuration, not code.
//
// Every key of a deployment lives under one hash tag, so all keys share a Cluster slot and
// every multi-key script and MULTI is Cluster-safe:
//
//	esc:{<tenant>}:conv:<identity>   "<version> <session JSON>" (a hash {v, data} before), idle TTL per save
//	esc:{<tenant>}:case:<id>         hash: status, claimed_by, claimed_by_name, claimed_at,
//	                                 note, ended_at, ended_by, owner, vin, messages, last_exec,
//	                                 updated_at, first_claimed_at, first_exec, last_owner,
//	                                 reminders, escalated_at, confirmed_at, rating, rated_at,
//	                                 ownership (verified, unverified, unknown or absent),
//	                                 rating_comment, posts and watchers (JSON arrays),
//	                                 doc (JSON of the rest)
//	esc:{<tenant>}:cases:seq         string, INCR gives the next ESC-n (n = 1000 + counter)
//	esc:{<tenant>}:cases:open        sorted set of case ids, score = ms of entering the status
//	esc:{<tenant>}:cases:claimed     "
//	esc:{<tenant>}:cases:resolved    "
//	esc:{<tenant>}:cases:closed      "
//	esc:{<tenant>}:cases:pending     " (held until a moderator verifies the owner)
//	esc:{<tenant>}:owner:<identity>  string, id of the owner's open (or pending) case
//	esc:{<tenant>}:vin:<vin>         string, id of the vehicle's open case, not held by a case
//	                                 whose owner is not verified
//	esc:{<tenant>}:owns:<identity>   set of the VINs a moderator verified the user owns
//	esc:{<tenant>}:proof:<id>        hash {doc: proof JSON, photo: bytes, decision}, expiring
//	esc:{<tenant>}:proofs            sorted set of the proofs waiting, score = ms received
//	esc:{<tenant>}:audit:<id>        stream of {at, actor, name, action, text, ref, via, file};
//	                                 ref names the entry's outbox item in due, via the channel
//	                                 an executive wrote a message in, file the JSON of a file
//	                                 entry's file (its id names esc:{t}:file:<id>)
//	esc:{<tenant>}:seen:<event id>   "1" with PX DedupeTTL: the event was handled
//	esc:{<tenant>}:seen:audit:<event id>  "1" with PX DedupeTTL: the event's audit entry exists
//	esc:{<tenant>}:seen:rate:<event id>  the event's place in its owner's rate window, with PX
//	                                 of the window: the event was counted
//	esc:{<tenant>}:rate:<identity>   counter of events in the current window, created with PX
//	                                 of the window by its first event (INCR keeps it)
//	esc:{<tenant>}:block:<identity>  block JSON, expiring (PX) when the block ends
//	esc:{<tenant>}:blocks            set of blocked identities, for listing
//	esc:{<tenant>}:pause             pause JSON; absent when intake runs
//	esc:{<tenant>}:pattern:<pattern> set of the open cases of a model, model year and category
//	esc:{<tenant>}:outbox:<id>       sorted set of the case's outbox refs not delivered yet,
//	                                 score = the change's place (the hash's outbox_seq)
//	esc:{<tenant>}:due               sorted set of due items (JSON of kind, case, owner,
//	                                 attempt, ref, sent), score = due time in ms, or lease
//	                                 end once taken; the case scripts add outbox items
//	esc:{<tenant>}:inbox:lanes       sorted set of lanes with waiting events, score = lease end
//	                                 in ms, or arrival in ms - 0.25 while never leased
//	esc:{<tenant>}:inbox:lane:<lane> list of "<seq> <event JSON>", in arrival order
//	esc:{<tenant>}:inbox:seq         counter behind seq
//	esc:{<tenant>}:inbox:seen:<id>   "1" with PX DedupeTTL: the event was accepted
//	esc:{<tenant>}:dialogue:<identity>  list of "<at ms> <line JSON>" (role, text, buttons,
//	                                 at): the owner's DM, newest 500, idle TTL of the session
//	esc:{<tenant>}:transcript:<id>   list like dialogue: the case's part of its owner's
//	                                 dialogue, no expiry
//	esc:{<tenant>}:seen:dialogue:<key>  "1" with PX DedupeTTL: lines appended under the key
//	esc:{<tenant>}:file:<id>         hash {owner: identity, meta: JSON of name, type, size,
//	                                 owner, from, at, data: the bytes}: a file an owner sent,
//	                                 PX SessionTTL during the intake, then FILE_TTL; audit
//	                                 entries (file field) and sessions (files) name it by id
//
// All times stored as scalars are Unix milliseconds.
package redis

import (
	"escalation-bot/bot"
)

// Keys builds the key names of one tenant.
type Keys struct {
	prefix string
	// The names a turn asks for every time, made once: the pause switch, and the keys a
	// script is given but does not use (no event id, no append key, no case).
	pause, seenNone, seenDialogueNone, transcriptNone string
}

// NewKeys returns the key builder for tenant ("default" when empty).
func NewKeys(tenant string) Keys {
	if tenant == "" {
		tenant = DefaultTenant
	}
	k := Keys{prefix: "esc:{" + tenant + "}:"}
	k.pause = k.prefix + "pause"
	k.seenNone, k.seenDialogueNone, k.transcriptNone = k.prefix+"seen:", k.prefix+"seen:dialogue:", k.prefix+"transcript:"
	return k
}

// Prefix is what every key of the tenant starts with: "esc:{<tenant>}:".
func (k Keys) Prefix() string { return k.prefix }

// Conv is the owner's intake session.
func (k Keys) Conv(owner bot.Identity) string { return k.prefix + "conv:" + string(owner) }

// Case is the hash of one case.
func (k Keys) Case(id string) string { return k.prefix + "case:" + id }

// Seq is the counter behind case ids.
func (k Keys) Seq() string { return k.prefix + "cases:seq" }

// Owner is the index from an owner to their open case.
func (k Keys) Owner(owner bot.Identity) string { return k.prefix + "owner:" + string(owner) }

// VIN is the index from a vehicle to its open case.
func (k Keys) VIN(vin string) string { return k.prefix + "vin:" + vin }

// Audit is the stream of one case's history.
func (k Keys) Audit(id string) string { return k.prefix + "audit:" + id }

// Seen marks a handled platform event.
func (k Keys) Seen(eventID string) string {
	if eventID == "" && k.seenNone != "" {
		return k.seenNone
	}
	return k.prefix + "seen:" + eventID
}

// SeenAudit marks a platform event whose audit entry was appended. It is apart from Seen, so
// an event both saved with a session and appended to a case is deduplicated once in each.
func (k Keys) SeenAudit(eventID string) string { return k.prefix + "seen:audit:" + eventID }

// Counted marks a platform event counted in its owner's rate window, holding its place there,
// so a retried or redelivered event is counted once.
func (k Keys) Counted(eventID string) string { return k.prefix + "seen:rate:" + eventID }

// Rate counts a user's events in the current window.
func (k Keys) Rate(user bot.Identity) string { return k.prefix + "rate:" + string(user) }

// Block is a user's block.
func (k Keys) Block(user bot.Identity) string { return k.prefix + "block:" + string(user) }

// Blocks is the set of blocked users.
func (k Keys) Blocks() string { return k.prefix + "blocks" }

// Pause is the intake pause switch.
func (k Keys) Pause() string { return k.pause }

// Pattern is the set of open cases of one model, model year and category.
func (k Keys) Pattern(pattern string) string { return k.prefix + "pattern:" + pattern }

// Outbox is the case's outbox items not delivered yet, in the order of their changes.
func (k Keys) Outbox(id string) string { return k.prefix + "outbox:" + id }

// Due is the sorted set of due items.
func (k Keys) Due() string { return k.prefix + "due" }

// Owns is the set of VINs moderators verified user owns.
func (k Keys) Owns(user bot.Identity) string { return k.prefix + "owns:" + string(user) }

// Proof is one ownership proof; Proofs the waiting ones.
func (k Keys) Proof(id string) string { return k.prefix + "proof:" + id }
func (k Keys) Proofs() string         { return k.prefix + "proofs" }

// Status is the sorted set of the cases in status s: "cases:open", "cases:claimed", ...
func (k Keys) Status(s bot.Status) string { return k.prefix + "cases:" + string(s) }

// statuses is every status, in the order the case scripts take their sorted sets as KEYS.
var statuses = [...]bot.Status{bot.StatusOpen, bot.StatusClaimed, bot.StatusResolved, bot.StatusClosed, bot.StatusPending}

func validStatus(s bot.Status) bool {
	for _, v := range statuses {
		if s == v {
			return true
		}
	}
	return false
}

// InboxLanes is the sorted set of inbox lanes.
func (k Keys) InboxLanes() string { return k.prefix + "inbox:lanes" }

// InboxLane is one lane's list of waiting events; InboxLane("") is the prefix of them all.
func (k Keys) InboxLane(lane string) string { return k.prefix + "inbox:lane:" + lane }

// InboxSeq is the counter of inbox items.
func (k Keys) InboxSeq() string { return k.prefix + "inbox:seq" }

// Dialogue is an owner's dialogue with the bot.
func (k Keys) Dialogue(owner bot.Identity) string { return k.prefix + "dialogue:" + string(owner) }

// File is a file an owner sent.
func (k Keys) File(id string) string { return k.prefix + "file:" + id }

// Transcript is the dialogue kept with a case.
func (k Keys) Transcript(id string) string {
	if id == "" && k.transcriptNone != "" {
		return k.transcriptNone
	}
	return k.prefix + "transcript:" + id
}

// SeenDialogue marks lines appended under a key (an event, a delivery).
func (k Keys) SeenDialogue(key string) string {
	if key == "" && k.seenDialogueNone != "" {
		return k.seenDialogueNone
	}
	return k.prefix + "seen:dialogue:" + key
}

// InboxSeen marks an accepted event id.
func (k Keys) InboxSeen(id string) string { return k.prefix + "inbox:seen:" + id }
