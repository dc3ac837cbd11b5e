package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
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
	// the app); Comment is the initial_comment shown with it.
	Channel, Comment string
	Data             []byte
}

// upload is a file from its getUploadURLExternal on.
type upload struct {
	File
	length    int
	uploaded  bool
	completed bool
	seq       int
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
	for _, it := range list {
		f := s.files[it.ID]
		f.completed, f.Channel, f.Comment, f.Title = true, ch, form.Get("initial_comment"), cmpOr(it.Title, f.Name)
		out = append(out, map[string]any{"id": f.ID, "title": f.Title})
	}
	return okReply(map[string]any{"files": out}), ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Files returns the completed files shared to channel, in the order they were reserved; a
// user id stands for the DM with that user, "" for every completed file.
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
		if f.completed && (channel == "" || f.Channel == channel) {
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
