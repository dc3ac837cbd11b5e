package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"

	"escalation-bot/conversation"
)

// Attachment is a file an owner sent: a photo, a PDF, a short video. The bot keeps it, so the
// executives read it where they read the case, whatever the platform's own links do later.
type Attachment struct {
	ID    string    `json:"id"`
	Name  string    `json:"name"`
	Type  string    `json:"type"` // one of the accepted content types (FileTypes)
	Size  int64     `json:"size"`
	Owner Identity  `json:"owner"`
	From  string    `json:"from"` // the owner's display name
	At    time.Time `json:"at"`
	Data  []byte    `json:"-"`
}

// Upload is a file as an adapter received it with an owner event.
type Upload struct {
	Name string
	// Type is the content type the platform or the browser declared; it may be empty or wrong:
	// the bytes decide.
	Type string
	// Size is the file's size: the platform's figure when the adapter did not fetch a file
	// over the limit (then Data is empty), else len(Data).
	Size int64
	Data []byte
	// Fetch, when set, gets Data from the platform. The core calls it once it takes the
	// turn's files, after every check that may turn the owner away (a block, the rate limit,
	// the admission, a paused intake), so that a refused owner's files are never downloaded.
	// It returns no bytes for a file the platform no longer hands over, and an error when the
	// file cannot be fetched now: the turn fails and the event runs again.
	Fetch func(context.Context) ([]byte, error)
}

// fetchFiles gets the bytes of the turn's files that the adapter left to fetch, once: a
// retried turn finds them fetched.
func fetchFiles(ctx context.Context, files []Upload) error {
	// The files past the most one event may carry are refused unread.
	for i := range files[:min(len(files), maxFilesPerEvent)] {
		u := &files[i]
		if u.Fetch == nil {
			continue
		}
		data, err := u.Fetch(ctx)
		if err != nil {
			return fmt.Errorf("fetch the file %s: %w", FileName(u.Name), err)
		}
		u.Fetch = nil
		if data != nil {
			u.Data, u.Size = data, int64(len(data))
		}
	}
	return nil
}

// FileStore keeps owners' files.
type FileStore interface {
	// Put stores the file under a.ID for ttl; putting the same id again replaces it.
	Put(ctx context.Context, a Attachment, ttl time.Duration) error
	// Get returns the file with its bytes, or ErrNotFound.
	Get(ctx context.Context, id string) (Attachment, error)
	// Info returns the file without its bytes, or ErrNotFound.
	Info(ctx context.Context, id string) (Attachment, error)
	// Keep sets how long the file is kept from now; a file that is gone is no error.
	Keep(ctx context.Context, id string, ttl time.Duration) error
}

// Defaults of the file limits (Config.FileMaxBytes, Config.FileTTL).
const (
	DefaultFileMaxBytes = 10 << 20
	DefaultFileTTL      = 365 * 24 * time.Hour
	// maxFilesPerEvent bounds the files one message may carry (Slack allows 10, Discord 10).
	maxFilesPerEvent = 10
	// maxFileName is the longest file name kept, in runes.
	maxFileName = 100
)

// fileTypes are the content types an owner may send: photos, PDF documents, short videos.
// SVG is not among them: it is a document that can carry scripts.
var fileTypes = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true,
	"image/heic": true, "image/heif": true,
	"application/pdf": true,
	"video/mp4":       true, "video/quicktime": true,
}

// unsniffable are accepted types the content sniffer does not know; for them the declared type
// (or the name's extension) is believed when the bytes look like an ISO media file.
var unsniffable = map[string]bool{"image/heic": true, "image/heif": true, "video/quicktime": true}

// byExtension are the accepted types by file name, for a platform that declares none.
var byExtension = map[string]string{
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
	".webp": "image/webp", ".heic": "image/heic", ".heif": "image/heif", ".pdf": "application/pdf",
	".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime",
}

// FileType decides the content type of a file an owner sent, from its bytes first and its
// declared type or name second, and reports whether it is one the bot accepts.
func FileType(name, declared string, data []byte) (string, bool) {
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if fileTypes[sniffed] {
		return sniffed, true
	}
	claimed, _, err := mime.ParseMediaType(declared)
	if err != nil || claimed == "" || claimed == "application/octet-stream" {
		claimed = byExtension[strings.ToLower(path.Ext(name))]
	}
	if unsniffable[claimed] && sniffed == "application/octet-stream" && isoMedia(data) {
		return claimed, true
	}
	return "", false
}

// isoMedia reports whether data starts like an ISO base media file (QuickTime, HEIF): a box
// size and one of the top-level box types.
func isoMedia(data []byte) bool {
	if len(data) < 12 {
		return false
	}
	switch string(data[4:8]) {
	case "ftyp", "moov", "mdat", "wide", "free", "skip":
		return true
	}
	return false
}

// FileName makes a file name an owner's platform gave safe to show and to offer as a download
// name: no directories, no control or quoting characters, not too long.
func FileName(name string) string {
	name = Clean(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`"<>*?|:`+"`", r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), ".")
	if name == "" {
		return "file"
	}
	return Truncate(name, maxFileName)
}

// FileMaxBytes is the largest file an owner may send: adapters fetch no more than this (and a
// byte) of a file.
func (s *Service) FileMaxBytes() int64 { return s.cfg.FileMaxBytes }

// File returns a file an owner sent, with its bytes, or an error with CodeNotFound.
func (s *Service) File(ctx context.Context, id string) (Attachment, error) {
	if s.files == nil || !fileID(id) {
		return Attachment{}, Errorf(CodeNotFound, "There is no such file.")
	}
	a, err := s.files.Get(ctx, id)
	if isNotFound(err) {
		return Attachment{}, Errorf(CodeNotFound, "There is no such file; it may have been erased.")
	}
	if err != nil {
		return Attachment{}, fmt.Errorf("file %s: %w", id, err)
	}
	return a, nil
}

// fileID reports whether id looks like the ids keepFiles gives (hex), so nothing else becomes
// part of a key.
func fileID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

// errFileRefused is a file the bot does not take (too large, of another type).
var errFileRefused = errors.New("file refused")

// keepFiles stores the files of an owner event for ttl and returns them (without their bytes),
// with a polite word, in the owner's language, for each file refused. A file's id comes from
// the event, so storing again (a retried turn, a redelivered event) replaces it.
func (s *Service) keepFiles(ctx context.Context, t *ownerTurn, lang string, ttl time.Duration) ([]Attachment, []conversation.Reply, error) {
	if t.files != nil || len(t.ev.Files) == 0 {
		return t.files, t.refusals, nil
	}
	if err := fetchFiles(ctx, t.ev.Files); err != nil {
		return nil, nil, err
	}
	ev := t.ev
	seed := ev.ID
	if seed == "" {
		seed = newRef() + newRef()
	}
	var kept []Attachment
	var refusals []conversation.Reply
	for i, u := range ev.Files {
		if i >= maxFilesPerEvent {
			refusals = append(refusals, conversation.Reply{Text: core.FileTooMany.F(lang, maxFilesPerEvent)})
			break
		}
		a, err := s.checkFile(u)
		if errors.Is(err, errFileRefused) {
			refusals = append(refusals, conversation.Reply{Text: s.fileRefusal(lang, u, a.Name)})
			continue
		}
		sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%d", ev.Owner, seed, i))
		a.ID, a.Owner, a.From, a.At = hex.EncodeToString(sum[:16]), ev.Owner, ownerName(ev), s.clock.Now()
		if s.files == nil {
			return nil, nil, errors.New("no file store")
		}
		if err := s.files.Put(ctx, a, ttl); err != nil {
			return nil, nil, fmt.Errorf("keep %s of %s: %w", a.Name, ev.Owner, err)
		}
		a.Data = nil
		kept = append(kept, a)
	}
	if kept == nil {
		kept = []Attachment{}
	}
	t.files, t.refusals = kept, refusals
	s.log.InfoContext(ctx, "owner files kept", "owner", ev.Owner, "kept", len(kept), "refused", len(refusals))
	return kept, refusals, nil
}

// checkFile checks an upload against the limits and gives it its name and type.
func (s *Service) checkFile(u Upload) (Attachment, error) {
	a := Attachment{Name: FileName(u.Name), Size: max(u.Size, int64(len(u.Data)))}
	if a.Size > s.cfg.FileMaxBytes || len(u.Data) == 0 {
		return a, errFileRefused
	}
	typ, ok := FileType(a.Name, u.Type, u.Data)
	if !ok {
		return a, errFileRefused
	}
	a.Type, a.Data = typ, u.Data
	return a, nil
}

// fileRefusal tells the owner why a file was not taken, and what would be.
func (s *Service) fileRefusal(lang string, u Upload, name string) string {
	limit := Bytes(s.cfg.FileMaxBytes)
	if max(u.Size, int64(len(u.Data))) > s.cfg.FileMaxBytes {
		return core.FileTooLarge.F(lang, name, limit)
	}
	if len(u.Data) == 0 {
		return core.FileEmpty.F(lang, name)
	}
	return core.FileWrongType.F(lang, name, limit)
}

// Bytes writes a size for people: "640 B", "12 KB", "3.4 MB".
func Bytes(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// fileLine is how a file is named in the case's thread and history.
func fileLine(a Attachment) string {
	return fmt.Sprintf("%s (%s, %s)", a.Name, a.Type, Bytes(a.Size))
}

// postIntakeFiles adds the files the owner sent during the intake to the new case's thread,
// each as its own change through the outbox, and keeps them as long as cases' files are kept.
// Each is recorded once, whoever runs it (the submission, the due queue's card check, which
// runs it again for a process that stopped between creating the case and recording them): a
// file the case's history names already is left alone, whatever the age of its event mark.
func (s *Service) postIntakeFiles(ctx context.Context, c Case, files []Attachment) error {
	if len(files) == 0 {
		return nil
	}
	entries, err := s.cases.Audit(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("history of %s: %w", c.ID, err)
	}
	recorded := map[string]bool{}
	for _, e := range entries {
		if e.File != nil {
			recorded[e.File.ID] = true
		}
	}
	var errs []error
	for _, a := range files {
		if recorded[a.ID] {
			continue
		}
		if s.files != nil {
			if err := s.files.Keep(ctx, a.ID, s.cfg.FileTTL); err != nil {
				s.log.WarnContext(ctx, "keep an intake file with its case", "case", c.ID, "file", a.ID, "err", err)
			}
		}
		entry := AuditEntry{At: a.At, Actor: a.Owner, Name: a.From, Action: "file", Text: fileLine(a), File: &a, EventID: "file:" + c.ID + ":" + a.ID}
		if err := s.record(ctx, c.ID, entry); err != nil && !errors.Is(err, ErrDuplicateEvent) {
			errs = append(errs, fmt.Errorf("add intake file %s to %s: %w", a.ID, c.ID, err))
		}
	}
	return errors.Join(errs...)
}

// recheckIntakeFiles is the card check's part for files: the intake files of the owner whose
// submission made case c are recorded in it if they are not yet.
func (s *Service) recheckIntakeFiles(ctx context.Context, c Case, owner Identity) error {
	if s.files == nil || owner == "" || owner != c.Owner {
		return nil // no files kept, or an owner erased since
	}
	turn, err := s.sessions.Reload(ctx, owner, "")
	if err != nil {
		return fmt.Errorf("session of %s: %w", owner, err)
	}
	if !turn.Found || turn.Session.CaseID != c.ID || len(turn.Session.Files) == 0 {
		return nil
	}
	return s.postIntakeFiles(ctx, c, s.sessionFiles(ctx, turn.Session))
}

// relayFiles adds the files of an owner's message to the open case c, each as its own change.
func (s *Service) relayFiles(ctx context.Context, t *ownerTurn, c Case) ([]conversation.Reply, error) {
	kept, refusals, err := s.keepFiles(ctx, t, c.Language, s.cfg.FileTTL)
	if err != nil {
		return nil, fmt.Errorf("relay files to %s: %w", c.ID, err)
	}
	for _, a := range kept {
		entry := AuditEntry{At: a.At, Actor: a.Owner, Name: a.From, Action: "file", Text: fileLine(a), File: &a}
		if t.ev.ID != "" {
			entry.EventID = t.ev.ID + ":file:" + a.ID
		}
		switch err := s.record(ctx, c.ID, entry); {
		case errors.Is(err, ErrDuplicateEvent):
		case errors.Is(err, ErrWrongStatus):
			return nil, err
		case err != nil:
			return nil, fmt.Errorf("relay %s to %s: %w", a.Name, c.ID, err)
		}
	}
	return refusals, nil
}

// withFile loads the bytes of the file a thread line names, for the platforms that upload it.
// A file that is gone (erased, expired) is named without its bytes.
func (s *Service) withFile(ctx context.Context, line ThreadMessage) (ThreadMessage, error) {
	if line.File == nil || s.files == nil {
		return line, nil
	}
	a, err := s.files.Get(ctx, line.File.ID)
	if isNotFound(err) {
		f := *line.File
		line.File = &f
		return line, nil
	}
	if err != nil {
		return line, fmt.Errorf("read file %s: %w", line.File.ID, err)
	}
	line.File = &a
	return line, nil
}
