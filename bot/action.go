package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Executive actions on a case card; adapters send them back with the case id as value.
const (
	ActionClaim   = "claim"
	ActionRelease = "release"
	ActionReply   = "reply"
	ActionResolve = "resolve"
)

// ErrUnknownCaseAction is returned, wrapped in a CodeInvalid domain error, for an action the
// table does not hold.
var ErrUnknownCaseAction = errors.New("unknown case action")

// ButtonStyle is how a platform sets a card's button apart from the others.
type ButtonStyle string

const (
	StyleDefault ButtonStyle = ""
	StylePrimary ButtonStyle = "primary" // the step the card waits for
	StyleSuccess ButtonStyle = "success" // the step that ends the case well; primary where a platform has no such style
)

// CaseForm is the text an action asks the executive for before it runs (a Slack or Discord
// modal, the playground's inline input). Its words are the form's, in English.
type CaseForm struct {
	Title    string // with the case id in place of %s, e.g. "Reply on ESC-1042"
	Label    string // the text input's label
	Hint     string // under or inside the input
	Submit   string // the submit button, where the platform has one
	Limit    int    // the most characters the core keeps; presentation.FormLimit fits it to a platform
	Required bool   // the core refuses the action without a text
	Done     string // what the executive is told once it ran, with the case id in place of %s
}

// CaseAction is one button of a case card. Adapters render buttons, styles and forms from the
// table and run every action through Service.RunCaseAction, so adding an action here needs no
// adapter change.
type CaseAction struct {
	Name     string
	Style    ButtonStyle
	Statuses []Status  // the case statuses whose card shows the button
	Form     *CaseForm // nil: the action runs at the click
	label    text
	// authorize checks, without changing anything, whether the actor may run the action on
	// the case as it is: adapters ask before they open a form.
	authorize func(s *Service, a Actor, c Case) error
	// run carries the action out; it checks the actor's permission itself, atomically with
	// the change where the store allows, whatever the adapter showed or asked before.
	run func(s *Service, ctx context.Context, a Actor, id, text, eventID string) (Card, error)
}

// Label is the button's label in the operator's language lang.
func (ca CaseAction) Label(lang string) string { return ca.label.In(lang) }

// ShownFor reports whether a card of a case in status st shows the action's button.
func (ca CaseAction) ShownFor(st Status) bool { return slices.Contains(ca.Statuses, st) }

// FormTitle is the form's title for case id; "" for an action without a form.
func (ca CaseAction) FormTitle(id string) string {
	if ca.Form == nil {
		return ""
	}
	return fmt.Sprintf(ca.Form.Title, id)
}

// Done is what the executive is told once the action ran on case id; "" when nothing.
func (ca CaseAction) Done(id string) string {
	if ca.Form == nil || ca.Form.Done == "" {
		return ""
	}
	return fmt.Sprintf(ca.Form.Done, id)
}

// CaseActions returns the case action table, in the order a card shows its buttons.
func CaseActions() []CaseAction {
	claimed := []Status{StatusClaimed}
	return []CaseAction{
		{Name: ActionClaim, Style: StylePrimary, Statuses: []Status{StatusOpen},
			label:     cardButtons.Claim,
			authorize: (*Service).authorizeClaim,
			run: func(s *Service, ctx context.Context, a Actor, id, _, eventID string) (Card, error) {
				return s.claim(ctx, a, id, eventID)
			}},
		{Name: ActionReply, Statuses: claimed,
			label: cardButtons.Reply,
			Form: &CaseForm{Title: "Reply on %s", Label: "Your message to the owner", Hint: "The owner reads this in their DM with the bot.",
				Submit: "Send", Limit: MaxReply, Required: true, Done: "Sent to the owner of %s."},
			authorize: (*Service).authorizeClaimer,
			run: func(s *Service, ctx context.Context, a Actor, id, text, eventID string) (Card, error) {
				return s.reply(ctx, a, id, text, eventID, "")
			}},
		{Name: ActionResolve, Style: StyleSuccess, Statuses: claimed,
			label: cardButtons.Resolve,
			Form: &CaseForm{Title: "Resolve %s", Label: "Resolution note", Hint: "The owner reads this note; the case is then resolved.",
				Submit: "Resolve", Limit: MaxNote, Required: true, Done: "%s is resolved; the owner was told."},
			authorize: (*Service).authorizeClaimer,
			run:       (*Service).resolve},
		{Name: ActionRelease, Statuses: claimed,
			label:     cardButtons.Release,
			authorize: (*Service).authorizeClaimer,
			run: func(s *Service, ctx context.Context, a Actor, id, _, eventID string) (Card, error) {
				return s.release(ctx, a, id, eventID)
			}},
	}
}

// CaseActionNamed finds an action of the table by name.
func CaseActionNamed(name string) (CaseAction, bool) {
	for _, ca := range CaseActions() {
		if ca.Name == name {
			return ca, true
		}
	}
	return CaseAction{}, false
}

// caseAction finds an action of the table, or refuses the name with ErrUnknownCaseAction.
func caseAction(name string) (CaseAction, error) {
	if ca, ok := CaseActionNamed(name); ok {
		return ca, nil
	}
	var names []string
	for _, ca := range CaseActions() {
		names = append(names, ca.Name)
	}
	slices.Sort(names)
	refusal := Errorf(CodeInvalid, "Unknown action %q: use %s or %s.", name,
		strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
	return CaseAction{}, fmt.Errorf("%w: %w", ErrUnknownCaseAction, refusal)
}

// RunCaseAction runs an executive's button or form on case id: text is what the form asked
// for ("" for an action without one). eventID, when set, names the platform event (a click, a
// form submitted): the same event run again (after a crash, a client's retry) changes nothing
// and is answered with the case as it is, not refused. The actor's permission is checked
// here, on every run, whatever the buttons showed.
func (s *Service) RunCaseAction(ctx context.Context, a Actor, name, id, text, eventID string) (Card, error) {
	ca, err := caseAction(name)
	if err != nil {
		return Card{}, err
	}
	return ca.run(s, ctx, a, id, text, eventID)
}

// ExecAction is RunCaseAction, with note as the form's text.
func (s *Service) ExecAction(ctx context.Context, a Actor, action, id, note, eventID string) (Card, error) {
	return s.RunCaseAction(ctx, a, action, id, note, eventID)
}

// AuthorizeCaseAction tells whether the actor may run the action on the case now, without
// running it: adapters ask before they open a form (a Slack or Discord modal).
func (s *Service) AuthorizeCaseAction(ctx context.Context, a Actor, name, id string) error {
	c, err := s.getCase(ctx, id)
	if err != nil {
		return err
	}
	ca, err := caseAction(name)
	if err != nil {
		return err
	}
	return ca.authorize(s, a, c)
}

// Authorize is AuthorizeCaseAction.
func (s *Service) Authorize(ctx context.Context, a Actor, action, id string) error {
	return s.AuthorizeCaseAction(ctx, a, action, id)
}

func (s *Service) authorizeClaim(a Actor, c Case) error {
	if !s.CanClaim(a) {
		return Errorf(CodeForbidden, "Only executives of the escalation line may claim cases.")
	}
	if c.Status != StatusOpen {
		return s.refusal(c, Transition{Actor: a.ID, To: StatusClaimed})
	}
	return nil
}

func (s *Service) authorizeClaimer(a Actor, c Case) error {
	if c.Status != StatusClaimed {
		return Errorf(CodeConflict, "%s is %s; claim it first.", c.ID, c.Status)
	}
	if c.ClaimedBy != a.ID && !s.IsModerator(a) {
		return Errorf(CodeForbidden, "%s is claimed by %s; only they or a moderator can do that.", c.ID, c.ClaimedByName)
	}
	return nil
}

// cardButtonTexts are the labels of a card's buttons, in the operator's language.
type cardButtonTexts struct{ Claim, Reply, Resolve, Release text }

var cardButtons = cardButtonTexts{
	Claim:   text{En: "Claim", De: "Übernehmen", Fr: "Prendre en charge", Es: "Tomar"},
	Reply:   text{En: "Reply", De: "Antworten", Fr: "Répondre", Es: "Responder"},
	Resolve: text{En: "Resolve", De: "Lösen", Fr: "Résoudre", Es: "Resolver"},
	Release: text{En: "Release", De: "Freigeben", Fr: "Libérer", Es: "Liberar"},
}
