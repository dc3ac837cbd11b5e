package fakediscord

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// formError is one entry of Discord's Invalid Form Body (50035) error tree.
type formError struct {
	path    string // dotted, e.g. "embeds.0.title"
	code    string // Discord's error code, e.g. BASE_TYPE_MAX_LENGTH
	message string // Discord's message
	detail  string // what the request had, for the violation text
}

type validator struct{ errs []formError }

func (v *validator) add(path, code, message string, detail ...string) {
	v.errs = append(v.errs, formError{path: path, code: code, message: message, detail: strings.Join(detail, " ")})
}

func (v *validator) maxLen(path, s string, max int) {
	if n := utf8.RuneCountInString(s); n > max {
		v.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max), fmt.Sprintf("got %d", n))
	}
}

func (v *validator) required(path, s string) {
	if s == "" {
		v.add(path, "BASE_TYPE_REQUIRED", "This field is required")
	}
}

func (v *validator) rangeLen(path, s string, min, max int) {
	if s == "" && min > 0 {
		v.required(path, s)
		return
	}
	v.maxLen(path, s, max)
}

func (v *validator) maxItems(path string, n, max int) {
	if n > max {
		v.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max), fmt.Sprintf("got %d", n))
	}
}

// errorTree renders the errors as Discord does:
// {"embeds": {"0": {"title": {"_errors": [{"code": ..., "message": ...}]}}}}.
func (v *validator) errorTree() map[string]any {
	root := map[string]any{}
	for _, e := range v.errs {
		node := root
		if e.path != "" {
			for _, k := range strings.Split(e.path, ".") {
				next, ok := node[k].(map[string]any)
				if !ok {
					next = map[string]any{}
					node[k] = next
				}
				node = next
			}
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": e.code, "message": e.message})
	}
	return root
}

func (e formError) String() string {
	s := e.path + ": " + e.message + " (" + e.code
	if e.detail != "" {
		s += "; " + e.detail
	}
	return s + ")"
}

// validateMessage checks a message create or edit payload (channel message, interaction
// callback data, follow-up, webhook edit) against Discord's limits, and requires an
// explicit allowed_mentions object. It reports whether a create payload would be an empty
// message.
func validateMessage(v *validator, prefix string, p map[string]any, create bool, files int) (empty bool) {
	if am, ok := p["allowed_mentions"]; !ok || am == nil {
		v.add(prefix+"allowed_mentions", "FAKEDISCORD_ALLOWED_MENTIONS_REQUIRED",
			"every message create/edit must carry an explicit allowed_mentions object (fakediscord rule)")
	} else if amm, ok := am.(map[string]any); !ok {
		v.add(prefix+"allowed_mentions", "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
	} else {
		validateAllowedMentions(v, prefix+"allowed_mentions", amm)
	}

	content := str(p, "content")
	v.maxLen(prefix+"content", content, 2000)

	embeds, _ := p["embeds"].([]any)
	v.maxItems(prefix+"embeds", len(embeds), 10)
	total := 0
	for i, e := range embeds {
		total += validateEmbed(v, fmt.Sprintf("%sembeds.%d", prefix, i), e)
	}
	if total > 6000 {
		v.add(prefix+"embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000", fmt.Sprintf("got %d", total))
	}

	comps, _ := p["components"].([]any)
	validateComponents(v, prefix+"components", comps, num(p, "flags")&(1<<15) != 0)

	stickers, _ := p["sticker_ids"].([]any)
	v.maxItems(prefix+"sticker_ids", len(stickers), 3)

	return create && content == "" && len(embeds) == 0 && len(comps) == 0 && len(stickers) == 0 && p["poll"] == nil && files == 0
}

func validateAllowedMentions(v *validator, path string, am map[string]any) {
	parse, _ := am["parse"].([]any)
	has := map[string]bool{}
	for i, x := range parse {
		s, _ := x.(string)
		if s != "users" && s != "roles" && s != "everyone" {
			v.add(fmt.Sprintf("%s.parse.%d", path, i), "BASE_TYPE_CHOICES", `Value must be one of ('roles', 'users', 'everyone').`, fmt.Sprintf("got %v", x))
		}
		has[s] = true
	}
	for _, k := range []string{"users", "roles"} {
		list, _ := am[k].([]any)
		if has[k] && len(list) > 0 {
			v.add(path+"."+k, "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", fmt.Sprintf("parse:[%q] and %s: [ids] are mutually exclusive.", k, k))
		}
		v.maxItems(path+"."+k, len(list), 100)
	}
}

// validateEmbed checks one embed and returns its character count toward the 6000 limit.
func validateEmbed(v *validator, path string, e any) int {
	em, ok := e.(map[string]any)
	if !ok {
		v.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
		return 0
	}
	total := 0
	count := func(p, s string, max int) {
		total += utf8.RuneCountInString(s)
		v.maxLen(p, s, max)
	}
	count(path+".title", str(em, "title"), 256)
	count(path+".description", str(em, "description"), 4096)
	fields, _ := em["fields"].([]any)
	v.maxItems(path+".fields", len(fields), 25)
	for j, f := range fields {
		fp := fmt.Sprintf("%s.fields.%d", path, j)
		fm, _ := f.(map[string]any)
		name, value := str(fm, "name"), str(fm, "value")
		v.required(fp+".name", name)
		v.required(fp+".value", value)
		count(fp+".name", name, 256)
		count(fp+".value", value, 1024)
	}
	if footer, ok := em["footer"].(map[string]any); ok {
		count(path+".footer.text", str(footer, "text"), 2048)
	}
	if author, ok := em["author"].(map[string]any); ok {
		count(path+".author.name", str(author, "name"), 256)
	}
	return total
}

func isSelect(t int) bool { return t == 3 || (t >= 5 && t <= 8) }

// validateComponents checks the components of a message: at most 5 action rows of at most
// 5 components (a select menu fills a row), valid buttons and selects, unique custom_ids.
// With the IS_COMPONENTS_V2 flag only the interactive components and custom_ids are checked.
func validateComponents(v *validator, path string, comps []any, v2 bool) {
	ids := map[string]string{}
	if v2 {
		walkV2(v, path, comps, ids)
		return
	}
	v.maxItems(path, len(comps), 5)
	for i, c := range comps {
		rp := fmt.Sprintf("%s.%d", path, i)
		row, _ := c.(map[string]any)
		if num(row, "type") != 1 {
			v.add(rp+".type", "BASE_TYPE_CHOICES", "Top-level message components must be action rows (type 1).", fmt.Sprintf("got type %d", num(row, "type")))
			continue
		}
		children, _ := row["components"].([]any)
		if len(children) == 0 {
			v.add(rp+".components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
		}
		v.maxItems(rp+".components", len(children), 5)
		selects := 0
		for _, ch := range children {
			cm, _ := ch.(map[string]any)
			if isSelect(num(cm, "type")) {
				selects++
			}
		}
		if selects > 0 && len(children) > 1 {
			v.add(rp+".components", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width", "a select menu must be alone in its row")
		}
		for j, ch := range children {
			validateInteractive(v, fmt.Sprintf("%s.components.%d", rp, j), ch, ids, false)
		}
	}
}

func walkV2(v *validator, path string, comps []any, ids map[string]string) {
	for i, c := range comps {
		cp := fmt.Sprintf("%s.%d", path, i)
		cm, _ := c.(map[string]any)
		t := num(cm, "type")
		if t == 2 || isSelect(t) {
			validateInteractive(v, cp, cm, ids, false)
		}
		if children, ok := cm["components"].([]any); ok {
			walkV2(v, cp+".components", children, ids)
		}
		if acc, ok := cm["accessory"].(map[string]any); ok {
			walkV2(v, cp, []any{acc}, ids)
		}
	}
}

// validateInteractive checks a button, select menu or text input.
func validateInteractive(v *validator, path string, c any, ids map[string]string, modal bool) {
	cm, _ := c.(map[string]any)
	t := num(cm, "type")
	cid := str(cm, "custom_id")
	checkID := func(required bool) {
		if cid == "" {
			if required {
				v.required(path+".custom_id", cid)
			}
			return
		}
		v.maxLen(path+".custom_id", cid, 100)
		if prev, dup := ids[cid]; dup {
			v.add(path+".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated", fmt.Sprintf("%q also at %s", cid, prev))
		}
		ids[cid] = path
	}
	switch {
	case t == 2:
		if modal {
			v.add(path+".type", "BASE_TYPE_CHOICES", "Buttons are not allowed in modals.")
		}
		label := str(cm, "label")
		v.maxLen(path+".label", label, 80)
		switch style := num(cm, "style"); style {
		case 1, 2, 3, 4:
			checkID(true)
			if str(cm, "url") != "" {
				v.add(path+".url", "BUTTON_COMPONENT_URL_NOT_ALLOWED", "A non-link button cannot have a url.")
			}
			if label == "" && cm["emoji"] == nil {
				v.add(path+".label", "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A button needs a label or an emoji.")
			}
		case 5:
			v.required(path+".url", str(cm, "url"))
			if cid != "" {
				v.add(path+".custom_id", "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A link button cannot have a custom_id.")
			}
			if label == "" && cm["emoji"] == nil {
				v.add(path+".label", "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A button needs a label or an emoji.")
			}
		case 6:
			v.required(path+".sku_id", str(cm, "sku_id"))
		default:
			v.add(path+".style", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.", fmt.Sprintf("got %d", style))
		}
	case isSelect(t):
		if modal {
			v.add(path+".type", "BASE_TYPE_CHOICES", "Select menus are not allowed in modals by fakediscord.")
		}
		checkID(true)
		v.maxLen(path+".placeholder", str(cm, "placeholder"), 150)
		opts, _ := cm["options"].([]any)
		if t == 3 {
			if len(opts) == 0 {
				v.add(path+".options", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
			}
			v.maxItems(path+".options", len(opts), 25)
			values := map[string]bool{}
			for k, o := range opts {
				op := fmt.Sprintf("%s.options.%d", path, k)
				om, _ := o.(map[string]any)
				v.rangeLen(op+".label", str(om, "label"), 1, 100)
				v.rangeLen(op+".value", str(om, "value"), 1, 100)
				v.maxLen(op+".description", str(om, "description"), 100)
				if values[str(om, "value")] {
					v.add(op+".value", "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Select component option values must be unique.")
				}
				values[str(om, "value")] = true
			}
		} else if len(opts) > 0 {
			v.add(path+".options", "BASE_TYPE_MAX_LENGTH", "Only string select menus (type 3) have options.")
		}
		if mv, ok := cm["min_values"]; ok && mv != nil && (num(cm, "min_values") < 0 || num(cm, "min_values") > 25) {
			v.add(path+".min_values", "NUMBER_TYPE_MAX", "min_values must be between 0 and 25.")
		}
		if _, ok := cm["max_values"]; ok {
			maxV := num(cm, "max_values")
			if maxV < 1 || maxV > 25 || (t == 3 && maxV > len(opts)) {
				v.add(path+".max_values", "NUMBER_TYPE_MAX", "max_values must be between 1 and 25 and at most the number of options.", fmt.Sprintf("got %d", maxV))
			}
		}
	case t == 4:
		if !modal {
			v.add(path+".type", "BASE_TYPE_CHOICES", "Text inputs are only allowed in modals.")
		}
		checkID(true)
		v.rangeLen(path+".label", str(cm, "label"), 1, 45)
		if style := num(cm, "style"); style != 1 && style != 2 {
			v.add(path+".style", "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.", fmt.Sprintf("got %d", style))
		}
		v.maxLen(path+".value", str(cm, "value"), 4000)
		v.maxLen(path+".placeholder", str(cm, "placeholder"), 100)
		if n := num(cm, "min_length"); n < 0 || n > 4000 {
			v.add(path+".min_length", "NUMBER_TYPE_MAX", "min_length must be between 0 and 4000.")
		}
		if _, ok := cm["max_length"]; ok {
			if n := num(cm, "max_length"); n < 1 || n > 4000 {
				v.add(path+".max_length", "NUMBER_TYPE_MAX", "max_length must be between 1 and 4000.")
			}
		}
	default:
		v.add(path+".type", "BASE_TYPE_CHOICES", "Not an interactive component type allowed in an action row.", fmt.Sprintf("got type %d", t))
	}
}

// validateModal checks the data of a MODAL (type 9) interaction response.
func validateModal(v *validator, prefix string, data map[string]any) {
	if data == nil {
		v.add(strings.TrimSuffix(prefix, "."), "BASE_TYPE_REQUIRED", "This field is required")
		return
	}
	v.rangeLen(prefix+"custom_id", str(data, "custom_id"), 1, 100)
	v.rangeLen(prefix+"title", str(data, "title"), 1, 45)
	comps, _ := data["components"].([]any)
	if len(comps) == 0 {
		v.add(prefix+"components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
	}
	v.maxItems(prefix+"components", len(comps), 5)
	ids := map[string]string{}
	for i, c := range comps {
		rp := fmt.Sprintf("%scomponents.%d", prefix, i)
		row, _ := c.(map[string]any)
		children, _ := row["components"].([]any)
		if num(row, "type") != 1 || len(children) != 1 {
			v.add(rp, "BASE_TYPE_CHOICES", "Each modal row must be an action row (type 1) holding exactly one text input.")
			continue
		}
		validateInteractive(v, rp+".components.0", children[0], ids, true)
	}
}

// validCommandName reports whether name is a valid CHAT_INPUT command or option name:
// 1-32 lowercase letters, digits, '-' or '_'.
func validCommandName(name string) bool {
	n := utf8.RuneCountInString(name)
	if n < 1 || n > 32 || strings.ToLower(name) != name {
		return false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Mc, r) {
			return false
		}
	}
	return true
}

// validateCommands checks a bulk overwrite of application commands.
func validateCommands(v *validator, list []any) {
	v.maxItems("", len(list), 100)
	seen := map[string]bool{}
	for i, item := range list {
		p := fmt.Sprintf("%d.", i)
		c, ok := item.(map[string]any)
		if !ok {
			v.add(fmt.Sprint(i), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
			continue
		}
		ctype := num(c, "type")
		if ctype == 0 {
			ctype = 1
		}
		name := str(c, "name")
		v.rangeLen(p+"name", name, 1, 32)
		switch ctype {
		case 1:
			if name != "" && !validCommandName(name) {
				v.add(p+"name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid", fmt.Sprintf("%q", name))
			}
			v.rangeLen(p+"description", str(c, "description"), 1, 100)
			opts, _ := c["options"].([]any)
			validateOptions(v, p+"options", opts, 0)
		case 2, 3:
			if str(c, "description") != "" {
				v.add(p+"description", "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", "Context menu commands cannot have a description.")
			}
			if opts, _ := c["options"].([]any); len(opts) > 0 {
				v.add(p+"options", "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS", "Context menu commands cannot have options.")
			}
		default:
			v.add(p+"type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}.", fmt.Sprintf("got %d", ctype))
		}
		key := fmt.Sprintf("%d/%s", ctype, name)
		if seen[key] {
			v.add(p+"name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique", fmt.Sprintf("%q", name))
		}
		seen[key] = true
	}
}

func validateOptions(v *validator, path string, opts []any, depth int) {
	v.maxItems(path, len(opts), 25)
	optional := false
	seen := map[string]bool{}
	for i, o := range opts {
		op := fmt.Sprintf("%s.%d", path, i)
		om, _ := o.(map[string]any)
		t := num(om, "type")
		name := str(om, "name")
		if !validCommandName(name) {
			v.add(op+".name", "APPLICATION_COMMAND_INVALID_NAME", "Option name is invalid", fmt.Sprintf("%q", name))
		}
		if seen[name] {
			v.add(op+".name", "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME", "Option names must be unique", fmt.Sprintf("%q", name))
		}
		seen[name] = true
		v.rangeLen(op+".description", str(om, "description"), 1, 100)
		if t < 1 || t > 11 {
			v.add(op+".type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.", fmt.Sprintf("got %d", t))
		}
		choices, _ := om["choices"].([]any)
		v.maxItems(op+".choices", len(choices), 25)
		sub, _ := om["options"].([]any)
		switch t {
		case 1:
			if depth > 1 {
				v.add(op+".type", "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-commands nest at most inside one group.")
			}
			for j, so := range sub {
				if sm, _ := so.(map[string]any); num(sm, "type") == 1 || num(sm, "type") == 2 {
					v.add(fmt.Sprintf("%s.options.%d.type", op, j), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "A sub-command cannot contain sub-commands.")
				}
			}
			validateOptions(v, op+".options", sub, depth+1)
		case 2:
			if depth > 0 {
				v.add(op+".type", "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-command groups must be top-level options.")
			}
			for j, so := range sub {
				if sm, _ := so.(map[string]any); num(sm, "type") != 1 {
					v.add(fmt.Sprintf("%s.options.%d.type", op, j), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "A sub-command group contains only sub-commands.")
				}
			}
			validateOptions(v, op+".options", sub, depth+1)
		default:
			if om["required"] == true && optional {
				v.add(op+".required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options")
			}
			if om["required"] != true {
				optional = true
			}
		}
	}
}
