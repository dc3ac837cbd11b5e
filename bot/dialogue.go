package bot

import (
	"context"
	"strings"
	"time"

	"escalation-bot/conversation"
)

// The dialogue is what an owner and the bot said to each other in the owner's DM: every turn,
// and what the bot tells the owner later (a claim, an executive's reply, the resolution). It is
// kept with the session, and from the submission on with the case, as part of its record.

// Dialogue bounds: lines past MaxDialogueLines are dropped from the start of an owner's
// dialogue; each line's text is cut at MaxDialogueText characters.
const (
	MaxDialogueLines = 500
	MaxDialogueText  = 4000
)

// Transcript bounds: a case's transcript keeps its first TranscriptHead lines (the intake and
// its start) and its newest lines, MaxTranscriptLines in all; the lines trimmed between them
// are replaced by one note (RoleNote) that counts them, so the record says what it lost.
const (
	MaxTranscriptLines = 5000
	TranscriptHead     = 500
)

// Line is one message of a dialogue.
type Line struct {
	Role    string    `json:"role"` // "owner" or "bot"
	Text    string    `json:"text"`
	Buttons []string  `json:"buttons,omitempty"` // the labels of a bot message's buttons
	At      time.Time `json:"at"`
	// Trimmed is, on a note, how many lines of the transcript were trimmed where it stands.
	Trimmed int `json:"trimmed,omitempty"`
}

// Dialogue roles.
const (
	RoleOwner = "owner"
	RoleBot   = "bot"
	// RoleNote is the transcript's own word: lines trimmed (see MaxTranscriptLines).
	RoleNote = "note"
)

// Appending says how lines are appended to a dialogue.
type Appending struct {
	// Key makes the append idempotent: lines appended under a key before are not appended
	// again (an event replayed, a message delivered again). Empty: always appended.
	Key string
	// Event, with Key, is the platform event whose turn the lines record. A session save
	// that keeps them marks the event handled and writes no mark of the key: an append under
	// the key afterwards (the event answered again) finds the event handled and keeps nothing.
	Event string
	// Case, when set, keeps the lines with that case too. The case's transcript starts, the
	// first time, with the owner's dialogue since Since (the intake's start), and then grows
	// with every line appended for the case.
	Case  string
	Since time.Time
	// TTL is how long an idle dialogue is kept (the session's), refreshed by every append;
	// zero: no expiry. A case's transcript never expires.
	TTL time.Duration
}

// Record is what a session save keeps in the owner's dialogue with the session (see
// SessionStore.Save); the zero Record keeps nothing.
type Record struct {
	Appending
	Lines []Line
}

// Dialogues keeps owners' dialogues and the transcripts of cases.
type Dialogues interface {
	// Append adds lines to the owner's dialogue (and the case's transcript), atomically, in one
	// round trip, keeping at most MaxDialogueLines.
	Append(ctx context.Context, owner Identity, a Appending, lines ...Line) error
	// Read returns the owner's dialogue, oldest first; none when it expired.
	Read(ctx context.Context, owner Identity) ([]Line, error)
	// Transcript returns the dialogue kept with a case, oldest first.
	Transcript(ctx context.Context, caseID string) ([]Line, error)
}

// botLines are the lines of the bot's replies.
func botLines(replies []conversation.Reply, at time.Time) []Line {
	return appendBotLines(make([]Line, 0, len(replies)), replies, at)
}

// appendBotLines appends the lines of the bot's replies to lines.
func appendBotLines(lines []Line, replies []conversation.Reply, at time.Time) []Line {
	for _, r := range replies {
		l := Line{Role: RoleBot, Text: Truncate(r.Text, MaxDialogueText), At: at}
		if len(r.Fields) > 0 {
			var text strings.Builder
			text.WriteString(l.Text)
			for _, f := range r.Fields {
				text.WriteString("\n")
				text.WriteString(f.Label)
				text.WriteString(": ")
				text.WriteString(f.Value)
			}
			l.Text = Truncate(text.String(), MaxDialogueText)
		}
		if len(r.Buttons) > 0 {
			l.Buttons = make([]string, 0, len(r.Buttons))
			for _, b := range r.Buttons {
				l.Buttons = append(l.Buttons, b.Label)
			}
		}
		lines = append(lines, l)
	}
	return lines
}

// buttonLabel is the label of the button the owner pressed, from the question the session was
// at; the value when the button is not one of them (a verdict, a stale card).
func buttonLabel(prompt []conversation.Reply, action, value string) string {
	for _, r := range prompt {
		for _, b := range r.Buttons {
			if b.Action == action && b.Value == value {
				return b.Label
			}
		}
	}
	if value != "" {
		return value
	}
	return action
}

// remember keeps an owner turn in the owner's dialogue, after the turn is stored: what the
// owner wrote or pressed, and the replies. The event id makes it happen once. A turn whose
// lines were saved with its session (kept) has nothing left to keep.
func (s *Service) remember(ctx context.Context, t *ownerTurn, replies []conversation.Reply) {
	if t.kept {
		return
	}
	keep := s.keeping(t, replies)
	if len(keep.Lines) == 0 {
		return
	}
	if err := s.dialogues.Append(ctx, t.ev.Owner, keep.Appending, keep.Lines...); err != nil {
		// The turn is done and answered; only its record is short.
		s.log.WarnContext(ctx, "keep the dialogue", "owner", t.ev.Owner, "err", err)
	}
}

// keeping is what an owner turn keeps in the owner's dialogue: what the owner wrote or
// pressed, and the replies, appended once per event id. None without a dialogue store.
func (s *Service) keeping(t *ownerTurn, replies []conversation.Reply) Record {
	if s.dialogues == nil {
		return Record{}
	}
	ev, now := t.ev, s.clock.Now()
	lines := make([]Line, 0, 1+len(replies))
	switch {
	case ev.Text != "":
		lines = append(lines, Line{Role: RoleOwner, Text: Truncate(ev.Text, MaxDialogueText), At: now})
	case ev.Action != "":
		lines = append(lines, Line{Role: RoleOwner, Text: Truncate(t.label, MaxDialogueText), At: now})
	}
	for _, a := range t.files {
		lines = append(lines, Line{Role: RoleOwner, Text: "[" + fileLine(a) + "]", At: now})
	}
	for _, a := range t.proofs {
		lines = append(lines, Line{Role: RoleOwner, Text: "[" + fileLine(a) + ", for the moderators]", At: now})
	}
	lines = appendBotLines(lines, replies, now)
	if len(lines) == 0 {
		return Record{}
	}
	a := Appending{Case: t.keepWith, Since: t.since, TTL: s.cfg.SessionTTL}
	if ev.ID != "" {
		a.Key, a.Event = "turn:"+ev.ID, ev.ID
	}
	return Record{Appending: a, Lines: lines}
}

// Dialogue returns the owner's dialogue, oldest first.
func (s *Service) Dialogue(ctx context.Context, owner Identity) ([]Line, error) {
	if s.dialogues == nil {
		return nil, nil
	}
	return s.dialogues.Read(ctx, owner)
}
