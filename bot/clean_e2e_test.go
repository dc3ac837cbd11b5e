package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// dirty is owner text with what must never reach a card, a thread or a model: a right-to-left
// override, a NUL, an ANSI colour and broadcasts written in fullwidth forms.
const dirty = "The brakes fail\u202E at speed\x00 and the dash shows \x1b[31mRED\x1b[0m. \uFF20everyone look, \uFF1C!channel\uFF1E"

// cleaned is dirty as every reader gets it.
const cleaned = "The brakes fail at speed and the dash shows RED. @\u200beveryone look, <\u200b!channel>"

// banned are the pieces of dirty that must not survive anywhere.
var banned = []string{"\u202E", "\x00", "\x1b", "[31m", "[0m", "\uFF20", "\uFF1C", "@everyone", "<!channel>"}

func checkClean(t *testing.T, where, s string) {
	t.Helper()
	for _, b := range banned {
		if strings.Contains(s, b) {
			t.Errorf("%s still has %q: %q", where, b, s)
		}
	}
}

// recordingExtractor remembers the text it was given, as a model would read it.
type recordingExtractor struct {
	conversation.Extractor
	mu    sync.Mutex
	texts []string
}

func (r *recordingExtractor) Extract(ctx context.Context, text string) (map[string]string, error) {
	r.mu.Lock()
	r.texts = append(r.texts, text)
	r.mu.Unlock()
	return r.Extractor.Extract(ctx, text)
}

// recordingSummarizer remembers its input, as a model would read it.
type recordingSummarizer struct {
	mu     sync.Mutex
	inputs []bot.SummaryInput
}

func (r *recordingSummarizer) Summarize(_ context.Context, in bot.SummaryInput) (bot.Summary, error) {
	r.mu.Lock()
	r.inputs = append(r.inputs, in)
	r.mu.Unlock()
	return bot.TemplateSummary(in), nil
}

// Owner text is cleaned where it enters: the card, the thread and the models read clean text,
// whatever the owner typed.
func TestOwnerTextIsCleanedEverywhere(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	extractor := &recordingExtractor{Extractor: h.params.Extractor}
	summarizer := &recordingSummarizer{}
	h.rebuild(t, func(p *bot.Params) {
		p.Extractor = extractor
		p.Summarizer = summarizer
	})
	// The display name is the platform's, and as much the owner's writing as the rest.
	owner := bot.Identity("web:Mal\u202Elory\x1b[1m")
	id := h.intake(t, owner, true, map[string]string{
		"ticket":      "SR-\u202E2093\x1b[31m1\x00 \uFF20here",
		"description": dirty,
		"outcome":     "A fix. " + dirty,
	})

	card, ok := h.msgr.card(id)
	if !ok {
		t.Fatalf("card %s was not posted", id)
	}
	checkClean(t, "card title", card.Title)
	checkClean(t, "card summary", card.Summary)
	checkClean(t, "card ask", card.Ask)
	checkClean(t, "card owner", card.Owner)
	for _, f := range card.KeyFacts {
		checkClean(t, "card key fact", f)
	}
	fields := map[string]string{}
	for _, f := range card.Fields {
		checkClean(t, "card field "+f.Key, f.Value)
		fields[f.Key] = f.Value
	}
	if fields["description"] != cleaned {
		t.Errorf("description on the card = %q, want %q", fields["description"], cleaned)
	}
	if fields["vin"] != validVIN || fields["ticket"] != "SR-20931 @\u200bhere" {
		t.Errorf("card fields = %q", fields)
	}
	if card.Owner != "Mallory" {
		t.Errorf("card owner = %q, want Mallory", card.Owner)
	}

	// After submission the owner's messages go to the case thread.
	h.say(t, owner, "One more thing: "+dirty)
	thread := h.msgr.thread(id)
	if len(thread) == 0 {
		t.Fatal("the owner's message did not reach the thread")
	}
	last := thread[len(thread)-1]
	checkClean(t, "thread line", last.Text)
	checkClean(t, "thread sender", last.From)
	if last.Text != "One more thing: "+cleaned {
		t.Errorf("thread line = %q, want the cleaned message", last.Text)
	}

	extractor.mu.Lock()
	defer extractor.mu.Unlock()
	if len(extractor.texts) == 0 {
		t.Fatal("the extractor read nothing")
	}
	for _, text := range extractor.texts {
		checkClean(t, "extractor input", text)
	}
	summarizer.mu.Lock()
	defer summarizer.mu.Unlock()
	if len(summarizer.inputs) == 0 {
		t.Fatal("the summarizer read nothing")
	}
	for _, in := range summarizer.inputs {
		for _, a := range in.Answers {
			checkClean(t, "summarizer input "+a.Key, a.Value)
		}
	}
}
