package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

var (
	testPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 100)...)
	testPDF = []byte("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
)

// multipartBody builds an upload with the file in field (empty: no file part).
func multipartBody(t testing.TB, field, name, typ string, data []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if err := mw.WriteField("note", "ignored"); err != nil {
		t.Fatal(err)
	}
	if field != "" {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="` + field + `"; filename="` + name + `"`}
		h["Content-Type"] = []string{typ}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

// upload posts a file as the owner and returns the status and the body.
func (e *env) attach(owner, name, typ string, data []byte, key string) (int, repliesBody) {
	e.t.Helper()
	ctype, body := multipartBody(e.t, "file", name, typ, data)
	return e.rawUpload(owner, ctype, body, key)
}

func (e *env) rawUpload(owner, ctype string, body []byte, key string) (int, repliesBody) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodPost, e.srv.URL+"/api/owners/"+url.PathEscape(owner)+"/attachments", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	var out repliesBody
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(data, &out); err != nil {
		e.t.Fatalf("upload answer %d %q: %v", res.StatusCode, data, err)
	}
	return res.StatusCode, out
}

// A photo sent during the intake and a PDF sent after submission show in the case's thread,
// each entry with its url, which serves the file back as its checked type; a file of another
// type is refused in words, and bad uploads get a clear 400.
func TestOwnerAttachments(t *testing.T) {
	e := newEnvOver(t, redistest.New(t), func(p *bot.Params) { p.Config.FileMaxBytes = 4096 })
	e.owner("ann", conversation.Input{Text: "hi"}, nil)
	code, out := e.attach("ann", "dash light.png", "image/png", testPNG, "")
	if code != http.StatusOK || !strings.Contains(text(out.Replies), "dash light.png") {
		t.Fatalf("upload during the intake: %d %+v", code, out)
	}
	e.intake("ann")
	id := e.submit("ann", nil)
	for range 2 { // a client that did not hear the answer sends again, with the same key
		if code, out := e.attach("ann", "invoice.pdf", "application/pdf", testPDF, "k-1"); code != http.StatusOK {
			t.Fatalf("upload after submission: %d %+v", code, out)
		}
	}
	if code, out := e.attach("ann", "notes.txt", "text/plain", []byte("just words"), ""); code != http.StatusOK || !strings.Contains(text(out.Replies), "only pass on photos") {
		t.Fatalf("a text file: %d %+v", code, out)
	}
	if code, out := e.attach("ann", "big.png", "image/png", bytes.Repeat([]byte{1}, 5000), ""); code != http.StatusOK || !strings.Contains(text(out.Replies), "larger than 4 KB") {
		t.Fatalf("a file over the limit: %d %+v", code, out)
	}

	var lines []ThreadLine
	for _, c := range e.channel() {
		if c.ID == id {
			for _, l := range c.Thread {
				if l.URL != "" {
					lines = append(lines, l)
				}
			}
		}
	}
	if len(lines) != 2 || lines[0].File.Name != "dash light.png" || lines[1].File.Type != "application/pdf" || lines[1].Role != "owner" || lines[1].From != "ann" {
		t.Fatalf("thread lines with files: %+v", lines)
	}
	for i, want := range [][]byte{testPNG, testPDF} {
		res, err := e.srv.Client().Get(e.srv.URL + lines[i].URL)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !bytes.Equal(got, want) || res.Header.Get("Content-Type") != lines[i].File.Type ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline") {
			t.Errorf("GET %s: %d %v, %d bytes", lines[i].URL, res.StatusCode, res.Header, len(got))
		}
	}

	var errOut errBody
	if code := e.call(http.MethodGet, "/api/files/0123456789abcdef0123456789abcdef", nil, nil, &errOut); code != http.StatusNotFound {
		t.Errorf("an unknown file: %d %q", code, errOut.Error)
	}
	if code := e.call(http.MethodGet, "/api/files/..%2f..%2fconv", nil, nil, &errOut); code != http.StatusNotFound {
		t.Errorf("a made-up file id: %d %q", code, errOut.Error)
	}
	noFile, noFileBody := multipartBody(t, "", "", "", nil)
	// A body far over the limit before its file is cut off.
	huge, hugeBody := multipartBody(t, "padding", "pad.bin", "application/octet-stream", bytes.Repeat([]byte{1}, 200<<10))
	bad := []struct {
		name, ctype string
		body        []byte
		code        int
	}{
		{"JSON", "application/json", []byte(`{"text":"hi"}`), http.StatusBadRequest},
		{"no file field", noFile, noFileBody, http.StatusBadRequest},
		{"broken multipart", "multipart/form-data; boundary=xyz", []byte("--xyz\r\nnonsense"), http.StatusBadRequest},
		{"a body far over the limit", huge, hugeBody, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range bad {
		if code, out := e.rawUpload("ann", tc.ctype, tc.body, ""); code != tc.code || out.Error == "" {
			t.Errorf("%s: %d %+v, want %d with an error", tc.name, code, out, tc.code)
		}
	}
}

// FuzzReadUpload: whatever a client sends as a multipart body, reading it ends, keeps no more
// than the limit, and says the size it saw.
func FuzzReadUpload(f *testing.F) {
	ctype, body := multipartBody(f, "file", "a.png", "image/png", testPNG)
	boundary := strings.TrimPrefix(ctype, "multipart/form-data; boundary=")
	f.Add(body, boundary)
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nxx\r\n--b--\r\n"), "b")
	f.Add([]byte("--b\r\n\r\n"), "b")
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		const limit = 64
		u, err := readUpload(bytes.NewReader(body), boundary, limit)
		if err != nil {
			return
		}
		if len(u.Data) > limit || (u.Size > limit) != (u.Data == nil && u.Size > 0) {
			t.Fatalf("upload of %d bytes kept %d", u.Size, len(u.Data))
		}
	})
}
