package conversation

// DefaultFlow is the vehicle-owner intake (DESIGN.md §3). testdata/flow.yaml holds the same flow
// as a file for operators to start from; a test keeps the two equal.
func DefaultFlow() *Flow {
	return &Flow{
		Name: "vehicle-owner",
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
			},
			{
				ID:     "model",
				Role:   RoleModel,
				Label:  "Model",
				Prompt: "Which vehicle is it?",
				Kind:   KindChoice,
				Choices: []Choice{
					{Value: "model_s", Label: "Model S"},
					{Value: "model_3", Label: "Model 3"},
					{Value: "model_x", Label: "Model X"},
					{Value: "model_y", Label: "Model Y"},
					{Value: "cybertruck", Label: "Cybertruck"},
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
			},
			{
				ID:        "location",
				Role:      RoleLocation,
				Label:     "Location",
				Prompt:    "Where are you? City and region or country, for example Austin, Texas, so the right team takes it up.",
				Kind:      KindText,
				MinLength: 3,
				MaxLength: 200,
			},
			{
				ID:     "category",
				Role:   RoleCategory,
				Label:  "Issue category",
				Prompt: "What is the problem mainly about?",
				Kind:   KindChoice,
				Choices: []Choice{
					{Value: "safety", Label: "Safety: brakes, steering, airbag, fire"},
					{Value: "battery", Label: "Battery & charging"},
					{Value: "software", Label: "Software"},
					{Value: "body", Label: "Body & quality"},
					{Value: "service", Label: "Service experience"},
					{Value: "delivery", Label: "Delivery & paperwork"},
					{Value: "billing", Label: "Billing"},
					{Value: "other", Label: "Other"},
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
