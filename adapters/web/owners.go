package web

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// SampleOwners is the playground's sample owners file (YAML), so ownership checks can be tried
// without a CRM.
//
//go:embed owners.sample.yaml
var SampleOwners []byte

// PostProof implements bot.ProofPoster: the page shows the waiting photos with the channel, so
// it only needs to hear that the channel changed.
func (h *Hub) PostProof(context.Context, string, bot.Proof) error {
	h.ChannelChanged()
	return nil
}

var _ bot.ProofPoster = (*Hub)(nil)

// proofJSON is a waiting ownership photo as the playground shows it to moderators.
type proofJSON struct {
	ID      string                `json:"id"`
	Owner   string                `json:"owner"` // display name
	VIN     string                `json:"vin"`
	Case    string                `json:"case,omitempty"`
	At      time.Time             `json:"at"`
	Photo   string                `json:"photo"` // URL of the photo, for the moderator who asked
	Buttons []conversation.Button `json:"buttons"`
}

// proofs lists the photos waiting for a moderator.
func (p *Playground) proofs(w http.ResponseWriter, r *http.Request) {
	name, ok := p.name(w, r.PathValue("name"))
	if !ok {
		return
	}
	ps, err := p.svc.WaitingProofs(r.Context(), executive(name))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	out := make([]proofJSON, 0, len(ps))
	for _, pr := range ps {
		out = append(out, proofJSON{ID: pr.ID, Owner: pr.OwnerName, VIN: pr.VIN, Case: pr.CaseID, At: pr.At,
			Photo: "/api/execs/" + url.PathEscape(name) + "/proofs/" + url.PathEscape(pr.ID) + "/photo", Buttons: pr.Buttons()})
	}
	writeJSON(w, http.StatusOK, struct {
		Proofs []proofJSON `json:"proofs"`
	}{out})
}

// proofPhoto sends a photo to a moderator, as an image the page shows and nothing it runs.
func (p *Playground) proofPhoto(w http.ResponseWriter, r *http.Request) {
	name, ok := p.name(w, r.PathValue("name"))
	if !ok {
		return
	}
	pr, err := p.svc.ProofPhoto(r.Context(), executive(name), r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", pr.Photo.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pr.Photo.Data)
}

type decisionRequest struct {
	Decision string `json:"decision"` // approve or reject
}

// decideProof approves or rejects a photo.
func (p *Playground) decideProof(w http.ResponseWriter, r *http.Request) {
	name, ok := p.name(w, r.PathValue("name"))
	if !ok {
		return
	}
	var req decisionRequest
	if !p.decode(w, r, &req) {
		return
	}
	var approve bool
	switch strings.ToLower(strings.TrimSpace(req.Decision)) {
	case "approve", bot.ActionApproveOwner:
		approve = true
	case "reject", bot.ActionRejectOwner:
	default:
		p.badRequest(w, `Decide with "approve" or "reject".`)
		return
	}
	text, err := p.svc.DecideProof(r.Context(), executive(name), r.PathValue("id"), approve)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.hub.ChannelChanged()
	writeJSON(w, http.StatusOK, struct {
		Text string `json:"text"`
	}{text})
}

// registration takes a photo of the vehicle's registration from an owner: the body is the
// image (JPEG, PNG, WebP) or a PDF, as its bytes show.
func (p *Playground) registration(w http.ResponseWriter, r *http.Request) {
	name, ok := p.name(w, r.PathValue("name"))
	if !ok {
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, bot.MaxProofBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf("The photo is larger than %d MiB.", bot.MaxProofBytes>>20)})
		return
	case err != nil:
		p.badRequest(w, "The photo could not be read.")
		return
	}
	kind, _, _ := strings.Cut(http.DetectContentType(data), ";")
	replies, err := p.svc.SubmitProof(r.Context(), ownerIdentity(name), name, bot.File{Name: "registration", ContentType: kind, Data: data})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ownerEvent{Replies: replies})
}
