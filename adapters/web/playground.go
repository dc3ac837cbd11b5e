package web

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"escalation-bot/ttlcache"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/presentation"
)

const (
	// maxBody bounds every JSON request; owner text is cut far below this by the core anyway.
	maxBody = 64 << 10
	// maxName is the longest owner or executive name, in runes.
	maxName = 64
	// maxIdempotencyKey bounds the Idempotency-Key header, which becomes a Redis key.
	maxIdempotencyKey = 200
	// channelLimit is how many cases the channel pane shows.
	channelLimit = 50
	// heartbeat keeps idle event streams open through proxies that close silent connections.
	heartbeat = 25 * time.Second
)

// Playground serves the playground page and its JSON API.
type Playground struct {
	svc core
	hub *Hub
	log *slog.Logger
	// csrf refuses cross-site browser requests (Sec-Fetch-Site / Origin), so a page the
	// developer visits cannot drive the playground.
	csrf *http.CrossOriginProtection

	mu      sync.Mutex
	servers map[*http.Server]bool // servers whose shutdown already ends the event streams
	// files are what commands handed over (an export), kept a while for their download link,
	// by a random token and the executive they were made for.
	files *ttlcache.Cache[commandFile]
}

// commandFile is a file a command handed to an executive, waiting for its download.
type commandFile struct {
	exec bot.Identity
	file bot.File
}

// fileTTL is how long a command's file can be downloaded.
const fileTTL = 15 * time.Minute

// NewPlayground returns the playground over the service, delivering through hub.
func NewPlayground(svc core, hub *Hub, logger *slog.Logger) *Playground {
	if logger == nil {
		logger = slog.Default()
	}
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusForbidden, errorBody{Error: "Cross-site requests are refused: use the playground page itself."})
	}))
	return &Playground{svc: svc, hub: hub, log: logger.With("adapter", "web"), csrf: csrf, servers: make(map[*http.Server]bool),
		files: ttlcache.New[commandFile](fileTTL, 1000)}
}

// Register adds the page and the API to mux.
func (p *Playground) Register(mux *http.ServeMux) {
	guard := func(h http.HandlerFunc) http.Handler { return localOnly(p.csrf.Handler(h)) }
	mux.Handle("GET /{$}", guard(p.page))
	mux.Handle("GET /static/", http.FileServerFS(staticFS))
	mux.Handle("POST /api/owners/{name}/messages", guard(p.ownerMessage))
	mux.Handle("POST /api/owners/{name}/actions", guard(p.ownerAction))
	mux.Handle("GET /api/owners/{name}/history", guard(p.ownerHistory))
	mux.Handle("POST /api/owners/{name}/attachments", guard(p.ownerAttachment))
	mux.Handle("GET /api/files/{id}", guard(p.ownerFile))
	mux.Handle("GET /api/channel", guard(p.channel))
	mux.Handle("POST /api/execs/{name}/actions", guard(p.execAction))
	mux.Handle("POST /api/execs/{name}/commands", guard(p.execCommand))
	mux.Handle("GET /api/execs/{name}/exports/{case}", guard(p.export))
	mux.Handle("GET /api/execs/{name}/files/{token}", guard(p.file))
	mux.Handle("GET /api/events", guard(p.events))
	mux.Handle("POST /api/owners/{name}/registration", guard(p.registration))
	mux.Handle("GET /api/execs/{name}/proofs", guard(p.proofs))
	mux.Handle("GET /api/execs/{name}/proofs/{id}/photo", guard(p.proofPhoto))
	mux.Handle("POST /api/execs/{name}/proofs/{id}", guard(p.decideProof))
}

// localOnly refuses requests whose Host is not localhost or a loopback address. The playground
// has no login: it is for trying the bot on one's own machine, and a web page must not reach
// it through DNS rebinding (a hostile name that resolves to 127.0.0.1).
func localOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if hn, _, err := net.SplitHostPort(host); err == nil {
			host = hn
		}
		host = strings.Trim(host, "[]")
		if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && !strings.EqualFold(host, "localhost") {
			writeJSON(w, http.StatusForbidden, errorBody{Error: "The playground answers only on localhost: it has no login and is meant for trying the bot on your own machine."})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Card is a case as the playground API returns it.
type Card struct {
	ID        string            `json:"id"`
	Title     string            `json:"title"`
	Status    bot.Status        `json:"status"`
	Owner     string            `json:"owner"`
	ClaimedBy string            `json:"claimed_by"` // display name; empty while open
	Severity  bot.Severity      `json:"severity"`
	Safety    bool              `json:"safety"`
	Category  string            `json:"category,omitempty"`
	Summary   string            `json:"summary"`
	Ask       string            `json:"ask,omitempty"`
	Fields    map[string]string `json:"fields"`  // answer key → value
	Answers   []bot.Answer      `json:"answers"` // the same, in flow order with labels, for display
	Buttons   []CardButton      `json:"buttons"`
	Thread    []ThreadLine      `json:"thread"`
	CreatedAt time.Time         `json:"created_at"`
	Automatic bool              `json:"automatic"`
	Note      string            `json:"note"`
	// The case's clocks and the owner's verdict.
	Reminders     int    `json:"reminders"`
	Escalated     bool   `json:"escalated"`
	Due           string `json:"due"` // the next deadline, RFC 3339; "" when none
	Rating        int    `json:"rating"`
	RatingComment string `json:"rating_comment,omitempty"`
	// Related are the other open cases of the same model, model year and category, the
	// newest of them; RelatedMore counts the others.
	Related     []string `json:"related"`
	RelatedMore int      `json:"related_more,omitempty"`
	// Ownership is whether the owner owns the vehicle: verified, unverified, unknown, or ""
	// when no check ran.
	Ownership bot.Ownership `json:"ownership"`
	// Language is the operator's, in which the page shows the card: Labels are its labels by
	// part (presentation.Labels), StatusText and SeverityText its status and severity.
	Language     string            `json:"language"`
	Labels       map[string]string `json:"labels"`
	StatusText   string            `json:"status_text"`
	SeverityText string            `json:"severity_text"`
	// Translation is the owner's words in the operator's language, by a model, under
	// TranslationLabel; the answers hold the original.
	Translation      string `json:"translation,omitempty"`
	TranslationLabel string `json:"translation_label,omitempty"`
}

// CardButton is a card's button as the page renders it, from the case action table
// (bot.CaseActions): its style, and the form it opens for a text before the action runs.
type CardButton struct {
	conversation.Button
	Style bot.ButtonStyle `json:"style,omitempty"`
	Form  *CardForm       `json:"form,omitempty"`
}

// CardForm is the inline input of an action that asks for a text (bot.CaseForm).
type CardForm struct {
	Label     string `json:"label"`
	Submit    string `json:"submit"`
	MaxLength int    `json:"max_length"`
	Required  bool   `json:"required"`
}

// cardButtons renders a card's buttons from the case action table.
func cardButtons(buttons []conversation.Button) []CardButton {
	out := make([]CardButton, 0, len(buttons))
	for _, b := range buttons {
		cb := CardButton{Button: b}
		if ca, ok := bot.CaseActionNamed(b.Action); ok {
			cb.Style = ca.Style
			if f := ca.Form; f != nil {
				cb.Form = &CardForm{Label: f.Label, Submit: f.Submit, MaxLength: f.Limit, Required: f.Required}
			}
		}
		out = append(out, cb)
	}
	return out
}

// ThreadLine is one message under a card.
type ThreadLine struct {
	From string    `json:"from"`
	Role string    `json:"role"` // owner, executive, bot
	Text string    `json:"text"`
	At   time.Time `json:"at"`
	// Mentions are the playground names the line calls on (a reminder's on-call people).
	Mentions []string `json:"mentions,omitempty"`
	// File is the file an owner sent with the line, and URL where it is served.
	File *FileInfo `json:"file,omitempty"`
	URL  string    `json:"url,omitempty"`
}

// FileInfo describes a file in a thread line.
type FileInfo struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
}

func cardOf(c bot.Card, thread []bot.ThreadMessage) Card {
	out := Card{
		ID:        c.ID,
		Title:     c.Title,
		Status:    c.Status,
		Owner:     c.Owner,
		ClaimedBy: c.ClaimedByName,
		Severity:  c.Severity,
		Safety:    c.Safety,
		Category:  c.Category,
		Summary:   c.Summary,
		Ask:       c.Ask,
		Fields:    make(map[string]string, len(c.Fields)),
		Answers:   c.Fields,
		Buttons:   cardButtons(c.Buttons),
		Thread:    make([]ThreadLine, 0, len(thread)),
		CreatedAt: c.CreatedAt,
		Automatic: c.Automatic,
		Note:      c.Note,

		Reminders:     c.Reminders,
		Escalated:     c.Escalated,
		Rating:        c.Rating,
		RatingComment: c.RatingComment,
		Related:       c.Related,
		RelatedMore:   c.RelatedMore,
		Ownership:     c.Ownership,

		Language:     c.Language,
		Labels:       presentation.Labels(c.Language),
		StatusText:   presentation.StatusWord(c.Status, c.Language),
		SeverityText: presentation.SeverityWord(c.Severity, c.Language),
		Translation:  c.Translation,
	}
	if c.Translation != "" {
		out.TranslationLabel = presentation.TranslationLabel(c.Language, c.TranslatedFrom)
	}
	if out.Related == nil {
		out.Related = []string{}
	}
	if !c.Due.IsZero() {
		out.Due = c.Due.UTC().Format(time.RFC3339)
	}
	for _, a := range c.Fields {
		out.Fields[a.Key] = a.Value
	}
	if out.Answers == nil {
		out.Answers = []bot.Answer{}
	}
	for _, m := range thread {
		line := ThreadLine{From: m.From, Role: m.Role, Text: m.Text, At: m.At}
		if f := m.File; f != nil {
			line.File = &FileInfo{Name: f.Name, Type: f.Type, Size: f.Size}
			line.URL = "/api/files/" + url.PathEscape(f.ID)
		}
		for _, who := range m.Mentions {
			if name, ok := strings.CutPrefix(who, Platform+":"); ok && name != "" {
				line.Mentions = append(line.Mentions, name)
			}
		}
		out.Thread = append(out.Thread, line)
	}
	return out
}

// withThread adds the case's thread to its card.
func (p *Playground) withThread(ctx context.Context, c bot.Card) (Card, error) {
	thread, err := p.svc.Thread(ctx, c.ID)
	if err != nil {
		return Card{}, fmt.Errorf("thread of %s: %w", c.ID, err)
	}
	return cardOf(c, thread), nil
}

type messageRequest struct {
	Text string `json:"text"`
}

type actionRequest struct {
	Action string `json:"action"`
	Value  string `json:"value"`
}

type execActionRequest struct {
	Action string `json:"action"`
	Case   string `json:"case"`
	Note   string `json:"note"`
}

func (p *Playground) ownerMessage(w http.ResponseWriter, r *http.Request) {
	var req messageRequest
	if !p.decode(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.Text) == "" {
		p.badRequest(w, "The message is empty.")
		return
	}
	p.handleOwner(w, r, func(ev *bot.OwnerEvent) { ev.Text = req.Text })
}

func (p *Playground) ownerAction(w http.ResponseWriter, r *http.Request) {
	var req actionRequest
	if !p.decode(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.Action) == "" {
		p.badRequest(w, "The action is missing.")
		return
	}
	p.handleOwner(w, r, func(ev *bot.OwnerEvent) { ev.Action, ev.Value = req.Action, req.Value })
}

// historyBody is the answer of the history endpoint: the owner's dialogue, oldest first.
type historyBody struct {
	Lines []bot.Line `json:"lines"`
}

// ownerHistory answers the owner's dialogue, so a page that opens shows it whole.
func (p *Playground) ownerHistory(w http.ResponseWriter, r *http.Request) {
	name, ok := p.name(w, r.PathValue("name"))
	if !ok {
		return
	}
	lines, err := p.svc.Dialogue(r.Context(), ownerIdentity(name))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if lines == nil {
		lines = []bot.Line{}
	}
	writeJSON(w, http.StatusOK, historyBody{Lines: lines})
}

// handleOwner runs one owner event; set fills in what the owner did.
func (p *Playground) handleOwner(w http.ResponseWriter, r *http.Request, set func(*bot.OwnerEvent)) {
	name, ok := p.name(w, r.PathValue("name"))
	if !ok {
		return
	}
	ev := bot.OwnerEvent{Owner: ownerIdentity(name), Name: name}
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if len(key) > maxIdempotencyKey {
			p.badRequest(w, fmt.Sprintf("The Idempotency-Key header is longer than %d characters.", maxIdempotencyKey))
			return
		}
		// Scoped to the owner so a playground client cannot mark another platform's events seen.
		ev.ID = string(ev.Owner) + ":" + key
		// A client sends a key again when it did not get the answer: if the first request was
		// carried out, the answer says where the owner stands.
		ev.Redelivered = true
	}
	set(&ev)
	replies, err := p.svc.HandleOwner(r.Context(), ev)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if replies == nil {
		replies = []conversation.Reply{}
	}
	writeJSON(w, http.StatusOK, ownerEvent{Replies: replies})
}

func (p *Playground) channel(w http.ResponseWriter, r *http.Request) {
	cards, err := p.svc.Cards(r.Context(), channelLimit)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	// The threads of the page are read at once: the pane costs a few round trips, not one
	// per card.
	ids := make([]string, len(cards))
	for i, c := range cards {
		ids[i] = c.ID
	}
	threads, err := p.svc.Threads(r.Context(), ids)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	out := make([]Card, 0, len(cards))
	for _, c := range cards {
		out = append(out, cardOf(c, threads[c.ID]))
	}
	writeJSON(w, http.StatusOK, struct {
		Cases []Card `json:"cases"`
	}{out})
}

func (p *Playground) execAction(w http.ResponseWriter, r *http.Request) {
	name, ok := p.name(w, r.PathValue("name"))
	if !ok {
		return
	}
	var req execActionRequest
	if !p.decode(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.Case) == "" {
		p.badRequest(w, "Which case? The case field is missing.")
		return
	}
	// A client that sends the same request again (a timeout, a 503) with its Idempotency-Key
	// gets the case as it is, not a refusal of its own first try.
	event := ""
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if len(key) > maxIdempotencyKey {
			p.badRequest(w, fmt.Sprintf("The Idempotency-Key header is longer than %d characters.", maxIdempotencyKey))
			return
		}
		event = string(executive(name).ID) + ":exec:" + key
	}
	card, err := p.svc.RunCaseAction(r.Context(), executive(name), strings.ToLower(strings.TrimSpace(req.Action)), req.Case, req.Note, event)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	out, err := p.withThread(r.Context(), card)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Card Card `json:"card"`
	}{out})
}

func (p *Playground) execCommand(w http.ResponseWriter, r *http.Request) {
	name, ok := p.name(w, r.PathValue("name"))
	if !ok {
		return
	}
	var req messageRequest
	if !p.decode(w, r, &req) {
		return
	}
	exec := executive(name)
	answer, err := p.svc.Run(r.Context(), exec, commandLine(req.Text))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	type link struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	}
	links := []link{}
	for _, f := range answer.Files {
		token := rand.Text()
		p.files.Put(token, commandFile{exec: exec.ID, file: f})
		links = append(links, link{Name: f.Name, URL: "/api/execs/" + url.PathEscape(name) + "/files/" + token})
	}
	writeJSON(w, http.StatusOK, struct {
		Text  string `json:"text"`
		Files []link `json:"files"`
	}{answer.Text, links})
}

// file downloads a file a command handed to this executive.
func (p *Playground) file(w http.ResponseWriter, r *http.Request) {
	name, ok := p.name(w, r.PathValue("name"))
	if !ok {
		return
	}
	f, ok := p.files.Get(r.PathValue("token"))
	if !ok || f.exec != executive(name).ID {
		writeJSON(w, http.StatusNotFound, errorBody{Error: "That download has expired; run the command again."})
		return
	}
	w.Header().Set("Content-Type", f.file.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.file.Name+`"`)
	_, _ = w.Write(f.file.Data)
}

// export downloads a case's transcript as Markdown, or JSON with ?format=json (moderators).
func (p *Playground) export(w http.ResponseWriter, r *http.Request) {
	name, ok := p.name(w, r.PathValue("name"))
	if !ok {
		return
	}
	t, err := p.svc.Export(r.Context(), executive(name), r.PathValue("case"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	switch r.URL.Query().Get("format") {
	case "", "md", "markdown":
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+t.Case.ID+`.md"`)
		_, _ = io.WriteString(w, t.Markdown())
	case "json":
		w.Header().Set("Content-Disposition", `attachment; filename="`+t.Case.ID+`.json"`)
		writeJSON(w, http.StatusOK, t)
	default:
		p.badRequest(w, "Export as format=md or format=json.")
	}
}

// events streams `owner` events for the owner named in the query (if any) and `channel` events
// for everyone, until the page goes away or the server shuts down.
func (p *Playground) events(w http.ResponseWriter, r *http.Request) {
	owner := ""
	if q := r.URL.Query().Get("owner"); q != "" {
		var ok bool
		if owner, ok = p.name(w, q); !ok {
			return
		}
	}
	p.endStreamsOnShutdown(r)
	rc := http.NewResponseController(w)
	// A stream outlives any write timeout the server sets for ordinary requests.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		p.log.DebugContext(r.Context(), "clear write deadline of event stream", "err", err)
	}
	// Subscribed before the headers go out, so a client that sees the stream open misses nothing.
	sub := p.hub.subscribe(owner)
	defer p.hub.unsubscribe(sub)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx would otherwise hold events back
	w.WriteHeader(http.StatusOK)
	// The page reconnects after this many milliseconds when the stream breaks.
	if _, err := io.WriteString(w, "retry: 2000\n: connected\n\n"); err != nil || rc.Flush() != nil {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		var err error
		select {
		case <-r.Context().Done():
			return
		case <-sub.done:
			return
		case replies := <-sub.replies:
			err = writeEvent(w, "owner", ownerEvent{Replies: replies})
		case <-sub.channel:
			err = writeEvent(w, "channel", struct{}{})
		case <-tick.C:
			_, err = io.WriteString(w, ": ping\n\n")
		}
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			p.log.DebugContext(r.Context(), "event stream ended", "owner", owner, "err", err)
			return
		}
	}
}

// endStreamsOnShutdown makes the request's server end the event streams when it shuts down,
// since Shutdown waits for active requests and a stream never finishes on its own.
func (p *Playground) endStreamsOnShutdown(r *http.Request) {
	srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.servers[srv] {
		return
	}
	p.servers[srv] = true
	srv.RegisterOnShutdown(p.hub.disconnectAll)
}

func writeEvent(w io.Writer, name string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", name, err)
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b)
	return err
}

// decode reads a JSON body into v; on failure it has answered 400 or 413.
func (p *Playground) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON object")
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.As(err, &tooBig):
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf("The request body is larger than %d KiB.", maxBody>>10)})
	case errors.Is(err, io.EOF):
		p.badRequest(w, "The request body is empty; send a JSON object.")
	default:
		p.badRequest(w, "The request body is not valid JSON for this endpoint.")
	}
	return false
}

// name checks an owner or executive name: 1 to 64 letters (any script), digits, spaces, dots,
// underscores or dashes. It becomes part of an identity, so nothing else gets through.
func (p *Playground) name(w http.ResponseWriter, raw string) (string, bool) {
	name := strings.TrimSpace(raw)
	if err := checkName(name); err != "" {
		p.badRequest(w, err)
		return "", false
	}
	return name, true
}

func checkName(name string) string {
	if n := utf8.RuneCountInString(name); n == 0 || n > maxName {
		return fmt.Sprintf("A name has 1 to %d characters.", maxName)
	}
	if !utf8.ValidString(name) {
		return "A name must be valid UTF-8."
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" ._-", r) {
			return "A name may contain only letters, digits, spaces, dots, underscores and dashes."
		}
	}
	return ""
}

// mention is a word the playground reads as a mention: "@" and a name.
var mention = regexp.MustCompile(`(^|\s)@(\S+)`)

// broadcasts are the @-words that name no user.
var broadcasts = map[string]bool{"everyone": true, "here": true, "channel": true}

// commandLine turns the playground's mentions in a moderator command into identities: "@dana"
// names the playground user dana (web:dana), as a Slack or Discord mention names a user there.
// What is no name (a broadcast such as @everyone, a word with other characters) stays as it
// is, for the core to refuse where it expects a user.
func commandLine(text string) string {
	return mention.ReplaceAllStringFunc(text, func(m string) string {
		sub := mention.FindStringSubmatch(m)
		if checkName(sub[2]) != "" || broadcasts[strings.ToLower(sub[2])] {
			return m
		}
		return sub[1] + string(ownerIdentity(sub[2]))
	})
}

func ownerIdentity(name string) bot.Identity { return bot.Identity(Platform + ":" + name) }

func executive(name string) bot.Actor {
	return bot.Actor{ID: bot.Identity(Platform + ":" + name), Name: name}
}

type errorBody struct {
	Error string `json:"error"`
}

func (p *Playground) badRequest(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, errorBody{Error: msg})
}

// fail answers a service error: domain errors with their own message and status, anything else
// with a generic apology while the detail goes to the log.
func (p *Playground) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(bot.ErrorCode(err))
	if status >= http.StatusInternalServerError {
		p.log.ErrorContext(r.Context(), "playground request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusServiceUnavailable {
		// Nothing of the request was kept (Redis away): the client sends it again, with the
		// same Idempotency-Key, and it is carried out once.
		w.Header().Set("Retry-After", "2")
	}
	writeJSON(w, status, errorBody{Error: bot.ErrorMessage(err)})
}

func statusOf(code bot.Code) int {
	switch code {
	case bot.CodeConflict:
		return http.StatusConflict
	case bot.CodeInvalid:
		return http.StatusBadRequest
	case bot.CodeNotFound:
		return http.StatusNotFound
	case bot.CodeForbidden:
		return http.StatusForbidden
	}
	// Anything else is the service failing to do the work now, mostly Redis being away.
	return http.StatusServiceUnavailable
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// The status is sent; an encoding error here can only be a broken connection.
	_ = json.NewEncoder(w).Encode(v)
}
