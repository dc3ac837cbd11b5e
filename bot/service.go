package bot

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"escalation-bot/conversation"
)

// Config is the part of the configuration the core reads.
type Config struct {
	// Channels are the escalation channels, platform-qualified: "web:escalations", "slack:C0123ABC".
	Channels []string
	// SessionTTL is how long an idle intake session is kept.
	SessionTTL time.Duration
	// RateLimit is how many events an owner may send in the store's rate window.
	RateLimit int64
	// Claimers may claim cases: identities ("slack:T1:U1"), role names ("role:123") or a
	// platform wildcard ("web:*"). Empty: anyone who can see the escalation channel.
	Claimers []string
	// Moderators may run moderator commands and act on any case, in the same notation.
	Moderators []string
	// SummaryTimeout bounds the summarizer; past it the template summary is used.
	SummaryTimeout time.Duration
	// ExtractTimeout bounds reading fields from an owner's message, inside the owner's turn.
	ExtractTimeout time.Duration

	// The clocks of a case, in support time; zero turns one off (see clocks.go).
	RemindUnclaimedAfter     time.Duration
	EscalateUnclaimedAfter   time.Duration
	RemindClaimedSilentAfter time.Duration
	// SupportHours are when the clocks run; the zero Hours are always.
	SupportHours Hours
	// OnCall are named in reminders and escalations: Slack user groups ("group:S123"),
	// Discord roles ("role:123"), identities.
	OnCall []string
	// BackupChannels are the next tier: an escalated case's card is posted there too.
	BackupChannels []string
	// ConfirmResolutionWithin is how long the owner may confirm or dispute a resolution;
	// zero: owners are not asked.
	ConfirmResolutionWithin time.Duration
	// CooldownAfterCase is how long after a case ends its owner waits to open another; zero:
	// no wait.
	CooldownAfterCase time.Duration
	// DigestAt is when the escalation channels get the daily digest; nil: never.
	DigestAt *Daily
	// PatternAlertAt is how many open cases of one model, model year and category make the
	// escalation channels be told; zero: never.
	PatternAlertAt int
	// VerifyOwner is what the line does with the check that an owner owns the vehicle of their
	// case (REQUIRE_VERIFIED_OWNER); "" is off.
	VerifyOwner VerifyMode
	// Language is the operator's language (one of conversation.Languages): executives read a
	// case's card, answers and template summary in it. Empty: the flow's own language.
	Language string
	// FileMaxBytes is the largest file an owner may send; FileTTL is how long owners' files
	// are kept once they belong to a case (during the intake: SessionTTL).
	FileMaxBytes int64
	FileTTL      time.Duration
	// Retention is how long after a case ends its personal data is erased (see erase.go);
	// zero: kept until someone is forgotten.
	Retention time.Duration
}

// Defaults fills the zero fields of c.
func (c Config) Defaults() Config {
	if len(c.Channels) == 0 {
		c.Channels = []string{"web:escalations"}
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = 7 * 24 * time.Hour
	}
	if c.RateLimit == 0 {
		c.RateLimit = 30
	}
	if c.SummaryTimeout == 0 {
		c.SummaryTimeout = 20 * time.Second
	}
	if c.ExtractTimeout == 0 {
		c.ExtractTimeout = 5 * time.Second
	}
	if c.FileMaxBytes == 0 {
		c.FileMaxBytes = DefaultFileMaxBytes
	}
	if c.FileTTL == 0 {
		c.FileTTL = DefaultFileTTL
	}
	return c
}

// Actor is an executive or a moderator acting through a platform.
type Actor struct {
	ID    Identity
	Name  string
	Roles []string // platform roles or user groups, as "role:<id>" / "group:<id>"
}

// Service is the case service: it runs intake turns, creates cases, claims, relays and moderates.
type Service struct {
	cfg       Config
	engine    *conversation.Engine
	extractor conversation.Extractor
	// rules read an owner's first message, before consent: nothing leaves for a model then.
	rules *conversation.RuleExtractor
	// extractKeys are the flow's steps that free text often answers.
	extractKeys []string
	sessions    SessionStore
	// guesser is sessions when it can guess (see Guesser), else nil.
	guesser    Guesser
	cases      CaseStore
	moderation Moderation
	due        DueQueue
	dialogues  Dialogues
	// ownership asks the maker's records; verifications keep the moderators' word.
	ownership     OwnershipChecker
	verifications Verifications
	files         FileStore
	eraser        Eraser
	admission     Admission
	summarizer    Summarizer
	hooks         []Hook
	messengers    map[string]Messenger
	clock         Clock
	observer      Observer
	log           *slog.Logger

	// alerted is the day each pattern's alert was made, as far as this process knows: the
	// cases of a widespread fault after the first of the day need not ask the store again.
	alertedMu sync.Mutex
	alerted   map[string]string
}

// Params are the service's dependencies. Due, Dialogues, Hooks, Admission and Observer may be
// left out; Clock, Summarizer and Logger have defaults.
type Params struct {
	Config     Config
	Engine     *conversation.Engine
	Extractor  conversation.Extractor
	Sessions   SessionStore
	Cases      CaseStore
	Moderation Moderation
	Due        DueQueue
	Dialogues  Dialogues
	// Ownership and Verifications are needed when Config.VerifyOwner is not off.
	Ownership     OwnershipChecker
	Verifications Verifications
	Files         FileStore
	Eraser        Eraser
	Admission     Admission
	Summarizer    Summarizer
	Messengers    []Messenger
	Hooks         []Hook
	Clock         Clock
	Observer      Observer
	Logger        *slog.Logger
}

// NewService builds the service.
func NewService(p Params) *Service {
	s := &Service{
		cfg:           p.Config.Defaults(),
		engine:        p.Engine,
		extractor:     p.Extractor,
		sessions:      p.Sessions,
		cases:         p.Cases,
		moderation:    p.Moderation,
		due:           p.Due,
		dialogues:     p.Dialogues,
		ownership:     p.Ownership,
		verifications: p.Verifications,
		files:         p.Files,
		eraser:        p.Eraser,
		admission:     p.Admission,
		summarizer:    p.Summarizer,
		messengers:    make(map[string]Messenger),
		hooks:         p.Hooks,
		clock:         p.Clock,
		observer:      p.Observer,
		log:           p.Logger,
	}
	s.guesser, _ = p.Sessions.(Guesser)
	if s.clock == nil {
		s.clock = SystemClock{}
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.observer == nil {
		s.observer = noObserver{}
	}
	if s.summarizer == nil {
		s.summarizer = NewTemplateSummarizer()
	}
	if s.engine != nil {
		s.rules = conversation.NewRuleExtractor(s.engine.Flow())
		for _, st := range s.engine.Flow().Steps {
			if slices.Contains(conversation.ExtractRoles(), st.FieldRole()) {
				s.extractKeys = append(s.extractKeys, st.ID)
			}
		}
	}
	for _, m := range p.Messengers {
		s.messengers[m.Platform()] = m
	}
	return s
}

// Channels returns the channels case cards are posted in: the escalation channels, then the
// backup channels escalated cases go to. Case buttons are valid in all of them.
func (s *Service) Channels() []string {
	return append(slices.Clone(s.cfg.Channels), s.cfg.BackupChannels...)
}

// Engine returns the dialogue engine, for adapters that render its flow.
func (s *Service) Engine() *conversation.Engine { return s.engine }

// messenger returns the messenger of a platform-qualified address ("slack:C1", "web:dana").
func (s *Service) messenger(address string) (Messenger, string, bool) {
	platform, rest, _ := strings.Cut(address, ":")
	m, ok := s.messengers[platform]
	return m, rest, ok
}

// tellOwner sends replies to the owner's DM, and keeps them in the owner's dialogue.
func (s *Service) tellOwner(ctx context.Context, owner Identity, d Delivery, replies ...conversation.Reply) error {
	return s.tellOwnerOf(ctx, owner, "", d, replies...)
}

// tellOwnerOf is tellOwner keeping the replies with case caseID too (the owner's own case).
// They are kept before they are sent, so a page that reads the dialogue when the message
// arrives finds it; a delivery sent again keeps them once, by its key.
func (s *Service) tellOwnerOf(ctx context.Context, owner Identity, caseID string, d Delivery, replies ...conversation.Reply) error {
	if s.dialogues != nil && len(replies) > 0 {
		a := Appending{Case: caseID, TTL: s.cfg.SessionTTL}
		if d.Key != "" {
			a.Key = "told:" + d.Key
		}
		if err := s.dialogues.Append(ctx, owner, a, botLines(replies, s.clock.Now())...); err != nil {
			s.log.WarnContext(ctx, "keep the dialogue", "owner", owner, "err", err)
		}
	}
	m, _, ok := s.messenger(string(owner))
	if !ok {
		// An owner of a platform that is no longer configured can never be told.
		s.log.WarnContext(ctx, "no messenger for owner", "owner", owner)
		return nil
	}
	if err := m.SendToOwner(ctx, owner, replies, d); err != nil {
		return fmt.Errorf("tell %s: %w", owner, err)
	}
	return nil
}

// postCase posts the card to every escalation channel it is not in yet and returns in how
// many it is still missing. With recheck, a post may have happened before without being
// recorded, so a messenger that can find its cards looks first.
func (s *Service) postCase(ctx context.Context, c Case, recheck bool) (missing int) {
	if c.Status == StatusPending {
		return 0 // held until a moderator verifies its owner
	}
	return s.postCard(ctx, c, recheck, s.patternOf(ctx, c))
}

// postCard is postCase with c's pattern read.
func (s *Service) postCard(ctx context.Context, c Case, recheck bool, p patternCases) (missing int) {
	card := s.cardOf(c)
	card.Related, card.RelatedMore = p.related(c)
	for _, ch := range s.channelsOf(c) {
		if posted(c, ch) {
			continue
		}
		m, id, ok := s.messenger(ch)
		if !ok {
			// A channel of a platform that is not configured can never be posted to.
			s.log.WarnContext(ctx, "no messenger for escalation channel", "channel", ch)
			continue
		}
		ref, err := "", error(nil)
		if f, ok := m.(CardFinder); ok && recheck {
			if ref, err = f.FindCard(ctx, id, c.ID); err != nil {
				s.log.ErrorContext(ctx, "look for an earlier case card", "case", c.ID, "channel", ch, "err", err)
				missing++
				continue
			}
			if ref != "" {
				s.log.InfoContext(ctx, "case card found, not posted again", "case", c.ID, "channel", ch)
			}
		}
		if ref == "" {
			ref, err = m.PostCard(ctx, id, card)
		}
		if err != nil {
			s.log.ErrorContext(ctx, "post case card", "case", c.ID, "channel", ch, "err", err)
			missing++
			continue
		}
		p := Post{Channel: ch, Ref: ref}
		if err := s.cases.AddPost(ctx, c.ID, p); err != nil {
			s.log.ErrorContext(ctx, "record case post", "case", c.ID, "channel", ch, "err", err)
			missing++
		}
		c.Posts = append(c.Posts, p)
	}
	return missing
}

func posted(c Case, channel string) bool {
	for _, p := range c.Posts {
		if p.Channel == channel {
			return true
		}
	}
	return false
}

// refreshCards updates the card in place everywhere it was posted. A platform may deliver an
// older edit after a newer one (a 429 makes one wait), so after its edits it reads the case
// again and edits once more while what it showed is no longer the case's state: the last
// writer always shows the latest state. It returns the last failure, after trying every card.
func (s *Service) refreshCards(ctx context.Context, c Case) error {
	pattern := s.patternOf(ctx, c) // other cases: the same for every edit below
	for range 3 {
		var failed error
		card := s.cardOf(c)
		card.Related, card.RelatedMore = pattern.related(c)
		for _, p := range c.Posts {
			m, id, ok := s.messenger(p.Channel)
			if !ok {
				continue
			}
			if err := m.UpdateCard(ctx, id, p.Ref, card); err != nil {
				failed = fmt.Errorf("update card of %s in %s: %w", c.ID, p.Channel, err)
			}
		}
		latest, err := s.cases.Get(ctx, c.ID)
		if err != nil || sameCard(latest, c) {
			return failed
		}
		c = latest
	}
	return nil
}

// sameCard reports whether two states of a case render the same status line and buttons.
func sameCard(a, b Case) bool {
	return a.Status == b.Status && a.ClaimedBy == b.ClaimedBy && a.Note == b.Note && len(a.Posts) == len(b.Posts) && a.Ownership == b.Ownership
}

// Card returns the card of a case.
func (s *Service) Card(ctx context.Context, id string) (Card, error) {
	c, err := s.getCase(ctx, id)
	if err != nil {
		return Card{}, err
	}
	return s.cardOf(c), nil
}

// cardOf is the card of a case with its next deadline.
func (s *Service) cardOf(c Case) Card {
	card := CardIn(c, s.engine.Language(s.cfg.Language))
	card.Due = s.nextDeadline(c)
	return card
}

// channelsOf are the channels the case's card belongs in: the escalation channels, and the
// backup channels once it escalated.
func (s *Service) channelsOf(c Case) []string {
	if c.Escalated() {
		return append(slices.Clone(s.cfg.Channels), s.cfg.BackupChannels...)
	}
	return s.cfg.Channels
}

// Cards returns the cards of recent cases, newest first.
func (s *Service) Cards(ctx context.Context, limit int) ([]Card, error) {
	cs, err := s.cases.List(ctx, limit, StatusOpen, StatusClaimed, StatusResolved, StatusClosed)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	// The cards of one listing relate by the open cases it holds: each pattern's, oldest first,
	// read as the store's pattern index would be.
	groups := map[string][]string{}
	for _, c := range cs {
		if c.Pattern != "" && c.Open() {
			groups[c.Pattern] = append(groups[c.Pattern], c.ID)
		}
	}
	for _, ids := range groups {
		slices.SortFunc(ids, compareCaseIDs)
	}
	cards := make([]Card, len(cs))
	for i, c := range cs {
		cards[i] = s.cardOf(c)
		if ids, ok := groups[c.Pattern]; ok {
			cards[i].Related, cards[i].RelatedMore = patternCases{newest: ids, total: len(ids)}.related(c)
		}
	}
	return cards, nil
}

// Thread returns the messages relayed on a case, oldest first.
func (s *Service) Thread(ctx context.Context, id string) ([]ThreadMessage, error) {
	entries, err := s.cases.Audit(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", id, err)
	}
	return s.threadOf(id, entries), nil
}

// Threads is Thread of several cases, by case id, read at once: a page of cards costs one
// read for all their threads.
func (s *Service) Threads(ctx context.Context, ids []string) (map[string][]ThreadMessage, error) {
	audits, err := s.cases.Audits(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("audits of %d cases: %w", len(ids), err)
	}
	out := make(map[string][]ThreadMessage, len(audits))
	for id, entries := range audits {
		out[id] = s.threadOf(id, entries)
	}
	return out, nil
}

// threadOf is the thread of case id told by its audit entries.
func (s *Service) threadOf(id string, entries []AuditEntry) []ThreadMessage {
	var out []ThreadMessage
	for _, e := range entries {
		role := "bot"
		switch e.Action {
		case "owner_message", "file":
			role = "owner"
		case "exec_message":
			role = "executive"
		case "created", "nudge": // the nudge is the claimer's, not the channel's
			continue
		}
		text := e.Text
		if role == "bot" {
			text = describeAudit(e)
		}
		m := ThreadMessage{CaseID: id, From: e.Name, Role: role, Text: text, At: e.At, File: e.File}
		if e.Action == "remind" || e.Action == "escalate" {
			m.Mentions = s.cfg.OnCall
		}
		out = append(out, m)
	}
	return out
}

func describeAudit(e AuditEntry) string {
	switch e.Action {
	case "claim":
		return e.Name + " claimed the case"
	case "assign":
		return e.Name + " assigned the case: " + e.Text
	case "release":
		return e.Name + " released the case"
	case "resolve":
		return e.Name + " resolved the case: " + e.Text
	case "close":
		return e.Name + " closed the case: " + e.Text
	case "reopen":
		return e.Name + " reopened the case"
	case "attach":
		return "Another report for this vehicle: " + e.Text
	case "dispute":
		return e.Name + " says the case is not solved; it is back with its claimer"
	case "confirm":
		return e.Name + " confirmed the case is solved"
	case "rate":
		return e.Name + " rated the handling " + e.Text + " of 5"
	case "comment":
		return e.Name + " commented: " + e.Text
	case "remind":
		return e.Text
	case "escalate":
		return "Escalated: " + e.Text
	case "pattern":
		return "Pattern: " + e.Text
	case "verify":
		if e.Actor == botActor {
			return e.Name + " confirm that the owner owns the vehicle"
		}
		return e.Name + " verified that the owner owns the vehicle"
	case "unverify":
		if e.Actor == botActor {
			return e.Name + " do not confirm that the owner owns the vehicle"
		}
		return e.Name + " took back the verification of the owner"
	case "language":
		return e.Name + " asked to be written to in " + conversation.LanguageName(e.Text)
	case "erase":
		return describeErasure(e)
	}
	return e.Name + " " + e.Action + " " + e.Text
}

func (s *Service) getCase(ctx context.Context, id string) (Case, error) {
	id, err := ParseCaseID(id)
	if err != nil {
		return Case{}, err
	}
	c, err := s.cases.Get(ctx, id)
	if err != nil {
		if isNotFound(err) {
			return Case{}, Errorf(CodeNotFound, "There is no case %s.", id)
		}
		return Case{}, fmt.Errorf("get case %s: %w", id, err)
	}
	return c, nil
}

var caseIDPattern = regexp.MustCompile(`^ESC-[0-9]{1,12}$`)

// IsCaseID reports whether id is a case id in its stored form, ESC-1042.
func IsCaseID(id string) bool { return caseIDPattern.MatchString(id) }

// ParseCaseID normalizes a case id a person typed and refuses what cannot be one.
func ParseCaseID(id string) (string, error) {
	norm := NormalizeCaseID(id)
	if !IsCaseID(norm) {
		return "", Errorf(CodeNotFound, "There is no case %q; case ids look like ESC-1042.", Truncate(strings.TrimSpace(id), 20))
	}
	return norm, nil
}

// NormalizeCaseID accepts "esc-1042", "1042" and "ESC-1042".
func NormalizeCaseID(id string) string {
	id = strings.ToUpper(strings.TrimSpace(id))
	id = strings.TrimPrefix(id, "#")
	if id != "" && !strings.HasPrefix(id, "ESC-") {
		id = "ESC-" + id
	}
	return id
}

// ago says how long ago t was, in words an executive reads at a glance.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}
