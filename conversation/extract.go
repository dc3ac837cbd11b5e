package conversation

import (
	"context"
	"regexp"
	"strconv"
	"strings"
)

// Extractor finds intake fields in free text so the owner is not asked for them again.
type Extractor interface {
	// Extract finds intake fields in free text, keyed by the id of the step each answers.
	Extract(ctx context.Context, text string) (map[string]string, error)
}

// RuleExtractor finds the model, model year, VIN and odometer with plain rules. It is cautious:
// when a message names two different models or VINs it returns neither, since a wrong pre-fill
// costs the owner more than a question. The engine checks every value again before offering it.
type RuleExtractor struct {
	modelKey    string
	models      []modelPattern
	yearKey     string
	yearMin     int
	yearMax     int // 0: no upper bound here; the engine applies the flow's own
	vinKey      string
	odometerKey string
}

// maxExtractRunes is how much of a message the rules read.
const maxExtractRunes = 4000

type modelPattern struct {
	value string
	re    *regexp.Regexp
}

// NewRuleExtractor reads the keys from f: the steps playing the roles it looks for. A nil flow
// means DefaultFlow.
func NewRuleExtractor(f *Flow) *RuleExtractor {
	if f == nil {
		f = DefaultFlow()
	}
	x := &RuleExtractor{}
	for i := range f.Steps {
		st := &f.Steps[i]
		switch {
		case st.FieldRole() == RoleModel && st.Kind == KindChoice && x.modelKey == "":
			x.modelKey = st.ID
			for _, c := range st.Choices {
				if re := modelRegexp(c.Label); re != nil {
					x.models = append(x.models, modelPattern{value: c.Value, re: re})
				}
			}
		case st.FieldRole() == RoleYear && x.yearKey == "":
			x.yearKey, x.yearMin, x.yearMax = st.ID, st.Min, st.Max
		case st.FieldRole() == RoleVIN && x.vinKey == "":
			x.vinKey = st.ID
		case st.FieldRole() == RoleOdometer && x.odometerKey == "":
			x.odometerKey = st.ID
		}
	}
	return x
}

// modelRegexp matches a model label as whole words: "Model 3", "model3", "Model-3". Before a
// word that starts with a letter a separator is required, so "models" is not "Model S".
func modelRegexp(label string) *regexp.Regexp {
	words := strings.Fields(label)
	if len(words) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`(?i)\b`)
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
	b.WriteString(`\b`)
	return regexp.MustCompile(b.String())
}

// Extract implements Extractor. It never fails except when ctx is done.
func (x *RuleExtractor) Extract(ctx context.Context, text string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The details sit near the start of a message; the cap also bounds the year-near-model scan.
	text, _ = truncate(text, maxExtractRunes)
	found := map[string]string{}
	var modelSpans [][]int
	if x.modelKey != "" {
		var values []string
		for _, m := range x.models {
			spans := m.re.FindAllStringIndex(text, -1)
			if len(spans) > 0 {
				values = append(values, m.value)
				modelSpans = append(modelSpans, spans...)
			}
		}
		if len(values) == 1 {
			found[x.modelKey] = values[0]
		}
	}
	if x.yearKey != "" {
		if y := x.year(text, modelSpans); y != "" {
			found[x.yearKey] = y
		}
	}
	if x.vinKey != "" {
		if v := findVIN(text); v != "" {
			found[x.vinKey] = v
		}
	}
	if x.odometerKey != "" {
		if o := findOdometer(text); o != "" {
			found[x.odometerKey] = o
		}
	}
	return found, nil
}

// year finds a model year: one next to a model name ("2019 Model 3", "Model 3 (2019)") wins;
// otherwise a single year not introduced by a word of time such as "since" or "in".
func (x *RuleExtractor) year(text string, modelSpans [][]int) string {
	var near, alone []string
	for _, sp := range yearSpans(text) {
		y, _ := strconv.Atoi(text[sp[0]:sp[1]])
		if y < max(x.yearMin, 1980) || (x.yearMax > 0 && y > x.yearMax) || y > 2100 {
			continue
		}
		switch {
		case nextTo(text, sp, modelSpans):
			near = appendUnique(near, text[sp[0]:sp[1]])
		case !timeWordBefore(text, sp[0]) && !unitAfter(text, sp[1]):
			alone = appendUnique(alone, text[sp[0]:sp[1]])
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
		if len(gap) <= 4 && strings.Trim(gap, " ,()-:") == "" {
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
	case "since", "in", "from", "until", "till", "by", "after", "before", "on", "of", "around", "early", "late", "mid":
		return true
	}
	return false
}

// unitAfter reports "2019 km" or "2019 miles": a distance, not a year.
func unitAfter(text string, j int) bool {
	_, unit, _, ok := scanOdometer(text, j-4)
	return ok && unit != ""
}

// findVIN returns the one valid VIN in text. Tokens that fail the check digit are left out:
// the owner confirms those only when typing the VIN on purpose.
func findVIN(text string) string {
	var vins []string
	for _, tok := range vinTokens(text) {
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
		i = j
	}
	return tokens
}

// findOdometer returns the one reading with a unit in text, as "45000 mi".
func findOdometer(text string) string {
	var found []string
	for i := 0; i < len(text); {
		if !isDigit(text[i]) || (i > 0 && (isLetter(text[i-1]) || isDigit(text[i-1]))) {
			i++
			continue
		}
		n, unit, end, ok := scanOdometer(text, i)
		if ok && unit != "" && n <= maxOdometer {
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

func appendUnique(list []string, v string) []string {
	for _, s := range list {
		if s == v {
			return list
		}
	}
	return append(list, v)
}
