package conversation

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The rules below read what owners write in English, German, French and Spanish. Each is
// cautious: a field it is not sure of is left for the question, which costs one turn, where a
// wrong pre-fill costs a "no" and the question anyway.

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// findOdometer returns the one reading with a unit in text that is an odometer, as "45000 mi".
// A speed ("100 km/h"), a range ("range 300 km", "180 miles at full charge") or a trip ("drove
// 40 km", "after 50 miles of driving") is not.
func findOdometer(text string) string {
	var found []string
	for i := 0; i < len(text); {
		if !isDigit(text[i]) || (i > 0 && (isLetter(text[i-1]) || isDigit(text[i-1]))) {
			i++
			continue
		}
		n, unit, end, ok := scanOdometer(text, i)
		if ok && unit != "" && n <= maxOdometer && !notOdometer(text, i, end) {
			found = appendUnique(found, formatOdometer(n, unit))
		}
		if end <= i {
			end = i + 1
		}
		i = end
	}
	if len(found) == 1 {
		return found[0]
	}
	return ""
}

// Words around a distance that make it a speed, a range or a trip rather than a reading.
var (
	distanceBefore = regexp.MustCompile(`(?i)(?:^|[^\pL])(range|reichweite|autonomie|autonomía|autonomia|drove|drive|driving|driven|drives|trip|journey|commute|after|for|within|every|each|per|over|under|above|below|up to|only|gets?|get only|shows?|showing|lost|losing|away|fahrt|gefahren|nach|alle|après|tous les|pendant|después de|cada|durante|from|down to|at about|to about|con)\W*(?:about|around|approx\.?|roughly|nearly|almost|just|maybe|~)?\W*$`)
	distanceAfter  = regexp.MustCompile(`(?i)^\W{0,3}(?:/\s?h|/hr|h\b|ph\b|per hour|an hour|in \d|range|of range|reichweite|d'autonomie|de autonomía|at full|on a (?:full )?charge|on 100|with 100|to the|from|away|of driving|of highway|into|later|drive|driving|trip|round|each way|left|remaining|down|behind|ahead|further|more|less|per|a day|a week|daily|weekly|/day|/week)`)
	odometerBefore = regexp.MustCompile(`(?i)(odometer|odo|mileage|milage|kilometer ?stand|kilometerstand|km-stand|kilométrage|kilometraje|has|have|having|with|at|is at|now|total)(?:\s+(?:shows?|showing|reads?|says|zeigt|indique|marca))?\W*(?:about|around|approx\.?|roughly|nearly|almost|just|over|~)?\W*$`)
)

// notOdometer reports a distance at text[i:end] that its words make a speed, a range or a trip.
func notOdometer(text string, i, end int) bool {
	before := text[max(0, i-40):i]
	after := text[end:min(len(text), end+24)]
	if distanceAfter.MatchString(after) {
		return true
	}
	if odometerBefore.MatchString(before) {
		return false
	}
	return distanceBefore.MatchString(before)
}

// US states and Canadian provinces by postal abbreviation, so "Austin TX" reads as
// "Austin, Texas".
var regions = map[string]string{
	"AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
	"CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
	"HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
	"KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
	"MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
	"NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
	"NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
	"OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
	"TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
	"WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
	"AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick", "NL": "Newfoundland and Labrador",
	"NS": "Nova Scotia", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec", "SK": "Saskatchewan",
}

var (
	// A phrase that says where the owner is, followed by the place.
	placeIntro = newScreen(regexp.MustCompile(`(?i)(?:^|[^\pL])(?:i'?m|i am|we'?re|we are|i live|we live|i'?m living|living|located|based|staying|i'?m staying|stranded|here|write you|writing you|write to you|writing to you|writing|moved|move|ich wohne|wir wohnen|ich lebe|ich bin|wohne|j'habite|nous habitons|je vis|je suis|vivo|vivimos|estoy|estamos|resido)\s+(?:(?:currently|now|right now|actually|near|outside of|outside|just outside|close to)\s+)?(?:in|from|at|to|near|à|a|en|bei)\s+(?:the\s+)?([\pL][\pL'’-]*(?:[ -][\pL][\pL'’-]*){0,4}(?:\s*,\s*[\pL][\pL'’-]*(?:\s[\pL][\pL'’-]*){0,2})?)`))
	// "Denver CO", "Tulsa, OK": a place and a US state or Canadian province, in capitals.
	placeRegion = regexp.MustCompile(`(?:^|[^\pL])((?:[A-Z][\pL'’-]+ ){0,2}[A-Z][\pL'’-]+),? ([A-Z]{2})(?:$|[^\pL])`)
)

// Words that end a place name: "I'm in Austin and ...", "in Phoenix since ...".
var placeStop = map[string]bool{
	"and": true, "but": true, "or": true, "the": true, "since": true, "for": true, "with": true, "where": true,
	"which": true, "so": true, "because": true, "now": true, "only": true, "area": true, "today": true,
	"right": true, "at": true, "on": true, "in": true, "is": true, "are": true, "was": true, "and,": true,
	"und": true, "et": true, "y": true, "mais": true, "pero": true, "seit": true, "depuis": true, "desde": true,
	"tesla": true, "service": true, "my": true, "a": true, "an": true, "it": true, "this": true, "that": true,
	"traffic": true, "parking": true, "garage": true, "car": true, "nowhere": true, "middle": true,
	"back": true, "front": true, "rain": true, "hurry": true, "i": true, "we": true,
}

// findLocation returns where the owner says they are: "Austin, Texas", "Stuttgart".
func findLocation(text, folded string) string {
	if placeIntro.may(folded) {
		for _, m := range placeIntro.re.FindAllStringSubmatch(text, -1) {
			if place := cleanPlace(m[1], text); place != "" {
				return place
			}
		}
	}
	for _, m := range placeRegion.FindAllStringSubmatch(text, -1) {
		if name, ok := regions[m[2]]; ok {
			if city := cleanPlace(m[1], text); city != "" && !placeStop[strings.ToLower(city)] {
				return city + ", " + name
			}
		}
	}
	// A message all in lower case: "austin tx".
	if strings.ToLower(text) == text {
		if loose := placeRegion.FindAllStringSubmatch(upperWords(text), -1); len(loose) == 1 {
			if name, ok := regions[loose[0][2]]; ok {
				if city := cleanPlace(loose[0][1], ""); city != "" {
					return titleCase(city) + ", " + name
				}
			}
		}
	}
	return ""
}

// cleanPlace keeps the words of a place name that are capitalized (or all of them when the
// whole message is in one case), up to a word that ends it, and expands a region abbreviation.
func cleanPlace(s, text string) string {
	oneCase := text != "" && (strings.ToUpper(text) == text || strings.ToLower(text) == text)
	city, region := "", ""
	var words []string
	parts := strings.SplitN(s, ",", 2)
	for _, w := range strings.Fields(parts[0]) {
		w = strings.Trim(w, ".’'")
		if w == "" || placeStop[strings.ToLower(w)] || (!oneCase && !startsUpper(w)) {
			break
		}
		if name, ok := regions[strings.ToUpper(w)]; ok && len(w) == 2 && len(words) > 0 && (oneCase || strings.ToUpper(w) == w) {
			region = name
			break
		}
		words = append(words, w)
	}
	// "Portland Oregon": a place and its region without a comma.
	if n := len(words); n >= 2 && region == "" && isRegionName(words[n-1]) {
		region, words = words[n-1], words[:n-1]
	}
	if len(words) == 0 || len(words) > 3 {
		return ""
	}
	city = strings.Join(words, " ")
	if oneCase {
		city = titleCase(city)
	}
	if region == "" && len(parts) == 2 {
		var rw []string
		for _, w := range strings.Fields(parts[1]) {
			w = strings.Trim(w, ".’'")
			if w == "" || placeStop[strings.ToLower(w)] || (!oneCase && !startsUpper(w)) {
				break
			}
			rw = append(rw, w)
		}
		if len(rw) == 1 && len(rw[0]) == 2 {
			region = regions[strings.ToUpper(rw[0])]
		} else if len(rw) > 0 && len(rw) <= 3 {
			region = strings.Join(rw, " ")
			if oneCase {
				region = titleCase(region)
			}
		}
	}
	if region != "" {
		return city + ", " + region
	}
	return city
}

// isRegionName reports a one-word US state or Canadian province, or a country an owner may add.
func isRegionName(w string) bool {
	for _, name := range regions {
		if strings.EqualFold(name, w) {
			return true
		}
	}
	switch strings.ToLower(w) {
	case "germany", "france", "spain", "italy", "austria", "switzerland", "netherlands", "norway", "sweden", "mexico", "canada", "usa", "australia":
		return true
	}
	return false
}

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// titleCase capitalizes each word: "SCOTTSDALE" and "austin" become "Scottsdale" and "Austin".
func titleCase(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

// upperWords capitalizes the first letter of each word and upper-cases two-letter words, so the
// region pattern can read a message typed all in lower case.
func upperWords(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		core := strings.TrimRight(w, ".,!?")
		if len(core) == 2 {
			if _, ok := regions[strings.ToUpper(core)]; ok && i > 0 {
				words[i] = strings.ToUpper(core) + w[len(core):]
				continue
			}
		}
		if w != "" {
			r, n := utf8.DecodeRuneInString(w)
			words[i] = string(unicode.ToUpper(r)) + w[n:]
		}
	}
	return strings.Join(words, " ")
}

var (
	// A ticket named as such: "ticket 1234567", "case #SR-20931", "Vorgangsnummer 4711-22".
	ticketNamed = newScreen(regexp.MustCompile(`(?i)(?:^|[^\pL])(?:service request|ticket|case|request|repair order|reference|ref|claim|vorgangsnummer|vorgang|auftragsnummer|auftrag|fallnummer|dossier|réclamation|número de caso|caso|solicitud)(?:\s*(?:number|no\.?|nr\.?|num(?:ber|éro|ero)?|n[°º]|#|:|is|was|id))*\s*#?\s*([A-Z0-9][A-Z0-9-]{2,30})`))
	// A ticket by its usual shape: "SR-1234567", "RO 884512".
	ticketShaped = newScreen(regexp.MustCompile(`(?:^|[^\pL\pN])((?:SR|RO|TSR|CS|SVC)[- ]?\d{4,12})(?:$|[^\pL\pN])`))
)

// findTicket returns a service ticket or case number: at least four digits, named as a ticket
// or shaped like one.
func findTicket(text, folded string) string {
	for _, sc := range []screen{ticketShaped, ticketNamed} {
		if !sc.may(folded) {
			continue
		}
		for _, m := range sc.re.FindAllStringSubmatch(text, -1) {
			t := strings.Trim(m[1], "-")
			if digitCount(t) >= 4 && !(len(t) == vinLength && digitCount(t) < vinLength) {
				return t
			}
		}
	}
	return ""
}

func digitCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}

var (
	cannotDrive = newScreen(regexp.MustCompile(`(?i)(can'?t|cannot|can not|unable to|couldn'?t|not able to|afraid to|scared to|too scared to|won'?t|will not|refuse to|am not|i'?m not|not) (?:safely |even )?(?:drive|driving|be driven|use) (?:it|the car|this car|my car|the truck|this truck|anymore|again|home)|not (?:safe|drivable|driveable)|undrivable|undriveable|(?:was|got|been|had it|have it|being|be|it) towed|^\s*towed|towed (?:twice|again|\d+ times)|tow(?:ed)? truck|flatbed|parked since|has been parked|been sitting|(?:sitting|parked|stuck) in (?:the|my|our) (?:garage|driveway)|won'?t (?:go|shift) into drive|stranded|kann (?:es|ihn|sie|das auto|den wagen) nicht (?:mehr )?fahren|nicht fahrbereit|abgeschleppt|ne (?:peux|peut|pouvons) (?:plus |pas )?(?:la |le )?(?:conduire|rouler)|remorqu|no (?:puedo|podemos) (?:manejar|conducir|usar)(?:lo|la)?|grúa|remolc`))
	doubtDrive  = newScreen(regexp.MustCompile(`(?i)(?:is|if|whether) (?:it'?s|it is|it|this|the car|my car|this car|the truck) (?:still )?safe|(?:not sure|unsure|no idea|don'?t know)[^.!?]{0,30}safe|ist (?:es|das) (?:noch )?sicher|est-ce (?:que c'est|sûr)|(?:es|sigue siendo) seguro`))
	canDrive    = newScreen(regexp.MustCompile(`(?i)(?:can|could) still (?:drive|use) it|still (?:drivable|driveable|driving it)|drives fine|fährt noch|je peux encore (?:la |le )?conduire|todavía (?:puedo|lo puedo) (?:manejar|conducir)`))
)

// findSafety reads whether the vehicle can be driven: "no" (can't drive it, towed, parked since,
// stranded), "not_sure" (is it safe?), "yes" (still drivable); "" when the text does not say, or
// says both.
func findSafety(text, folded string) string {
	matches := func(sc screen) bool { return sc.may(folded) && sc.re.MatchString(text) }
	no, doubt, yes := matches(cannotDrive), matches(doubtDrive), matches(canDrive)
	switch {
	case doubt && !yes:
		// "Stranded, no idea if it is safe": the owner's doubt is what they said.
		return SafeNotSure
	case no && !yes:
		return SafeNo
	case yes && !no && !doubt:
		return "yes"
	}
	return ""
}

// startedPatterns say when a problem started, in the owner's words.
var startedPatterns = newScreen(regexp.MustCompile(`(?i)(?:^|[^\pL])(?:(?:started|began|starting) )?((?:since|ever since) (?:yesterday|today|this morning|last (?:night|week|month|year|winter|summer|spring|fall|autumn|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:the )?(?:last |latest |recent )?(?:\S+ )?update|(?:about |around |almost )?(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|a couple of) (?:days|weeks|months|years|day|week|month|year)(?: ago)?|(?:in |on |around |early |late |mid-?)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{4}-\d{2}-\d{2})(?: \d{4})?|(?:the )?delivery|(?:the |my )?(?:first|second|last) (?:day|week|month|visit|service))|(?:about |around |almost )?(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|a couple of) (?:days|weeks|months|years|day|week|month|year) ago|for the (?:last|past) (?:\d+|two|three|four|five|six|seven|eight|nine|ten|few|several|couple of) (?:days|weeks|months)|yesterday|last (?:night|week|month|winter|summer|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december)|this morning|seit (?:gestern|heute|letzter woche|letztem monat|dem (?:letzten )?update|(?:\d+|einem|einer|zwei|drei|vier|fünf|sechs|ein paar|mehreren) (?:tag|tagen|woche|wochen|monat|monaten|jahr|jahren)|(?:januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember))|vor (?:\d+|einem|einer|zwei|drei|vier) (?:tagen|wochen|monaten)|depuis (?:hier|la mise à jour|(?:\d+|un|une|deux|trois|quatre|cinq|six|quelques) (?:jours|semaines|mois|ans|jour|semaine|an)|(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre))|il y a (?:\d+|un|une|deux|trois|quatre) (?:jours|semaines|mois)|desde (?:ayer|hace (?:\d+|un|una|dos|tres|cuatro|cinco|unos|unas) (?:días|semanas|meses|años|día|semana|mes|año)|la (?:última )?actualización|(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre))|hace (?:\d+|un|una|dos|tres|cuatro|unos|unas) (?:días|semanas|meses))(?:$|[^\pL])`))

// findStarted returns the first phrase that says when the problem started: "since Tuesday",
// "three weeks ago", "seit 3 Wochen".
func findStarted(text, folded string) string {
	if !startedPatterns.may(folded) {
		return ""
	}
	m := startedPatterns.re.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

var (
	outcomeWords = newScreen(regexp.MustCompile(`(?i)(?:^|[^\pL])(?:i (?:just |only |really |simply )?(?:want|expect|demand|am asking for|would like|'d like|would appreciate)|i need (?:a|an|someone|somebody|you|tesla|help|it|them)|what i (?:want|need|ask)|i'm asking for|we (?:just |only )?(?:want|need|expect|would like|'d like)|please (?:fix|replace|repair|refund|help|change|send|call|give|arrange|look|check|sort)|kindly|^\s*(?:fix|replace|repair|refund) (?:it|the|my|this|me)|i request|ich (?:möchte|will|erwarte|fordere|hätte gern|wünsche)|wir (?:möchten|wollen|erwarten)|je (?:voudrais|veux|demande|souhaite)|j'aimerais|nous (?:voulons|voudrions|demandons)|quiero|queremos|necesito|exijo|me gustaría|solicito)(?:$|[^\pL])`))
	sentenceEnd  = regexp.MustCompile(`[.!?\n]+`)
)

// findOutcome returns the sentence that says what the owner wants: "I want a call from a real
// person today", "Kindly replace the seal at the earliest".
func findOutcome(text, folded string) string {
	// A sentence's fold is part of the text's: a text without the words has no such sentence.
	if !outcomeWords.may(folded) {
		return ""
	}
	for _, s := range sentenceEnd.Split(text, -1) {
		s = strings.TrimSpace(s)
		if runeLen(s) >= 5 && outcomeWords.re.MatchString(s) {
			s, _ = CutRunes(s, 300)
			return s
		}
	}
	return ""
}
