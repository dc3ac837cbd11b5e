package conversation

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		text string
		want string // "" when the text says too little
	}{
		{"Hallo, mein Model 3 lädt seit gestern nicht mehr.", LangGerman},
		{"Die Bremsen quietschen und das Auto zieht nach links", LangGerman},
		{"Bonjour, ma voiture ne se recharge plus depuis deux semaines.", LangFrench},
		{"La porte arrière de mon Model Y ne s'ouvre plus", LangFrench},
		{"Hola, la pantalla de mi coche se queda negra desde ayer.", LangSpanish},
		{"Me cobraron dos veces la factura del servicio", LangSpanish},
		{"My Model 3 won't charge since Tuesday and nobody calls me back.", LangEnglish},
		{"The brakes grind and I can't drive it", LangEnglish},
		// Too little to tell, or nothing but names and numbers.
		{"m3 2021 wont charge", ""},
		{"5YJ3E1EA2KF317000", ""},
		{"Model Y", ""},
		{"", ""},
		{"ok", ""},
		// English with a foreign greeting is English.
		{"Bonjour, my Model 3 Highland of 2024 make a strange noise in the roof glass and the dashboard", LangEnglish},
		// Too mixed to tell: such an owner gets the flow's own language, English.
		{"Hola, buenas tardes. My Tesla model 3 of year 2020 no charge more than 60% since the update", ""},
	}
	for _, tt := range tests {
		got, ok := DetectLanguage(tt.text)
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("DetectLanguage(%q) = %q, %v; want %q", tt.text, got, ok, tt.want)
		}
	}
}

// Every owner story opening in German, French or Spanish reads as that language, and no
// English one (the non-native stories included) reads as another.
func TestDetectLanguageOnStories(t *testing.T) {
	wantOf := func(id string) string {
		switch {
		case strings.HasPrefix(id, "german-"), id == "range-300-km":
			return LangGerman
		case strings.HasPrefix(id, "french-"):
			return LangFrench
		case strings.HasPrefix(id, "spanish-"):
			return LangSpanish
		}
		return LangEnglish
	}
	right, unsure, foreign := 0, 0, 0
	stories := loadStories(t)
	for _, s := range stories {
		got, ok := DetectLanguage(s.Text)
		want := wantOf(s.ID)
		switch {
		case ok && got == want:
			right++
		case !ok && want == LangEnglish:
			unsure++ // the flow's own language, English, is what such an owner gets
		default:
			foreign++
			t.Errorf("%s: DetectLanguage = %q, %v; want %q", s.ID, got, ok, want)
		}
	}
	t.Logf("%d stories: %d read as their language, %d English ones too short to tell, %d wrong", len(stories), right, unsure, foreign)
}

func TestParseLocale(t *testing.T) {
	tests := map[string]string{
		"de-DE": LangGerman, "de": LangGerman, "DE_at": LangGerman, "fr-CA": LangFrench, "es-419": LangSpanish,
		"es-ES": LangSpanish, "en-US": LangEnglish, "en-GB": LangEnglish, "pt-BR": "", "": "", "zh-CN": "", "-": "", "deu": "",
	}
	for in, want := range tests {
		if got := ParseLocale(in); got != want {
			t.Errorf("ParseLocale(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseLanguageCommand(t *testing.T) {
	tests := []struct {
		text string
		arg  string
		ok   bool
	}{
		{"language de", "de", true},
		{"Language: German", "german", true},
		{"sprache deutsch", "deutsch", true},
		{"Sprache", "", true},
		{"langue fr", "fr", true},
		{"langue français", "français", true},
		{"idioma español", "español", true},
		{"idioma: es", "es", true},
		{"in English please", "english", true},
		{"auf Deutsch bitte", "deutsch", true},
		{"en français s'il vous plaît", "français", true},
		{"en español por favor", "español", true},
		{"Deutsch", "deutsch", true},
		{"language klingon", "klingon", true},
		// Answers, not requests.
		{"de", "", false},
		{"in", "", false},
		{"the language of the manual is wrong", "", false},
		{"english speaking service please call me", "", false},
		{"Stuttgart", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		arg, ok := parseLanguageCommand(tt.text)
		if arg != tt.arg || ok != tt.ok {
			t.Errorf("parseLanguageCommand(%q) = %q, %v; want %q, %v", tt.text, arg, ok, tt.arg, tt.ok)
		}
	}
}

var verbPattern = regexp.MustCompile(`%[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)

// Every sentence of the engine exists in every language it speaks, with the same verbs in the
// same order, so no owner meets an English sentence or a %!d(MISSING).
func TestSentencesComplete(t *testing.T) {
	v := reflect.ValueOf(say)
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		m := v.Field(i).Interface().(msg)
		want := verbPattern.FindAllString(m.En, -1)
		for _, lang := range Languages() {
			text := m.In(lang)
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s has no %s text", name, lang)
			}
			if got := verbPattern.FindAllString(text, -1); !slices.Equal(got, want) {
				t.Errorf("%s in %s has verbs %v, English %v", name, lang, got, want)
			}
		}
	}
}

// The default flow offers every language the engine speaks and has every text in each.
func TestDefaultFlowTranslationsComplete(t *testing.T) {
	f := DefaultFlow()
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := f.Offers(); !slices.Equal(got, Languages()) {
		t.Fatalf("Offers() = %v, want %v", got, Languages())
	}
	e := NewEngine(f)
	for _, lang := range Languages()[1:] {
		g := e.flows[lang]
		if g.Greeting == f.Greeting || g.EmergencyAdvice == f.EmergencyAdvice {
			t.Errorf("%s: greeting or emergency advice left in English", lang)
		}
		for i, st := range g.Steps {
			if st.Prompt == f.Steps[i].Prompt {
				t.Errorf("%s: step %s's prompt left in English", lang, st.ID)
			}
			if st.lang != lang {
				t.Errorf("%s: step %s speaks %q", lang, st.ID, st.lang)
			}
		}
	}
	// The base flow is not changed by localizing it.
	if !reflect.DeepEqual(e.Flow(), DefaultFlow()) {
		t.Fatal("NewEngine changed the flow it was given")
	}
}

// A flow file's translations are checked like the rest of it: a missing text, a text for
// something the flow lacks, or a language the bot does not speak stops the start at
// file:line:col.
func TestParseFlowTranslationErrors(t *testing.T) {
	base := `name: x
greeting: Hi.
emergency_advice: Stop.
steps:
  - {id: consent, label: Consent, prompt: Agree?, kind: consent, choices: [{value: ok, label: OK}]}
  - {id: model, label: Model, prompt: Which?, kind: choice, role: model, choices: [{value: a, label: A}]}
  - {id: year, label: Year, prompt: Year?, kind: year, min: 2008}
  - {id: vin, label: VIN, prompt: VIN?, kind: vin}
  - {id: odo, label: Odometer, prompt: Odometer?, kind: odometer}
  - {id: loc, label: Location, prompt: Where?, kind: text, role: location}
  - {id: cat, label: Category, prompt: What?, kind: choice, role: category, choices: [{value: b, label: B}]}
  - {id: safe, label: Safe, prompt: Safe?, kind: safe, choices: [{value: "no", label: "No"}]}
  - {id: desc, label: Description, prompt: Describe., kind: text, role: description}
  - {id: out, label: Outcome, prompt: Outcome?, kind: text, role: outcome}
`
	steps := func(skip string, extra string) string {
		var b strings.Builder
		for _, s := range []struct{ id, choices string }{
			{"consent", "{ok: Einverstanden}"}, {"model", "{a: A}"}, {"year", ""}, {"vin", ""}, {"odo", ""},
			{"loc", ""}, {"cat", "{b: B}"}, {"safe", `{"no": Nein}`}, {"desc", ""}, {"out", ""},
		} {
			if s.id == skip {
				continue
			}
			b.WriteString("      " + s.id + ": {label: L, prompt: P")
			if s.choices != "" {
				b.WriteString(", choices: " + s.choices)
			}
			b.WriteString("}\n")
		}
		return b.String() + extra
	}
	tr := func(lang, body string) string {
		return base + "translations:\n  " + lang + ":\n    greeting: Hallo.\n    emergency_advice: Halt.\n    steps:\n" + body
	}
	if _, err := ParseFlow([]byte(tr("de", steps("", ""))), "f.yaml"); err != nil {
		t.Fatalf("a complete translation: %v", err)
	}
	tests := []struct {
		name, yaml, want string
	}{
		{"missing step", tr("de", steps("vin", "")), `f.yaml:20:14: the de translation has no step "vin"`},
		{"missing prompt", tr("de", strings.Replace(steps("", ""), "odo: {label: L, prompt: P}", "odo: {label: L}", 1)), `f.yaml:24:12: the de translation of step "odo" has no prompt`},
		{"missing choice", tr("de", strings.Replace(steps("", ""), `{"no": Nein}`, `{}`, 1)), `the de translation of step "safe" has no label for choice "no"`},
		{"unknown choice", tr("de", strings.Replace(steps("", ""), "{b: B}", "{b: B, c: C}", 1)), `f.yaml:26:53: the de translation of step "cat" names choice "c"`},
		{"unknown step", tr("de", steps("", "      ghost: {label: L, prompt: P}\n")), `f.yaml:30:14: the de translation has step "ghost", which the flow does not have`},
		{"unknown language", tr("it", steps("", "")), `f.yaml:17:13: translation "it" is into a language the bot does not speak`},
		{"own language", tr("en", steps("", "")), `translation "en" is into the flow's own language`},
		{"no greeting", strings.Replace(tr("de", steps("", "")), "    greeting: Hallo.\n", "", 1), `f.yaml:17:21: the de translation has no greeting`},
		{"no emergency advice", strings.Replace(tr("de", steps("", "")), "    emergency_advice: Halt.\n", "", 1), `the de translation has no emergency_advice`},
		{"flow language", "language: xx\n" + base, `f.yaml:1:11: language "xx" is not one the bot speaks`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFlow([]byte(tt.yaml), "f.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
		})
	}
}

// A German owner, recognised from the opening message, does the whole intake in German: every
// question, button, correction and the review card, and the answers are the same values an
// English owner's would be.
func TestGermanOwnerWholeIntake(t *testing.T) {
	vin := validVIN(t, vinModel3)
	c := newChat(t)
	c.s = Session{Owner: "U1"}
	c.send("Hallo, mein Model 3 von 2019 lädt seit gestern nicht mehr und der Service meldet sich nicht.")
	if c.s.Language != LangGerman || c.s.LanguageFrom != LanguageFromMessage {
		t.Fatalf("language %q from %q", c.s.Language, c.s.LanguageFrom)
	}
	de := NewEngine(DefaultFlow()).flows[LangGerman]
	c.saw(de.Greeting)
	c.saw("Aus Ihrer Nachricht habe ich notiert: Model 3, Modelljahr 2019, Akku & Laden")
	if !c.hasButton(Button{Label: "Ich verstehe; die Angaben stimmen", Action: ActionConfirm, Value: "yes"}) {
		t.Fatalf("buttons %+v", c.lastButtons())
	}
	c.press(ActionConfirm, "yes")
	c.step("ticket")
	c.saw(de.step("ticket").Prompt)
	c.send("keine")
	c.answer("ticket", TicketNone)
	c.step("vin")
	c.send("5YJ3E1EA2KF31700") // one short
	c.saw("Eine FIN hat 17 Zeichen; ich zähle 16.")
	c.send(vin)
	c.step("odometer")
	c.send("72000")
	c.saw("Sind das 72000 Kilometer oder Meilen?")
	c.press(ActionChoose, UnitKm)
	c.answer("odometer", "72000 km")
	c.step("location")
	c.send("Stuttgart, Deutschland")
	c.step("safe")
	if !c.hasButton(Button{Label: "Nicht sicher", Action: ActionChoose, Value: SafeNotSure}) {
		t.Fatalf("buttons %+v", c.lastButtons())
	}
	c.send("weiß nicht")
	c.answer("safe", SafeNotSure)
	c.saw(de.EmergencyAdvice)
	c.step("outcome") // the description and "seit gestern" were kept from the opening message
	c.answer("started", "seit gestern")
	c.send("hilfe")
	c.saw("Sie können auch schreiben: zurück")
	c.send("Eine dauerhafte Reparatur.")
	c.stage(StageReview)
	c.saw("Hier ist alles, was Sie mir gesagt haben.")
	if !c.hasButton(Button{Label: "Ändern: Kilometerstand", Action: ActionEdit, Value: "odometer"}) ||
		!c.hasButton(Button{Label: "Absenden", Action: ActionSubmit}) {
		t.Fatalf("buttons %+v", c.lastButtons())
	}
	fields := c.res.Replies[len(c.res.Replies)-1].Fields
	if !slices.Contains(fields, Field{Key: "safe", Role: RoleSafe, Label: "Fahrbereit", Value: "Nicht sicher", Choice: SafeNotSure}) {
		t.Fatalf("fields %+v", fields)
	}
	c.send("ändern kilometerstand")
	c.step("odometer")
	c.saw("Bisherige Antwort: 72000 km")
	c.send("73.000 km")
	c.stage(StageReview)
	c.press(ActionSubmit, "")
	c.stage(StageSubmitted)
	// The case reads in the operator's language, with the owner's words as written.
	e := NewEngine(DefaultFlow())
	en := e.FieldsIn(c.s, LangEnglish)
	if !slices.Contains(en, Field{Key: "safe", Role: RoleSafe, Label: "Safe to drive", Value: "Not sure", Choice: SafeNotSure}) ||
		!slices.Contains(en, Field{Key: "outcome", Role: RoleOutcome, Label: "Desired outcome", Value: "Eine dauerhafte Reparatur."}) {
		t.Fatalf("fields in English %+v", en)
	}
	for _, r := range allReplies(c) {
		if strings.Contains(r, "Please") || strings.Contains(r, "Edit ") {
			t.Errorf("English in a German dialogue: %q", r)
		}
	}
}

// allReplies are the texts and button labels of the last turn.
func allReplies(c *chat) []string {
	var out []string
	for _, r := range c.res.Replies {
		out = append(out, r.Text)
		for _, b := range r.Buttons {
			out = append(out, b.Label)
		}
	}
	return out
}

// The language comes from the platform, else the opening message; the owner can switch at any
// point, and their choice then holds.
func TestLanguageChoiceAndSwitch(t *testing.T) {
	e := NewEngine(DefaultFlow())
	open := func(in Input) Result { return e.Handle(Session{Owner: "U1"}, in, testNow) }
	tests := []struct {
		name     string
		in       Input
		lang     string
		from     string
		offer    string // a language offered with a button
		greeting string
	}{
		{"locale", Input{Locale: "fr-FR"}, LangFrench, LanguageFromPlatform, "", e.flows[LangFrench].Greeting},
		{"message", Input{Text: "Hola, mi coche no carga desde ayer"}, LangSpanish, LanguageFromMessage, "", e.flows[LangSpanish].Greeting},
		{"locale wins, message offered", Input{Locale: "en-US", Text: "Hallo, mein Auto lädt nicht mehr"}, LangEnglish, LanguageFromPlatform, LangGerman, e.flows[LangEnglish].Greeting},
		{"unknown locale, message", Input{Locale: "pt-BR", Text: "Bonjour, ma voiture ne charge plus"}, LangFrench, LanguageFromMessage, "", e.flows[LangFrench].Greeting},
		{"nothing to go on", Input{Text: "m3 2021"}, "", "", "", e.flows[LangEnglish].Greeting},
		{"asked for", Input{Text: "idioma español"}, LangSpanish, LanguageFromOwner, "", e.flows[LangSpanish].Greeting},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := open(tt.in)
			if res.Session.Language != tt.lang || res.Session.LanguageFrom != tt.from {
				t.Fatalf("language %q from %q, want %q from %q", res.Session.Language, res.Session.LanguageFrom, tt.lang, tt.from)
			}
			if !strings.Contains(texts(res.Replies), tt.greeting) {
				t.Fatalf("replies %s lack the greeting %q", texts(res.Replies), tt.greeting)
			}
			offered := ""
			for _, r := range res.Replies {
				for _, b := range r.Buttons {
					if b.Action == ActionLanguage {
						offered = b.Value
					}
				}
			}
			if offered != tt.offer {
				t.Fatalf("offered %q, want %q", offered, tt.offer)
			}
		})
	}

	switches := []struct {
		name string
		in   Input
		lang string
		saw  string
	}{
		{"typed code", Input{Text: "language de"}, LangGerman, "Ich schreibe Ihnen ab jetzt auf Deutsch."},
		{"sprache", Input{Text: "Sprache Französisch"}, LangFrench, "Je vous écris désormais en français."},
		{"langue", Input{Text: "langue es"}, LangSpanish, "A partir de ahora le escribo en español."},
		{"idioma", Input{Text: "idioma inglés"}, LangEnglish, "I'll write in English from now on."},
		{"phrase", Input{Text: "auf Deutsch, bitte"}, LangGerman, "Ich schreibe Ihnen ab jetzt auf Deutsch."},
		{"button", Input{Action: ActionLanguage, Value: LangFrench}, LangFrench, "Je vous écris désormais en français."},
	}
	for _, stage := range []string{"ticket", "review"} {
		for _, tt := range switches {
			t.Run(stage+"/"+tt.name, func(t *testing.T) {
				c := newChat(t)
				if stage == "review" {
					c.walkTo("")
				} else {
					c.walkTo(stage)
				}
				before := c.s.Stage
				c.do(tt.in)
				if c.s.Language != tt.lang || c.s.LanguageFrom != LanguageFromOwner {
					t.Fatalf("language %q from %q", c.s.Language, c.s.LanguageFrom)
				}
				c.saw(tt.saw)
				if c.s.Stage != before {
					t.Fatalf("stage %s after %s", c.s.Stage, before)
				}
				// The question waiting is asked again, in the new language.
				if stage == "ticket" {
					c.saw(e.flows[tt.lang].step("ticket").Prompt)
				} else {
					c.saw(say.Review.In(tt.lang))
				}
				// A platform locale later does not undo the owner's choice.
				c.do(Input{Text: "help", Locale: "es-ES"})
				if c.s.Language != tt.lang {
					t.Fatalf("locale changed the owner's choice to %q", c.s.Language)
				}
			})
		}
	}

	t.Run("unknown language", func(t *testing.T) {
		c := newChat(t)
		c.walkTo("ticket")
		c.send("language klingon")
		c.saw(`I can't write in "klingon". I can write in: English, Deutsch, Français, Español.`)
		if len(c.lastButtons()) != 4 || c.lastButtons()[1] != (Button{Label: "Deutsch", Action: ActionLanguage, Value: LangGerman}) {
			t.Fatalf("buttons %+v", c.lastButtons())
		}
		c.step("ticket")
		if c.s.Language != "" {
			t.Fatalf("language %q", c.s.Language)
		}
	})
	t.Run("submitted", func(t *testing.T) {
		c := newChat(t)
		c.walkTo("")
		c.press(ActionSubmit, "")
		c.send("sprache de")
		c.stage(StageSubmitted)
		c.saw("Ich schreibe Ihnen ab jetzt auf Deutsch.")
		c.send("hallo")
		c.saw(say.SubmittedAlready.De)
	})
	t.Run("a restart keeps it", func(t *testing.T) {
		c := newChat(t)
		c.walkTo("ticket")
		c.send("language fr")
		c.send("restart")
		c.saw(e.flows[LangFrench].Greeting)
		c.send("cancel")
		c.saw(say.Cancelled.Fr)
	})
}
