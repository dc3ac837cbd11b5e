package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// MaxFileSize is the largest file Slack takes (1 GB).
const MaxFileSize = 1 << 30

// File is a file uploaded through files.getUploadURLExternal, the upload URL and
// files.completeUploadExternal, as it stands after the last step.
type File struct {
	ID, Name, Title string
	// Channel is the channel_id it was shared to ("" when completed without one: private to
	// the app); Comment is the initial_comment shown with it; ThreadTS the thread it was
	// shared into, if any.
	Channel, Comment, ThreadTS string
	Data                       []byte
}

// upload is a file from its getUploadURLExternal on.
type upload struct {
	File
	length    int
	uploaded  bool
	completed bool
	deleted   bool
	seq       int
}

// filesDelete deletes a file the bot uploaded, as Slack lets a bot token do: the file leaves
// Files and the messages that shared it show a tombstone in its place. A user's file is not
// the bot's to delete (cant_delete_file); one deleted before is file_deleted.
func (s *Server) filesDelete(form url.Values) (reply, string) {
	id := form.Get("file")
	if id == "" {
		return invalidArgs("file")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.hosted[id]; ok {
		return errReply("cant_delete_file"), ""
	}
	f := s.files[id]
	switch {
	case f == nil || !f.completed:
		return errReply("file_not_found"), ""
	case f.deleted:
		return errReply("file_deleted"), ""
	}
	f.deleted, f.Data = true, nil
	for _, m := range s.messages {
		for i, sf := range m.files {
			if sf["id"] == id {
				m.files[i] = map[string]any{"id": id, "mode": "tombstone"}
			}
		}
	}
	s.notifyLocked()
	return okReply(map[string]any{}), ""
}

// filesGetUploadURLExternal reserves a file id and the URL its bytes are posted to, as Slack
// does: filename and a positive length are required.
func (s *Server) filesGetUploadURLExternal(form url.Values) (reply, string) {
	name := form.Get("filename")
	if name == "" {
		return invalidArgs("filename")
	}
	length, err := strconv.Atoi(form.Get("length"))
	switch {
	case form.Get("length") == "":
		return invalidArgs("length")
	case err != nil || length <= 0:
		return rejected("invalid_arguments", []string{"[ERROR] length must be a positive integer, got " + strconv.Quote(form.Get("length"))})
	case length > MaxFileSize:
		return rejected("file_too_large", []string{fmt.Sprintf("[ERROR] length %d is more than %d", length, MaxFileSize)})
	}
	id := s.nextID("F")
	s.mu.Lock()
	s.files[id] = &upload{File: File{ID: id, Name: name}, length: length, seq: len(s.files)}
	s.mu.Unlock()
	return okReply(map[string]any{"upload_url": s.URL + "/upload/" + id, "file_id": id}), ""
}

// handleUpload takes the bytes of a reserved file: a multipart form with the part "file", or
// the raw body. The length must be the one announced.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	data, err := uploadBody(r)
	if err != nil {
		s.violate(fmt.Sprintf("upload %s: unreadable body: %v", id, err))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[id]
	problem := ""
	switch {
	case r.Method != http.MethodPost:
		problem = "want POST, got " + r.Method
	case f == nil:
		problem = "no file " + id + " was reserved with files.getUploadURLExternal"
	case f.completed:
		problem = "file " + id + " was completed already"
	case len(data) != f.length:
		problem = fmt.Sprintf("%d bytes posted, %d announced as length", len(data), f.length)
	}
	if problem != "" {
		s.violations = append(s.violations, "upload "+id+": "+problem)
		s.notifyLocked()
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	f.Data, f.uploaded = data, true
	s.notifyLocked()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "OK - %d", len(data))
}

func uploadBody(r *http.Request) ([]byte, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return io.ReadAll(io.LimitReader(r.Body, MaxFileSize+1))
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("no part named file: %w", err)
		}
		if p.FormName() == "file" {
			return io.ReadAll(io.LimitReader(p, MaxFileSize+1))
		}
	}
}

// filesCompleteUploadExternal finishes uploaded files and shares them to channel_id, as
// Slack does: every file must have been reserved and uploaded, and a channel is a channel id
// the bot can post to (a DM it opened), not a user id.
func (s *Server) filesCompleteUploadExternal(form url.Values) (reply, string) {
	if form.Get("files") == "" {
		return invalidArgs("files")
	}
	var list []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(form.Get("files")), &list); err != nil || len(list) == 0 {
		return rejected("invalid_arguments", []string{"[ERROR] files must be a non-empty JSON array of {id, title}"})
	}
	ch := form.Get("channel_id")
	if form.Get("channels") != "" {
		return rejected("invalid_arguments", []string{"[ERROR] fakeslack takes channel_id; channels (a list) is not implemented"})
	}
	if form.Get("thread_ts") != "" && ch == "" {
		return rejected("invalid_arguments", []string{"[ERROR] thread_ts needs channel_id"})
	}
	if n := utf8.RuneCountInString(form.Get("initial_comment")); n > maxMessageText {
		return rejected("msg_too_long", []string{fmt.Sprintf("[ERROR] initial_comment is %d characters, more than %d", n, maxMessageText)})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case ch == "":
	case strings.HasPrefix(ch, "U") || strings.HasPrefix(ch, "W"):
		return errReply("channel_not_found"), "channel_not_found: channel_id " + ch + " is a user id; open the DM with conversations.open and pass its id"
	case strings.HasPrefix(ch, "D") && !s.opened[ch] && !s.hasMessagesLocked(ch):
		return errReply("channel_not_found"), "channel_not_found: DM " + ch + " was neither opened with conversations.open nor written to"
	}
	for _, it := range list {
		f := s.files[it.ID]
		switch {
		case f == nil:
			return errReply("file_not_found"), "file_not_found: " + it.ID + " was not reserved with files.getUploadURLExternal"
		case !f.uploaded:
			return errReply("file_not_found"), "file_not_found: nothing was posted to the upload URL of " + it.ID
		case f.completed:
			return errReply("file_not_found"), "file_not_found: " + it.ID + " was completed already"
		}
	}
	out := make([]any, 0, len(list))
	var shared []map[string]any
	for _, it := range list {
		f := s.files[it.ID]
		f.completed, f.Channel, f.Comment, f.Title = true, ch, form.Get("initial_comment"), cmpOr(it.Title, f.Name)
		f.ThreadTS = form.Get("thread_ts")
		out = append(out, map[string]any{"id": f.ID, "title": f.Title})
		shared = append(shared, map[string]any{"id": f.ID, "name": f.Name, "title": f.Title, "size": len(f.Data), "mode": "hosted"})
	}
	if ch != "" {
		// The share is a message of the channel (or thread), as Slack posts it.
		s.lastTS += 100
		ts := fmt.Sprintf("%d.%06d", 1700000000+s.lastTS/1000000, s.lastTS%1000000)
		s.messages[ch+"/"+ts] = &message{channel: ch, ts: ts, threadTS: form.Get("thread_ts"), text: form.Get("initial_comment"), files: shared}
		s.notifyLocked()
	}
	return okReply(map[string]any{"files": out}), ""
}

// hosted is a file a user shared, served at its url_private_download to the bot's token.
type hosted struct {
	name, mimetype string
	data           []byte
}

// UserFile hosts a file a user shares and returns its object as a file_share event carries
// it: id, name, mimetype, size and url_private_download, which answers only a request with
// a bot token (Authorization: Bearer xoxb-…); without one it answers Slack's sign-in page.
func (s *Server) UserFile(name, mimetype string, data []byte) map[string]any {
	id := s.nextID("F")
	s.mu.Lock()
	s.hosted[id] = hosted{name: name, mimetype: mimetype, data: slices.Clone(data)}
	s.mu.Unlock()
	return map[string]any{
		"id": id, "created": time.Now().Unix(), "name": name, "title": name, "mimetype": mimetype,
		"filetype": strings.TrimPrefix(path.Ext(name), "."), "user": "", "mode": "hosted", "size": len(data),
		"url_private":          s.URL + "/files-pri/" + TeamID + "-" + id + "/" + url.PathEscape(name),
		"url_private_download": s.URL + "/files-pri/" + TeamID + "-" + id + "/download/" + url.PathEscape(name),
	}
}

// handleHosted serves a user's file to a bot token.
func (s *Server) handleHosted(w http.ResponseWriter, r *http.Request) {
	team, id, _ := strings.Cut(r.PathValue("file"), "-")
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	f, ok := s.hosted[id]
	s.calls = append(s.calls, Call{Method: "files-pri", Form: url.Values{"file": {id}}, Token: token, At: time.Now()})
	if code := checkToken(token, "xoxb-"); code != "" {
		s.violations = append(s.violations, "download of file "+id+" without a bot token ("+code+")")
		s.notifyLocked()
		s.mu.Unlock()
		// Slack answers a request without a valid token with its sign-in page.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!DOCTYPE html><html><body>Sign in to Fake Team</body></html>")
		return
	}
	s.notifyLocked()
	s.mu.Unlock()
	if !ok || team != TeamID {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.mimetype)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	_, _ = w.Write(f.data)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Files returns the completed files shared to channel and not deleted, in the order they were
// reserved; a user id stands for the DM with that user, "" for every such file.
func (s *Server) Files(channel string) []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.filesLocked(channel)
}

func (s *Server) filesLocked(channel string) []File {
	if channel != "" {
		channel = channelOf(channel)
	}
	var ups []*upload
	for _, f := range s.files {
		if f.completed && !f.deleted && (channel == "" || f.Channel == channel) {
			ups = append(ups, f)
		}
	}
	sort.Slice(ups, func(i, j int) bool { return ups[i].seq < ups[j].seq })
	out := make([]File, len(ups))
	for i, f := range ups {
		out[i] = f.File
		out[i].Data = slices.Clone(f.Data)
	}
	return out
}

// WaitFiles waits until at least n files have been shared to channel and returns them; it
// fails the test after timeout.
func (s *Server) WaitFiles(t testing.TB, channel string, n int, timeout time.Duration) []File {
	t.Helper()
	var got []File
	if s.waitFor(timeout, func() bool {
		got = s.filesLocked(channel)
		return len(got) >= n
	}) {
		return got
	}
	t.Fatalf("fakeslack: waited %v for %d file(s) in %q, got %d; %s", timeout, n, channel, len(got), s.summary())
	return nil
}

func (s *Server) hasMessagesLocked(channel string) bool {
	for _, m := range s.messages {
		if m.channel == channel {
			return true
		}
	}
	return false
}
