package conversation

import (
	_ "embed"
	"fmt"
	"maps"
	"sync"

	"github.com/goccy/go-yaml"
)

// DefaultFlow is the vehicle-owner intake (docs/ARCHITECTURE.md, "The shape"). testdata/flow.yaml holds the same flow
// as a file for operators to start from; a test keeps the two equal.
func DefaultFlow() *Flow {
	return &Flow{
		Name:         "vehicle-owner",
		Translations: defaultTranslations(),
		Greeting: "Hi, I'm the escalation assistant. I collect the details of a vehicle problem that normal " +
			"service has not solved, so that a member of the executive team can take it up personally.",
		EmergencyAdvice: "If anyone is hurt or in danger, call your local emergency number now. Do not drive the " +
			"vehicle: stop somewhere safe, turn on the hazard lights and call Roadside Assistance from the app. " +
			"I have marked your report as safety-critical; we can finish it once you are safe.",
		Steps: []Step{
			{
				ID:    "consent",
				Label: "Consent",
				Prompt: "Before we start: this line is a last resort for problems that normal service has not " +
					"solved; please use service and Roadside Assistance first. I will ask about your vehicle " +
					"(model, year, VIN, odometer), where you are and what happened. Your answers and your chat " +
					"name are shared with the executive escalations team and the staff they assign; nothing " +
					"reaches them until you submit the summary at the end. An automated assistant may read " +
					"your answers to fill in details and write the summary.",
				Kind:    KindConsent,
				Choices: []Choice{{Value: "understood", Label: "I understand"}},
			},
			{
				ID:     "ticket",
				Label:  "Service ticket",
				Prompt: "What is the number of your service ticket or case from your earlier contact with service? Type none if you have not had one.",
				Kind:   KindTicket,
				Group:  "details",
			},
			{
				ID:     "model",
				Role:   RoleModel,
				Label:  "Model",
				Prompt: "Which vehicle is it?",
				Kind:   KindChoice,
				Choices: []Choice{
					{Value: "model_s", Label: "Model S",
						Words: []string{"MS", "modle S", "Tesla S", "model-s", "modelo S", "Plaid S"},
						VIN:   []string{"5YJS", "7SAS", "LRWS"}},
					{Value: "model_3", Label: "Model 3",
						Words: []string{"m3", "modle 3", "the 3", "Tesla 3", "model three", "modelo 3", "Highland"},
						VIN:   []string{"5YJ3", "7SA3", "LRW3", "XP73"}},
					{Value: "model_x", Label: "Model X",
						Words: []string{"MX", "modle X", "Tesla X", "modelo X"},
						VIN:   []string{"5YJX", "7SAX", "LRWX"}},
					{Value: "model_y", Label: "Model Y",
						Words: []string{"MY", "modle Y", "Tesla Y", "modelo Y", "Juniper"},
						VIN:   []string{"5YJY", "7SAY", "LRWY", "XP7Y"}},
					{Value: "cybertruck", Label: "Cybertruck",
						Words: []string{"cyber truck", "Cyberbeast", "CT4", "CT"},
						VIN:   []string{"7G2C"}},
				},
				Other: true,
			},
			{
				ID:     "year",
				Label:  "Model year",
				Prompt: "What is its model year? For example 2021.",
				Kind:   KindYear,
				Min:    2008,
			},
			{
				ID:     "vin",
				Label:  "VIN",
				Prompt: "What is the VIN (vehicle identification number)? It has 17 characters; you'll find it in the app or on your registration.",
				Kind:   KindVIN,
			},
			{
				ID:     "odometer",
				Label:  "Odometer",
				Prompt: "What does the odometer show? For example 45,000 mi or 72000 km.",
				Kind:   KindOdometer,
				Group:  "details",
			},
			{
				ID:        "location",
				Role:      RoleLocation,
				Label:     "Location",
				Prompt:    "Where are you? City and region or country, for example Austin, Texas, so the right team takes it up.",
				Kind:      KindText,
				MinLength: 3,
				MaxLength: 200,
				Group:     "details",
			},
			{
				ID:     "category",
				Role:   RoleCategory,
				Label:  "Issue category",
				Prompt: "What is the problem mainly about?",
				Kind:   KindChoice,
				Choices: []Choice{
					{Value: "safety", Label: "Safety: brakes, steering, airbag, fire",
						Words: []string{"brake*", "brakse", "braking", "phantom brak*", "steer*", "airbag*", "fire", "smoke", "smoking", "burning", "burnt", "flames", "crash*", "collision", "accelerat*", "pedal", "lost power", "shuts down", "shut down while driving", "died while driving", "loss of power", "seat belt*", "seatbelt*", "trapped", "stuck inside", "stuck in the back", "locked in", "suspension", "wheel came off", "tire blew", "Bremse*", "bremst", "Lenkung", "Feuer", "Rauch", "Brand", "Unfall", "Notbremsung", "frein*", "freinage", "incendie", "fumée", "accident", "freno*", "frenó", "frenad*", "dirección", "humo", "incendio", "fuego", "accidente", "bolsa de aire"}},
					{Value: "battery", Label: "Battery & charging",
						Words: []string{"charg*", "chrag*", "won't charge", "no charge", "battery", "batery", "batteries", "range", "degrad*", "supercharg*", "wall connector", "charge port", "charging port", "kWh", "mobile connector", "state of charge", "Akku", "Batterie", "laden", "lädt", "Ladung", "Ladesäule", "Ladekabel", "Ladeport", "Reichweite", "recharge*", "autonomie", "borne*", "charge lente", "batería", "carga*", "cargar", "autonomía", "cargador"}},
					{Value: "software", Label: "Software",
						Words: []string{"software", "update*", "screen", "display", "touchscreen", "app", "phone key", "phone app", "bluetooth", "navigation", "nav", "voice command*", "camera*", "autopilot", "FSD", "MCU", "reboot*", "glitch*", "bug*", "firmware", "infotainment", "sentry", "key card", "unlock*", "map*", "region setting*", "Bildschirm", "Anzeige", "Navi", "Aktualisierung", "Kamera*", "Spracherkennung", "logiciel", "écran", "mise à jour", "caméra*", "appli", "pantalla", "actualización", "aplicación", "cámara*", "navegación"}},
					{Value: "body", Label: "Body & quality",
						Words: []string{"door*", "window*", "seal*", "trunk", "frunk", "tonneau", "paint", "scratch*", "dent*", "rattl*", "noise", "squeak*", "creak*", "panel gap*", "glass", "roof", "bumper", "latch", "leak*", "water", "wind noise", "falcon wing", "handle*", "wiper*", "mirror*", "cracked", "trim", "rust*", "whistl*", "Tür*", "Fenster", "Dichtung", "Lack", "Kratzer", "Geräusch*", "Klappern", "Spaltmaß*", "Scheibe", "porte*", "vitre*", "joint*", "peinture", "rayure*", "bruit*", "toit", "coffre", "puerta*", "ventana*", "pintura", "ruido*", "rayón", "maletero", "techo"}},
					{Value: "service", Label: "Service experience",
						Words: []string{"appointment*", "customer service", "mobile service", "nobody", "no one", "no answer", "no response", "never called", "never call", "rude", "cancel*", "ignored", "ghosted", "emails", "voicemail", "escalat*", "Termin*", "Kundendienst", "Kundenservice", "keine Antwort", "rendez-vous", "service client", "aucune réponse", "cita*", "servicio al cliente", "atención al cliente", "nadie", "sin respuesta"}},
					{Value: "delivery", Label: "Delivery & paperwork",
						Words: []string{"delivery", "delivered", "took delivery", "title", "plates", "registration", "paperwork", "temporary tag", "temp tag", "documents", "papers", "receive my", "handover", "Auslieferung", "Übergabe", "Zulassung", "Papiere", "Kennzeichen", "livraison", "carte grise", "immatriculation", "livré", "entrega", "matrícula", "papeles", "placas"}},
					{Value: "billing", Label: "Billing",
						Words: []string{"bill*", "invoice*", "refund*", "charged twice", "double charg*", "overcharg*", "payment", "paid", "price", "cost*", "quote*", "fee*", "covered", "reimburs*", "credit card", "deposit", "money back", "no cost", "Rechnung", "Rückerstattung", "Kosten", "bezahlt", "Gebühr*", "facture", "rembourse*", "frais", "payé", "factura", "reembolso", "cobro", "cobraron", "pagué"}},
					{Value: "other", Label: "Other",
						Words: []string{"heat pump", "HVAC", "air conditioning", "A/C", "heating", "heater", "climate", "warming", "hot air", "cold air", "Wärmepumpe", "Heizung", "Klimaanlage", "chauffage", "climatisation", "pompe à chaleur", "calefacción", "aire acondicionado", "bomba de calor"}},
				},
			},
			{
				ID:        "service_center",
				Label:     "Service center",
				Prompt:    "Which service or delivery center was involved?",
				Kind:      KindText,
				Optional:  true,
				MinLength: 2,
				MaxLength: 200,
				When:      &Condition{Step: "category", In: []string{"service", "delivery"}},
			},
			{
				ID:     "safe",
				Label:  "Safe to drive",
				Prompt: "Is the vehicle safe to drive right now?",
				Kind:   KindSafe,
				Choices: []Choice{
					{Value: "yes", Label: "Yes"},
					{Value: SafeNo, Label: "No"},
					{Value: SafeNotSure, Label: "Not sure"},
				},
			},
			{
				ID:        "description",
				Role:      RoleDescription,
				Label:     "Description",
				Prompt:    "Please describe the problem in your own words: what happens, and what service has done so far.",
				Kind:      KindText,
				MinLength: 30,
				MaxLength: 4000,
			},
			{
				ID:        "started",
				Role:      RoleStarted,
				Label:     "Started",
				Prompt:    "When did it start? A date, or for example \"about three weeks ago\".",
				Kind:      KindText,
				Group:     "details",
				MinLength: 2,
				MaxLength: 200,
			},
			{
				ID:        "outcome",
				Role:      RoleOutcome,
				Label:     "Desired outcome",
				Prompt:    "What outcome would you like?",
				Kind:      KindText,
				MinLength: 5,
				MaxLength: 1000,
			},
		},
	}
}

//go:embed defaultflow_translations.yaml
var defaultTranslationsYAML []byte

// defaultTranslationsOnce decodes the default flow's translations once; the file is part of the
// binary and a test reads it, so a fault is a bug of this package.
var defaultTranslationsOnce = sync.OnceValue(func() map[string]Translation {
	var doc struct {
		Translations map[string]Translation `yaml:"translations"`
	}
	if err := yaml.UnmarshalWithOptions(defaultTranslationsYAML, &doc, yaml.Strict()); err != nil {
		panic(fmt.Sprintf("conversation: defaultflow_translations.yaml: %v", err))
	}
	return doc.Translations
})

// defaultTranslations is a fresh copy of the default flow's translations, so that a caller
// who changes its flow changes no other.
func defaultTranslations() map[string]Translation {
	out := map[string]Translation{}
	for lang, tr := range defaultTranslationsOnce() {
		steps := make(map[string]StepText, len(tr.Steps))
		for id, st := range tr.Steps {
			st.Choices = maps.Clone(st.Choices)
			steps[id] = st
		}
		tr.Steps = steps
		out[lang] = tr
	}
	return out
}
