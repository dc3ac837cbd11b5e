package conversation

import (
	"slices"
	"strings"
	"testing"
)

// openWith starts a session from an opening message the rules read, and agrees to the consent
// step with the fields it offers.
func openWith(t *testing.T, lang, opening string) *chat {
	t.Helper()
	c := newChat(t)
	found, err := c.x.Extract(t.Context(), opening)
	if err != nil {
		t.Fatal(err)
	}
	c.res = c.e.Open(Session{Owner: "U1", Language: lang, LanguageFrom: LanguageFromOwner}, Input{Text: opening, Extracted: found}, c.now)
	c.s = c.res.Session
	c.press(ActionConfirm, "yes")
	return c
}

const openingAllStated = "My 2019 Model 3, VIN " + vinModel3 + ", stops charging at 80% at every Supercharger and service could not fix it."

func TestDetailsAskedTogether(t *testing.T) {
	validVIN(t, vinModel3)
	tests := []struct {
		name   string
		answer string
		want   map[string]string // answers after the message
		next   string            // the step asked next
		noted  bool              // the reply lists what was taken
	}{
		{
			name:   "all in one message",
			answer: "Ticket SR-1234567. The odometer shows 45,000 mi. I'm in Austin, TX",
			want:   map[string]string{"ticket": "SR-1234567", "odometer": "45000 mi", "location": "Austin, Texas"},
			next:   "safe", noted: true,
		},
		{
			name:   "some of them",
			answer: "case number 88412 and it has 45000 km",
			want:   map[string]string{"ticket": "88412", "odometer": "45000 km"},
			next:   "location", noted: true,
		},
		{
			name:   "only the first",
			answer: "none",
			want:   map[string]string{"ticket": TicketNone},
			next:   "odometer",
		},
		{
			name:   "a range is no reading",
			answer: "SR-1234567, range 300 km",
			want:   map[string]string{"ticket": "SR-1234567"},
			next:   "odometer",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := openWith(t, "", openingAllStated)
			c.step("ticket")
			if want := []string{"ticket", "odometer", "location"}; !slices.Equal(c.s.Together, want) {
				t.Fatalf("asked together %q, want %q; %v %s", c.s.Together, want, c.s.Answers, texts(c.res.Replies))
			}
			c.saw(DefaultFlow().step("ticket").Prompt)
			c.saw(say.AlsoTell.En)
			c.saw("• " + DefaultFlow().step("odometer").Prompt)
			c.saw("• " + DefaultFlow().step("location").Prompt)

			c.send(tt.answer)
			for id, v := range tt.want {
				c.answer(id, v)
			}
			c.step(tt.next)
			if got := strings.Contains(texts(c.res.Replies), "From your message I noted"); got != tt.noted {
				t.Fatalf("noted %v, want %v: %s", got, tt.noted, texts(c.res.Replies))
			}
			// The group is asked together once: what it lacks comes one by one.
			if len(c.s.Together) > 0 || strings.Contains(texts(c.res.Replies), say.AlsoTell.En) {
				t.Fatalf("asked together again: %q %s", c.s.Together, texts(c.res.Replies))
			}
			if len(c.s.Pending) > 0 {
				t.Fatalf("pending %v after answering the details", c.s.Pending)
			}
		})
	}
}

func TestDetailsTogetherOnlyWhereTheyFollowEachOther(t *testing.T) {
	c := newChat(t)
	c.walkTo("ticket")
	// The model, year and VIN come between the ticket and the odometer: the ticket alone.
	if len(c.s.Together) > 0 || strings.Contains(texts(c.res.Replies), say.AlsoTell.En) {
		t.Fatalf("ticket asked with %q: %s", c.s.Together, texts(c.res.Replies))
	}
	for _, w := range walkThrough[1:5] {
		c.step(w.step)
		c.send(w.text)
	}
	c.step("odometer")
	if want := []string{"odometer", "location"}; !slices.Equal(c.s.Together, want) {
		t.Fatalf("asked together %q, want %q", c.s.Together, want)
	}
	// An answer typed without an extractor is read as the first question's.
	c.do(Input{Text: "45,000 miles"})
	c.answer("odometer", "45000 mi")
	c.step("location")
	c.send("Austin, Texas")
	c.answer("location", "Austin, Texas")
	c.step("category")
}

func TestDetailsTogetherInTheOwnersLanguage(t *testing.T) {
	c := openWith(t, LangGerman, "Mein Model 3 von 2019, FIN "+vinModel3+", lädt an keinem Supercharger mehr über 80 Prozent.")
	c.step("ticket")
	c.saw(say.AlsoTell.De)
	de := DefaultFlow().localized(LangGerman)
	c.saw("• " + de.step("odometer").Prompt)
	c.send("Vorgangsnummer 4711-2233, Kilometerstand 45000 km")
	c.answer("ticket", "4711-2233")
	c.answer("odometer", "45000 km")
	c.saw("Aus Ihrer Nachricht habe ich notiert")
	c.step("location")
}

func TestEditAsksOneStep(t *testing.T) {
	c := newChat(t)
	c.walkTo("")
	c.stage(StageReview)
	c.press(ActionEdit, "odometer")
	c.step("odometer")
	if len(c.s.Together) > 0 {
		t.Fatalf("edit asks %q together", c.s.Together)
	}
}
