package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Transcript is a case's record as it is handed over (/escalations export): the case with its
// answers, summary and rating, and every change and message with who and when.
type Transcript struct {
	Case    Case       `json:"case"`
	History []Recorded `json:"history"`
	// Dialogue is what the owner and the bot said in the owner's DM, from the intake on.
	Dialogue []Line `json:"dialogue"`
	// Files are the files the owner sent (without their bytes), oldest first.
	Files      []Attachment `json:"files"`
	ExportedAt time.Time    `json:"exported_at"`
	ExportedBy Identity     `json:"exported_by"`
}

// Recorded is one line of a transcript's history.
type Recorded struct {
	At     time.Time `json:"at"`
	Actor  Identity  `json:"actor"`
	Name   string    `json:"name"`
	Action string    `json:"action"`
	Text   string    `json:"text,omitempty"`
}

// Export returns the case's transcript (moderators only).
func (s *Service) Export(ctx context.Context, a Actor, id string) (Transcript, error) {
	if !s.IsModerator(a) {
		return Transcript{}, errNotModerator()
	}
	c, err := s.getCase(ctx, id)
	if err != nil {
		return Transcript{}, err
	}
	entries, err := s.cases.Audit(ctx, c.ID)
	if err != nil {
		return Transcript{}, fmt.Errorf("export %s: %w", c.ID, err)
	}
	t := Transcript{Case: c, ExportedAt: s.clock.Now(), ExportedBy: a.ID, History: make([]Recorded, 0, len(entries))}
	t.Files = []Attachment{}
	for _, e := range entries {
		t.History = append(t.History, Recorded{At: e.At, Actor: e.Actor, Name: e.Name, Action: e.Action, Text: e.Text})
		if e.File != nil {
			t.Files = append(t.Files, *e.File)
		}
	}
	if s.dialogues != nil {
		if t.Dialogue, err = s.dialogues.Transcript(ctx, c.ID); err != nil {
			return Transcript{}, fmt.Errorf("export %s: %w", c.ID, err)
		}
	}
	if t.Dialogue == nil {
		t.Dialogue = []Line{}
	}
	s.log.InfoContext(ctx, "case exported", "case", c.ID, "by", a.ID)
	return t, nil
}

// Markdown is the transcript for people to read.
func (t Transcript) Markdown() string {
	c := t.Case
	var b strings.Builder
	stamp := func(at time.Time) string { return at.UTC().Format("2006-01-02 15:04 MST") }
	fmt.Fprintf(&b, "# %s: %s\n\n", c.ID, c.Summary.Title)
	fmt.Fprintf(&b, "- Status: %s\n- Severity: %s\n- Owner: %s (%s)\n- Opened: %s\n", c.Status, c.Summary.Severity, c.OwnerName, c.Owner, stamp(c.CreatedAt))
	if c.ClaimedByName != "" {
		fmt.Fprintf(&b, "- Claimed by: %s (%s), %s\n", c.ClaimedByName, c.ClaimedBy, stamp(c.ClaimedAt))
	}
	if c.Note != "" {
		fmt.Fprintf(&b, "- Note: %s\n", c.Note)
	}
	if c.Rating > 0 {
		fmt.Fprintf(&b, "- Rating: %d of 5", c.Rating)
		if c.RatingComment != "" {
			fmt.Fprintf(&b, " (%q)", c.RatingComment)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n## Summary\n\n%s\n", c.Summary.Text)
	if c.Summary.Ask != "" {
		fmt.Fprintf(&b, "\nThe owner asks for: %s\n", c.Summary.Ask)
	}
	b.WriteString("\n## Answers\n\n")
	for _, a := range c.Answers {
		fmt.Fprintf(&b, "- **%s**: %s\n", a.Label, a.Value)
	}
	b.WriteString("\n## History\n\n")
	for _, e := range t.History {
		line := describeAudit(AuditEntry{Name: e.Name, Action: e.Action, Text: e.Text})
		switch e.Action {
		case "owner_message", "exec_message":
			line = e.Name + ": " + e.Text
		case "created":
			line = e.Name + " submitted the case"
		case "file":
			line = e.Name + " sent a file: " + e.Text
		}
		fmt.Fprintf(&b, "- %s %s\n", stamp(e.At), strings.ReplaceAll(line, "\n", "\n  "))
	}
	if len(t.Files) > 0 {
		b.WriteString("\n## Files\n\n| File | Type | Size | From | Sent |\n|---|---|---|---|---|\n")
		for _, f := range t.Files {
			fmt.Fprintf(&b, "| %s | %s | %s | %s (%s) | %s |\n", cell(f.Name), f.Type, Bytes(f.Size), cell(f.From), f.Owner, stamp(f.At))
		}
	}
	if len(t.Dialogue) > 0 {
		b.WriteString("\n## Dialogue\n\n")
		for _, l := range t.Dialogue {
			who := "Bot"
			switch l.Role {
			case RoleOwner:
				who = c.OwnerName
			case RoleNote:
				who = "Note"
			}
			text := l.Text
			if len(l.Buttons) > 0 {
				text += " [" + strings.Join(l.Buttons, "] [") + "]"
			}
			fmt.Fprintf(&b, "- %s %s: %s\n", stamp(l.At), who, strings.ReplaceAll(text, "\n", "\n  "))
		}
	}
	fmt.Fprintf(&b, "\nExported %s by %s.\n", stamp(t.ExportedAt), t.ExportedBy)
	return b.String()
}

// cell keeps a value inside its Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}
