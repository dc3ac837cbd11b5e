package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"escalation-bot/adapters/ownersfile"
	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// A tiny PNG: the playground takes a photo by its bytes.
var pngPhoto = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

func ownershipEnv(t *testing.T, mode bot.VerifyMode) *env {
	t.Helper()
	r := redistest.New(t)
	owners, err := ownersfile.FromData("owners.csv", []byte("web:ann,"+testVIN+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	return newEnvOver(t, r, func(p *bot.Params) {
		p.Config.VerifyOwner = mode
		p.Config.Moderators = []string{"web:mod"}
		p.Ownership = owners
		p.Verifications = redisstore.NewVerifications(r.Client, redisstore.Config{Tenant: r.Tenant})
	})
}

// upload sends a registration photo as the owner.
func (e *env) upload(name string, data []byte) (int, repliesBody) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodPost, e.srv.URL+"/api/owners/"+name+"/registration", bytes.NewReader(data))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var out repliesBody
	body, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(body, &out)
	return res.StatusCode, out
}

// The card JSON carries ownership: verified for the owner in the file, unverified for
// someone else.
func TestCardOwnership(t *testing.T) {
	e := ownershipEnv(t, bot.VerifyFlag)
	e.intake("ann")
	ann := e.submit("ann", nil)
	e.intake("eve")
	eve := e.submit("eve", nil)
	got := map[string]bot.Ownership{}
	for _, c := range e.channel() {
		got[c.ID] = c.Ownership
	}
	if got[ann] != bot.OwnershipVerified || got[eve] != bot.OwnershipUnverified {
		t.Errorf("ownership on the cards: %v", got)
	}
	// Without checks the field is there, empty.
	plain := newEnv(t)
	plain.intake("ann")
	plain.submit("ann", nil)
	if c := plain.channel(); len(c) != 1 || c[0].Ownership != "" {
		t.Errorf("unchecked card: %+v", c)
	}
}

// The photo fallback end to end through the playground: a case held for an owner not in the
// file, the photo sent, the moderator shown it with Approve, the approval posting the case, and
// the owner told.
func TestRegistrationPhotoEndToEnd(t *testing.T) {
	e := ownershipEnv(t, bot.VerifyRequire)
	events := e.events("eve")
	review := e.intake("eve")
	if len(review.Fields) == 0 {
		t.Fatal("no review card")
	}
	id := e.submit("eve", nil)
	for _, c := range e.channel() {
		if c.ID == id {
			t.Fatalf("held case %s on the channel", id)
		}
	}
	if code, out := e.upload("eve", []byte("MZ\x90\x00 not a photo")); code != http.StatusBadRequest {
		t.Errorf("a program as the photo: %d %+v", code, out)
	}
	code, out := e.upload("eve", pngPhoto)
	if code != http.StatusOK || !strings.Contains(text(out.Replies), "moderator will look") {
		t.Fatalf("upload: %d %+v", code, out)
	}

	var list struct {
		Proofs []proofJSON `json:"proofs"`
		Error  string      `json:"error"`
	}
	if code := e.call(http.MethodGet, "/api/execs/eve/proofs", nil, nil, &list); code != http.StatusForbidden {
		t.Errorf("the owner listed the photos: %d", code)
	}
	if code := e.call(http.MethodGet, "/api/execs/mod/proofs", nil, nil, &list); code != http.StatusOK || len(list.Proofs) != 1 {
		t.Fatalf("proofs: %d %+v", code, list)
	}
	pr := list.Proofs[0]
	if pr.Case != id || pr.VIN != testVIN || len(pr.Buttons) != 2 || pr.Buttons[0].Action != bot.ActionApproveOwner {
		t.Errorf("proof %+v", pr)
	}
	res, err := e.srv.Client().Get(e.srv.URL + pr.Photo)
	if err != nil {
		t.Fatal(err)
	}
	photo, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.Equal(photo, pngPhoto) || res.Header.Get("Content-Type") != "image/png" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("photo: %d %s %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(photo))
	}
	var decided struct {
		Text  string `json:"text"`
		Error string `json:"error"`
	}
	if code := e.call(http.MethodPost, "/api/execs/mod/proofs/"+pr.ID, map[string]string{"decision": "maybe"}, nil, &decided); code != http.StatusBadRequest {
		t.Errorf("decision maybe: %d", code)
	}
	if code := e.call(http.MethodPost, "/api/execs/mod/proofs/"+pr.ID, map[string]string{"decision": "approve"}, nil, &decided); code != http.StatusOK {
		t.Fatalf("approve: %d %+v", code, decided)
	}
	waitOwner(t, events, "is now with the team")
	var card Card
	for _, c := range e.channel() {
		if c.ID == id {
			card = c
		}
	}
	if card.Status != bot.StatusOpen || card.Ownership != bot.OwnershipVerified {
		t.Fatalf("after approval the card is %+v", card)
	}
	if code := e.call(http.MethodPost, "/api/execs/mod/proofs/"+pr.ID, map[string]string{"decision": "reject"}, nil, &decided); code != http.StatusConflict {
		t.Errorf("decided twice: %d %+v", code, decided)
	}
}

func TestSampleOwnersParse(t *testing.T) {
	f, err := ownersfile.FromData("owners.sample.yaml", SampleOwners)
	if err != nil {
		t.Fatal(err)
	}
	ans, _ := f.CheckOwnership(context.Background(), bot.OwnershipQuery{Identity: "web:ann", VIN: "5YJ3E1EA4KF317001"})
	if ans.Result != bot.OwnershipVerified {
		t.Errorf("ann in the sample: %+v", ans)
	}
}

// The registration sent with the ordinary Attach button of a held case is the proof: it is
// listed for the moderators with Approve, not shown in the case's thread, and approving it
// posts the case.
func TestRegistrationPhotoAttached(t *testing.T) {
	e := ownershipEnv(t, bot.VerifyRequire)
	events := e.events("eve")
	e.intake("eve")
	id := e.submit("eve", nil)
	code, out := e.attach("eve", "registration.png", "image/png", pngPhoto, "")
	if code != http.StatusOK || !strings.Contains(text(out.Replies), "moderator will look") {
		t.Fatalf("attach: %d %+v", code, out)
	}
	var list struct {
		Proofs []proofJSON `json:"proofs"`
	}
	if code := e.call(http.MethodGet, "/api/execs/mod/proofs", nil, nil, &list); code != http.StatusOK || len(list.Proofs) != 1 || list.Proofs[0].Case != id {
		t.Fatalf("proofs: %d %+v", code, list)
	}
	var decided struct {
		Text string `json:"text"`
	}
	if code := e.call(http.MethodPost, "/api/execs/mod/proofs/"+list.Proofs[0].ID, map[string]string{"decision": "approve"}, nil, &decided); code != http.StatusOK {
		t.Fatalf("approve: %d %+v", code, decided)
	}
	waitOwner(t, events, "is now with the team")
	for _, c := range e.channel() {
		if c.ID != id {
			continue
		}
		if c.Status != bot.StatusOpen || c.Ownership != bot.OwnershipVerified {
			t.Fatalf("after approval the card is %+v", c)
		}
		for _, l := range c.Thread {
			if l.File != nil {
				t.Errorf("the registration is in the thread: %+v", l)
			}
		}
		return
	}
	t.Fatalf("%s is not on the channel", id)
}
