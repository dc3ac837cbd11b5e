package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"

	"escalation-bot/bot"
)

// multipartSlack is what a multipart upload may carry beside the file's bytes: boundaries,
// part headers, a small text field.
const multipartSlack = 64 << 10

// errNoFile is an upload without a part named file.
var errNoFile = errors.New("no file part")

// readUpload reads the part named "file" of a multipart body, keeping at most limit bytes: a
// larger file comes back with its Size over the limit and no bytes, for the core to refuse
// in the owner's words.
func readUpload(body io.Reader, boundary string, limit int64) (bot.Upload, error) {
	mr := multipart.NewReader(body, boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return bot.Upload{}, errNoFile
		}
		if err != nil {
			return bot.Upload{}, fmt.Errorf("read the upload: %w", err)
		}
		if part.FormName() != "file" {
			_ = part.Close()
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		if err != nil {
			return bot.Upload{}, fmt.Errorf("read the file: %w", err)
		}
		u := bot.Upload{Name: part.FileName(), Type: part.Header.Get("Content-Type"), Size: int64(len(data)), Data: data}
		if u.Size > limit {
			u.Data = nil
		}
		return u, nil
	}
}

// ownerAttachment takes a file from the owner (multipart field file) as an owner event: kept
// with the intake, or relayed to the owner's case.
func (p *Playground) ownerAttachment(w http.ResponseWriter, r *http.Request) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" {
		p.badRequest(w, "Send the file as multipart/form-data, in a field named file.")
		return
	}
	limit := p.svc.FileMaxBytes()
	// A body well over the limit is cut off here; what was read says the file is too large.
	r.Body = http.MaxBytesReader(w, r.Body, limit+multipartSlack)
	up, err := readUpload(r.Body, params["boundary"], limit)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf("The file is larger than %s.", bot.Bytes(limit))})
		return
	case errors.Is(err, errNoFile):
		p.badRequest(w, "The upload has no field named file.")
		return
	case err != nil:
		p.badRequest(w, "The upload is not valid multipart/form-data.")
		return
	}
	p.handleOwner(w, r, func(ev *bot.OwnerEvent) { ev.Files = []bot.Upload{up} })
}

// ownerFile serves a file an owner sent, as its checked type, never as a page of this origin.
func (p *Playground) ownerFile(w http.ResponseWriter, r *http.Request) {
	a, err := p.svc.File(r.Context(), r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.Type)
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": a.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(a.Data)
}
