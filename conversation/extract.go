package conversation

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Extractor finds intake fields in free text so the owner is not asked for them again.
type Extractor interface {
	// Extract finds intake fields in free text, keyed by the id of the step each answers.
	Extract(ctx context.Context, text string) (map[string]string, error)
}

// RuleExtractor finds intake fields with plain rules: the model (by its name, nicknames or the
// VIN), the model year (or the VIN's), the VIN, the odometer, the location, the ticket, the
// category, whether the vehicle can be driven, when the problem started, a description draft
// and the outcome wanted. It is cautious: when a message names two different models or VINs it
// returns neither, since a wrong pre-fill costs the owner more than a question. The engine checks
// every value again, and the owner confirms each before it counts.
type RuleExtractor struct {
	keys       map[string]string // role -> step id, for the roles the flow has
	models     []choicePattern
	categories []choicePattern
	yearMin    int
	yearMax    int // 0: no upper bound here; the engine applies the flow's own
	descMin    int // a description draft needs this many runes
	descMax    int
}

// maxExtractRunes is how much of a message the rules read.
const maxExtractRunes = 4000

// choicePattern is how free text names one choice: one expression with a group per name (the
// label for a model, then the choice's words), so a message is read once per choice.
type choicePattern struct {
	value string
	re    *regexp.Regexp // every name at once; nil when the choice has no names
	// any are the strings one of which every match of re contains, folded (see screen).
	any   []string
	names []choiceName
	vin   []string
	// alts are the names' expressions, whose alternation re is, and present their subsets:
	// a text holding the words of a few names only is read with the alternation of those.
	alts    []string
	present *subsets
}

// subsets holds the alternations of a choice's names, compiled once each, by the names they
// keep (bit i: name i). Which names a text may hold varies little from message to message,
// so the map stays small; past maxSubsets a subset is compiled for its text alone.
type subsets struct {
	mu sync.Mutex
	re map[uint64]*regexp.Regexp
}

const maxSubsets = 1024

// choiceName is one way of naming a choice; a phrase says more than a single word.
type choiceName struct {
	re     *regexp.Regexp // the name alone, anchored: which name a match of the choice is
	weight int
	caps   bool     // matches only in capitals ("MY"), so it means nothing in a message written in capitals
	any    []string // what every match of the name contains, folded; nil: no screen
}

// expression is the alternation that finds c's names in a text whose fold is folded: re, or
// the alternation of the names the text may hold, which has the same matches, since a name
// that cannot match anywhere in the text takes no part in any match. nil: no name can match.
func (c *choicePattern) expression(folded string) *regexp.Regexp {
	if len(c.names) > 64 {
		return c.re
	}
	var keep uint64
	for i, n := range c.names {
		if (screen{any: n.any}).may(folded) {
			keep |= 1 << i
		}
	}
	switch {
	case keep == 0:
		return nil
	case keep == 1<<len(c.names)-1:
		return c.re
	}
	c.present.mu.Lock()
	defer c.present.mu.Unlock()
	if re, ok := c.present.re[keep]; ok {
		return re
	}
	var alts []string
	for i, a := range c.alts {
		if keep&(1<<i) != 0 {
			alts = append(alts, a)
		}
	}
	re := regexp.MustCompile(strings.Join(alts, "|"))
	if len(c.present.re) < maxSubsets {
		c.present.re[keep] = re
	}
	return re
}

// nameMatch is a name of a choice found in a text: which one, and where.
type nameMatch struct {
	name int
	span []int
}

// matches finds the names of c in text, whose fold is folded, as whole words.
func (c *choicePattern) matches(text, folded string) []nameMatch {
	if c.re == nil || !(screen{re: c.re, any: c.any}).may(folded) {
		return nil
	}
	re := c.expression(folded)
	if re == nil {
		return nil
	}
	// Matching without groups is far cheaper; the short match then says which name it is.
	var out []nameMatch
	for _, m := range re.FindAllStringIndex(text, -1) {
		if !wordBorder(text, m[0], m[1]) {
			continue
		}
		for i, n := range c.names {
			if n.re.MatchString(text[m[0]:m[1]]) {
				out = append(out, nameMatch{name: i, span: m})
				break
			}
		}
	}
	return out
}

// wordBorder reports that text[i:j] is not part of a longer word.
func wordBorder(text string, i, j int) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:i])
	after, _ := utf8.DecodeRuneInString(text[j:])
	inWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return (i == 0 || !inWord(before)) && (j == len(text) || !inWord(after))
}

// NewRuleExtractor reads the keys from f: the steps playing the roles it looks for. A nil flow
// means DefaultFlow.
func NewRuleExtractor(f *Flow) *RuleExtractor {
	if f == nil {
		f = DefaultFlow()
	}
	x := &RuleExtractor{keys: map[string]string{}}
	for i := range f.Steps {
		st := &f.Steps[i]
		role := st.FieldRole()
		if role == "" {
			continue
		}
		x.keys[role] = st.ID
		switch role {
		case RoleModel:
			if st.Kind == KindChoice {
				x.models = choicePatterns(st)
			}
		case RoleCategory:
			x.categories = choicePatterns(st)
		case RoleYear:
			x.yearMin, x.yearMax = st.Min, st.Max
		case RoleDescription:
			x.descMin, x.descMax = max(st.MinLength, 20), st.maxLength()
		}
	}
	return x
}

// choicePatterns reads st's choices; the labels count as names only for models: a category's
// label ("Software") is one more word, not a name.
func choicePatterns(st *Step) []choicePattern {
	var out []choicePattern
	for _, c := range st.Choices {
		p := choicePattern{value: c.Value, vin: c.VIN}
		var alts []string
		if re := labelPattern(c.Label); re != "" && c.Value != OtherValue && st.FieldRole() == RoleModel {
			alts = append(alts, re)
			p.names = append(p.names, choiceName{re: regexp.MustCompile("^" + re + "$"), weight: 2, any: requiredOf(re)})
		}
		for _, w := range c.Words {
			if re, caps := wordPattern(w); re != "" {
				alts = append(alts, re)
				p.names = append(p.names, choiceName{re: regexp.MustCompile("^" + re + "$"), weight: min(len(strings.Fields(w)), 2), caps: caps, any: requiredOf(re)})
			}
		}
		if len(alts) > 0 {
			p.re = regexp.MustCompile(strings.Join(alts, "|"))
			p.any = requiredOf(alts...)
			p.alts = alts
			p.present = &subsets{re: map[uint64]*regexp.Regexp{}}
		}
		out = append(out, p)
	}
	return out
}

// labelPattern matches a model label: "Model 3", "model3", "Model-3". Before a word that starts
// with a letter a separator is required, so "models" is not "Model S".
func labelPattern(label string) string {
	words := strings.Fields(label)
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`(?i:`)
	for i, w := range words {
		if i > 0 {
			if w[0] >= '0' && w[0] <= '9' {
				b.WriteString(`[\s_-]*`)
			} else {
				b.WriteString(`[\s_-]+`)
			}
		}
		b.WriteString(regexp.QuoteMeta(w))
	}
	b.WriteString(`)`)
	return b.String()
}

// wordPattern matches one of a choice's words, ignoring case; a trailing * takes any ending,
// and a word in capitals of up to three letters matches only in capitals (caps).
func wordPattern(w string) (re string, caps bool) {
	w = strings.TrimSpace(w)
	stem := strings.HasSuffix(w, "*")
	w = strings.TrimSpace(strings.TrimSuffix(w, "*"))
	if w == "" {
		return "", false
	}
	caps = len(w) <= 3 && strings.ToUpper(w) == w && strings.ToLower(w) != w
	var b strings.Builder
	if !caps {
		b.WriteString(`(?i:`)
	} else {
		b.WriteString(`(?:`)
	}
	for i, part := range strings.Fields(w) {
		if i > 0 {
			b.WriteString(`[\s-]+`)
		}
		// An apostrophe may be typed straight, curly or not at all: "won't", "won’t", "wont".
		b.WriteString(strings.ReplaceAll(regexp.QuoteMeta(part), "'", `['’]?`))
	}
	if stem {
		b.WriteString(`\pL*`)
	}
	b.WriteString(`)`)
	return b.String(), caps
}

// Extract implements Extractor. It never fails except when ctx is done.
func (x *RuleExtractor) Extract(ctx context.Context, text string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The details sit near the start of a message; the cap also bounds the scans.
	text, _ = CutRunes(strings.ToValidUTF8(text, "\uFFFD"), maxExtractRunes)
	found := map[string]string{}
	put := func(role, v string) {
		if id, ok := x.keys[role]; ok && v != "" {
			found[id] = v
		}
	}
	// The rules' expressions run only on a text that holds one of their words (see screen).
	folded := foldCase(text)
	shouting := strings.ToUpper(text) == text
	var modelSpans [][]int
	model := ""
	if len(x.models) > 0 {
		var values []string
		for _, m := range x.models {
			var spans [][]int
			for _, nm := range m.matches(text, folded) {
				// "MY" is the Model Y, but not in "MY CYBERTRUCK": capitals among capitals shout.
				if !(m.names[nm.name].caps && (shouting || shoutedAround(text, nm.span))) {
					spans = append(spans, nm.span)
				}
			}
			if len(spans) > 0 {
				values = append(values, m.value)
				modelSpans = append(modelSpans, spans...)
			}
		}
		if len(values) == 1 {
			model = values[0]
		}
	}
	year := x.year(text, folded, modelSpans)
	vin := findVIN(text)
	if vin != "" {
		// The VIN answers what the text leaves open: its model code and its model year.
		if model == "" && len(modelSpans) == 0 {
			model = x.vinModel(vin)
		}
		if year == "" {
			// The code repeats every 30 years; without the flow's upper bound (the rules have
			// no clock) the cycle starting at the flow's earliest year decides.
			lo := max(x.yearMin, 1980)
			hi := lo + 29
			if x.yearMax > 0 {
				hi = x.yearMax
			}
			if y, ok := VINModelYear(vin, lo, hi); ok {
				year = strconv.Itoa(y)
			}
		}
	}
	put(RoleModel, model)
	put(RoleYear, year)
	put(RoleVIN, vin)
	put(RoleOdometer, findOdometer(text))
	put(RoleLocation, findLocation(text, folded))
	put(RoleTicket, findTicket(text, folded))
	put(RoleSafe, findSafety(text, folded))
	put(RoleStarted, findStarted(text, folded))
	put(RoleOutcome, findOutcome(text, folded))
	if c := classify(x.categories, text, folded); c != "" {
		put(RoleCategory, c)
		// Text that sounds like a problem is the owner's own account of it: a description draft.
		if d := strings.TrimSpace(text); runeLen(d) >= x.descMin {
			d, _ = CutRunes(d, x.descMax)
			put(RoleDescription, d)
		}
	}
	return found, nil
}

// shoutedAround reports a word in capitals next to sp: "MY" in "MY CYBERTRUCK" is "my".
func shoutedAround(text string, sp []int) bool {
	caps := func(w string) bool {
		w = strings.Trim(w, ".,;:!?'\"()")
		return len(w) >= 2 && strings.ToUpper(w) == w && strings.ToLower(w) != w
	}
	before := strings.Fields(text[:sp[0]])
	after := strings.Fields(text[sp[1]:])
	return len(before) > 0 && caps(before[len(before)-1]) || len(after) > 0 && caps(after[0])
}

// classify returns the choice whose words the text uses most, the earlier choice on a tie (a
// flow lists safety first), or "" when no word of any choice is there. A phrase counts double:
// "heat pump" says more than "noise".
func classify(choices []choicePattern, text, folded string) string {
	best, bestScore := "", 0
	for _, c := range choices {
		score := 0
		seen := map[int]bool{}
		for _, nm := range c.matches(text, folded) {
			if !seen[nm.name] {
				seen[nm.name] = true
				score += c.names[nm.name].weight
			}
		}
		if score > bestScore {
			best, bestScore = c.value, score
		}
	}
	return best
}

// vinModel is the model whose VIN starts the flow lists match vin, if exactly one does.
func (x *RuleExtractor) vinModel(vin string) string {
	var values []string
	for _, m := range x.models {
		for _, p := range m.vin {
			if vinMatches(vin, p) {
				values = appendUnique(values, m.value)
			}
		}
	}
	if len(values) == 1 {
		return values[0]
	}
	return ""
}

// yearCap is the latest model year the rules take: the flow's, or a bound far enough ahead.
func (x *RuleExtractor) yearCap() int {
	if x.yearMax > 0 {
		return x.yearMax
	}
	return 2100
}

// modelYearPrefix is "MY2022" or "MY 22": the industry's short form of "model year".
var modelYearPrefix = newScreen(regexp.MustCompile(`(?:^|[^\pL\pN])MY ?(\d{4}|\d{2})(?:$|[^\pL\pN.,]|[.,](?:$|[^\pN]))`))

// shortYear is "'22" or "’22".
var shortYear = newScreen(regexp.MustCompile(`(?:^|[^\pL\pN'’])['’](\d{2})(?:$|[^\pL\pN])`))

// year finds a model year: one next to a model name ("2019 Model 3", "Model 3 (2019)", "MY 22")
// wins; otherwise a single year not introduced by a word of time such as "since" or "in".
func (x *RuleExtractor) year(text, folded string, modelSpans [][]int) string {
	var near, alone []string
	ok := func(y int) bool {
		return y >= max(x.yearMin, 1980) && y <= x.yearCap()
	}
	for _, sp := range yearSpans(text) {
		y, _ := strconv.Atoi(text[sp[0]:sp[1]])
		if !ok(y) {
			continue
		}
		switch {
		case nextTo(text, sp, modelSpans):
			near = appendUnique(near, text[sp[0]:sp[1]])
		case !timeWordBefore(text, sp[0]) && !unitAfter(text, sp[1]):
			alone = appendUnique(alone, text[sp[0]:sp[1]])
		}
	}
	for _, sc := range []screen{modelYearPrefix, shortYear} {
		if !sc.may(folded) {
			continue
		}
		for _, m := range sc.re.FindAllStringSubmatch(text, -1) {
			y, _ := strconv.Atoi(m[1])
			if len(m[1]) == 2 {
				y += 2000 // model years here start in 2008 at the earliest
			}
			if ok(y) {
				near = appendUnique(near, strconv.Itoa(y))
			}
		}
	}
	// "Model Y 22": two digits right after a model name.
	for _, sp := range modelSpans {
		rest := text[sp[1]:]
		if len(rest) >= 3 && rest[0] == ' ' && isDigit(rest[1]) && isDigit(rest[2]) && (len(rest) == 3 || !isDigit(rest[3]) && !isLetter(rest[3]) && rest[3] != '.' && rest[3] != ',') {
			if y := 2000 + int(rest[1]-'0')*10 + int(rest[2]-'0'); ok(y) {
				near = appendUnique(near, strconv.Itoa(y))
			}
		}
	}
	switch {
	case len(near) == 1:
		return near[0]
	case len(near) == 0 && len(alone) == 1:
		return alone[0]
	}
	return ""
}

// yearSpans are the four-digit numbers standing alone: not inside a longer number, a word or a date.
func yearSpans(text string) [][]int {
	var spans [][]int
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		if j-i == 4 && !dateOrWordBefore(text, i) && !dateOrWordAfter(text, j) {
			spans = append(spans, []int{i, j})
		}
		i = j
	}
	return spans
}

func dateOrWordBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	c := s[i-1]
	return isLetter(c) || c == '/' || c == '-' || c == '.' || c == ':' || (c == ',' && i >= 2 && isDigit(s[i-2]))
}

func dateOrWordAfter(s string, j int) bool {
	if j >= len(s) {
		return false
	}
	c := s[j]
	if isLetter(c) || c == '/' || c == '-' || c == ':' {
		return true
	}
	return (c == '.' || c == ',') && j+1 < len(s) && isDigit(s[j+1])
}

// nextTo reports a model name within a few spaces or brackets of sp.
func nextTo(text string, sp []int, models [][]int) bool {
	for _, m := range models {
		var gap string
		switch {
		case m[0] >= sp[1]:
			gap = text[sp[1]:m[0]]
		case sp[0] >= m[1]:
			gap = text[m[1]:sp[0]]
		default:
			continue
		}
		switch strings.ToLower(strings.Trim(gap, " ,()-:")) {
		case "":
			if len(gap) <= 4 {
				return true
			}
		case "of", "from", "de", "del", "von", "du", "model year", "year", "aus":
			// "Model 3 of 2024", "Model Y from 2023".
			return true
		}
	}
	return false
}

// timeWordBefore reports "since 2020", "in 2021" and the like: a date, not a model year.
func timeWordBefore(text string, i int) bool {
	j := i
	for j > 0 && text[j-1] == ' ' {
		j--
	}
	k := j
	for k > 0 && isLetter(text[k-1]) {
		k--
	}
	switch strings.ToLower(text[k:j]) {
	case "since", "in", "from", "until", "till", "by", "after", "before", "on", "of", "around", "early", "late", "mid",
		"ended", "seit", "im", "depuis", "en", "desde":
		return true
	}
	return false
}

// unitAfter reports "2019 km" or "2019 miles": a distance, not a year.
func unitAfter(text string, j int) bool {
	_, unit, _, ok := scanOdometer(text, j-4)
	return ok && unit != ""
}

// findVIN returns the one valid VIN in text. Tokens that fail a required check digit are left
// out: the owner confirms those only when typing the VIN on purpose.
func findVIN(text string) string {
	var vins []string
	for _, tok := range vinTokens(text) {
		// Words run together ("every Supercharger") can pass where no check digit is
		// required; a VIN's serial number is digits.
		if digitCount(tok) < 3 {
			continue
		}
		if v, err := ValidateVIN(tok); err == nil {
			vins = appendUnique(vins, v)
		}
	}
	if len(vins) == 1 {
		return vins[0]
	}
	return ""
}

// vinTokens are the runs of exactly 17 ASCII letters and digits in text.
func vinTokens(text string) []string {
	var tokens []string
	for i := 0; i < len(text); {
		if !isLetter(text[i]) && !isDigit(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && (isLetter(text[j]) || isDigit(text[j])) {
			j++
		}
		if j-i == vinLength {
			tokens = append(tokens, text[i:j])
		}
		// "5YJ3E1EA7 KF317123": a VIN typed in two parts.
		if k := j + 1; j-i < vinLength && k < len(text) && (text[j] == ' ' || text[j] == '-') {
			m := k
			for m < len(text) && (isLetter(text[m]) || isDigit(text[m])) {
				m++
			}
			if (j-i)+(m-k) == vinLength && (m == len(text) || !isLetter(text[m]) && !isDigit(text[m])) {
				tokens = append(tokens, text[i:j]+text[k:m])
			}
		}
		i = j
	}
	return tokens
}

func appendUnique(list []string, v string) []string {
	for _, s := range list {
		if s == v {
			return list
		}
	}
	return append(list, v)
}
