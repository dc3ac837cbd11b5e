package fakediscord

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// cdnPrefix is where the CDN serves attachments, on cdn.discordapp.com and
// media.discordapp.net alike: /attachments/<channel id>/<attachment id>/<filename>.
const cdnPrefix = "/attachments/"

// cdnPath is the path of an attachment on the CDN, with the query of a signed link (ex, is,
// hm), as Discord has given since 2024.
func cdnPath(channelID, id, filename string) string {
	if channelID == "" {
		channelID = "0"
	}
	sig := strconv.FormatUint(fnv64(id+"/"+filename), 16)
	exp := strconv.FormatInt(time.Now().Add(24*time.Hour).Unix(), 16)
	return cdnPrefix + channelID + "/" + id + "/" + url.PathEscape(filename) + "?ex=" + exp + "&is=" + exp + "&hm=" + sig
}

// HostAttachment keeps a file a user attaches to a message and returns its attachment object
// as a MESSAGE_CREATE carries it (id, filename, size, content_type, url, proxy_url); put it in
// the message's "attachments". Its url and proxy_url point at this server's CDN path, as they
// would at cdn.discordapp.com and media.discordapp.net, and are served to anyone who asks, as
// Discord's signed links are. A test may change the object (a size Discord declares, another
// url) before dispatching it.
func (s *Server) HostAttachment(filename, contentType string, data []byte) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked()
	s.hosted[id] = Attachment{ID: id, Filename: filename, ContentType: contentType, Data: slices.Clone(data)}
	path := cdnPath("", id, filename)
	obj := map[string]any{
		"id": id, "filename": filename, "size": len(data),
		"url": s.URL + path, "proxy_url": s.URL + path,
	}
	if contentType != "" {
		obj["content_type"] = contentType
	}
	return obj
}

// serveCDN answers a download of an attachment: a user's hosted file, or one of the files the
// bot attached to a message that still has it. The request is recorded as it arrives; FailNext
// and Delay rules apply. Discord's CDN wants no token: one sent is a violation, since the
// bot's token has no business leaving for a file host.
func (s *Server) serveCDN(w http.ResponseWriter, r *http.Request) {
	call := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), At: time.Now()}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	idx := len(s.calls) - 1
	if r.Header.Get("Authorization") != "" {
		s.violateLocked("%s %s: a token was sent to the CDN, which needs none", r.Method, r.URL.Path)
	}
	s.notifyLocked()
	s.mu.Unlock()

	if d := s.delayFor(r.Method, r.URL.Path); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
	s.mu.Lock()
	status, f := s.cdnFileLocked(r)
	var fail *failRule
	if status == http.StatusOK {
		fail = s.takeFailureLocked(r.Method, r.URL.Path)
		if fail != nil {
			status = fail.status
		}
	}
	s.calls[idx].Status = status
	s.notifyLocked()
	s.mu.Unlock()

	if status != http.StatusOK {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if fail != nil && status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", ceilSeconds(fail.retryAfter))
		}
		w.WriteHeader(status)
		if status == http.StatusNotFound {
			_, _ = w.Write([]byte("This content is no longer available."))
		}
		return
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Data)))
	if r.Method != http.MethodHead {
		_, _ = w.Write(f.Data)
	}
}

// cdnFileLocked finds the file of a CDN path: 404 for none, 405 for a method other than GET
// or HEAD.
func (s *Server) cdnFileLocked(r *http.Request) (int, Attachment) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return http.StatusMethodNotAllowed, Attachment{}
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, cdnPrefix), "/")
	if len(parts) != 3 {
		return http.StatusNotFound, Attachment{}
	}
	id, name := parts[1], parts[2]
	if f, ok := s.hosted[id]; ok && f.Filename == name {
		return http.StatusOK, f
	}
	for _, m := range s.messages {
		for _, f := range m.files {
			if f.ID == id && f.Filename == name {
				return http.StatusOK, f
			}
		}
	}
	return http.StatusNotFound, Attachment{}
}

// Downloads returns the CDN requests for the attachment with this id, oldest first.
func (s *Server) Downloads(attachmentID string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if parts := strings.Split(strings.TrimPrefix(c.Path, cdnPrefix), "/"); strings.HasPrefix(c.Path, cdnPrefix) && len(parts) == 3 && parts[1] == attachmentID {
			out = append(out, cloneCall(c))
		}
	}
	return out
}
