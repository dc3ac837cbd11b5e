package fakeslack

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Block Kit limits enforced by Slack (https://docs.slack.dev/reference/block-kit).
const (
	maxSectionText    = 3000
	maxSectionFields  = 10
	maxFieldText      = 2000
	maxHeaderText     = 150
	maxActionElements = 25
	maxContextElems   = 10
	maxButtonText     = 75
	maxButtonValue    = 2000
	maxURL            = 3000
	maxID             = 255
	maxPlaceholder    = 150
	maxOptions        = 100
	maxOverflowOpts   = 5
	maxChoiceOptions  = 10
	maxOptionText     = 75
	maxOptionValue    = 150
	maxLabel          = 2000
	maxAltText        = 2000
	maxInputLength    = 3000
)

type textObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type blockChecker struct {
	problems  []string
	actionIDs map[string]string
	blockIDs  map[string]string
}

// validateBlocks checks a blocks array as Slack does; code is "" when it is acceptable,
// else "invalid_blocks_format" (not a JSON array of objects) or "invalid_blocks", with
// Slack-style "[ERROR] ... [json-pointer:...]" problems.
func validateBlocks(raw string, maxBlocks int) (code string, problems []string) {
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
		return "invalid_blocks_format", []string{"[ERROR] blocks must be a JSON array of objects: " + err.Error() + " [json-pointer:/blocks]"}
	}
	c := &blockChecker{actionIDs: map[string]string{}, blockIDs: map[string]string{}}
	if len(blocks) > maxBlocks {
		c.addf("/blocks", "no more than %d items allowed", maxBlocks)
	}
	for i, b := range blocks {
		c.block(fmt.Sprintf("/blocks/%d", i), b)
	}
	if len(c.problems) > 0 {
		return "invalid_blocks", c.problems
	}
	return "", nil
}

func (c *blockChecker) addf(ptr, format string, args ...any) {
	c.problems = append(c.problems, "[ERROR] "+fmt.Sprintf(format, args...)+" [json-pointer:"+ptr+"]")
}

func str(m map[string]any, key string) (string, bool) {
	s, ok := m[key].(string)
	return s, ok
}

func obj(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

func arr(m map[string]any, key string) ([]any, bool) {
	a, ok := m[key].([]any)
	return a, ok
}

func (c *blockChecker) maxLen(m map[string]any, key, ptr string, limit int) {
	if s, ok := str(m, key); ok && utf8.RuneCountInString(s) > limit {
		c.addf(ptr+"/"+key, "must be less than %d characters", limit+1)
	}
}

func (c *blockChecker) block(ptr string, b map[string]any) {
	typ, _ := str(b, "type")
	if typ == "" {
		c.addf(ptr, "missing required field: type")
		return
	}
	if id, ok := str(b, "block_id"); ok {
		c.maxLen(b, "block_id", ptr, maxID)
		if prev, dup := c.blockIDs[id]; dup {
			c.addf(ptr+"/block_id", "block_id %q is already used at %s", id, prev)
		} else {
			c.blockIDs[id] = ptr
		}
	}
	switch typ {
	case "section":
		text := obj(b, "text")
		fields, hasFields := arr(b, "fields")
		if text == nil && !hasFields {
			c.addf(ptr, "must provide either text or fields")
		}
		if _, present := b["text"]; present {
			c.text(ptr+"/text", text, maxSectionText, false)
		}
		if len(fields) > maxSectionFields {
			c.addf(ptr+"/fields", "no more than %d items allowed", maxSectionFields)
		}
		for i, f := range fields {
			fo, _ := f.(map[string]any)
			c.text(fmt.Sprintf("%s/fields/%d", ptr, i), fo, maxFieldText, false)
		}
		if acc := obj(b, "accessory"); acc != nil {
			c.element(ptr+"/accessory", acc)
		}
	case "header":
		c.text(ptr+"/text", obj(b, "text"), maxHeaderText, true)
	case "actions":
		c.elements(ptr, b, maxActionElements, c.element)
	case "context":
		c.elements(ptr, b, maxContextElems, func(p string, e map[string]any) {
			switch t, _ := str(e, "type"); t {
			case "plain_text", "mrkdwn":
				c.text(p, e, maxSectionText, false)
			case "image":
				c.maxLen(e, "alt_text", p, maxAltText)
			default:
				c.addf(p+"/type", "must be one of plain_text, mrkdwn, image")
			}
		})
	case "input":
		c.text(ptr+"/label", obj(b, "label"), maxLabel, true)
		if _, ok := b["hint"]; ok {
			c.text(ptr+"/hint", obj(b, "hint"), maxLabel, true)
		}
		if el := obj(b, "element"); el != nil {
			c.element(ptr+"/element", el)
		} else {
			c.addf(ptr, "missing required field: element")
		}
	case "image":
		if _, ok := str(b, "alt_text"); !ok {
			c.addf(ptr, "missing required field: alt_text")
		}
		c.maxLen(b, "alt_text", ptr, maxAltText)
		c.maxLen(b, "image_url", ptr, maxURL)
	}
}

func (c *blockChecker) elements(ptr string, b map[string]any, limit int, check func(string, map[string]any)) {
	els, ok := arr(b, "elements")
	if !ok || len(els) == 0 {
		c.addf(ptr+"/elements", "must provide at least 1 item")
		return
	}
	if len(els) > limit {
		c.addf(ptr+"/elements", "no more than %d items allowed", limit)
	}
	for i, e := range els {
		eo, _ := e.(map[string]any)
		if eo == nil {
			c.addf(fmt.Sprintf("%s/elements/%d", ptr, i), "must be an object")
			continue
		}
		check(fmt.Sprintf("%s/elements/%d", ptr, i), eo)
	}
}

// text checks a composition text object.
func (c *blockChecker) text(ptr string, t map[string]any, limit int, plainOnly bool) {
	if t == nil {
		c.addf(ptr, "missing required field: text object")
		return
	}
	typ, _ := str(t, "type")
	switch {
	case plainOnly && typ != "plain_text":
		c.addf(ptr+"/type", "must be plain_text")
	case typ != "plain_text" && typ != "mrkdwn":
		c.addf(ptr+"/type", "must be one of plain_text, mrkdwn")
	}
	s, _ := str(t, "text")
	if s == "" {
		c.addf(ptr+"/text", "must be more than 0 characters")
	}
	c.maxLen(t, "text", ptr, limit)
}

// element checks an interactive element (button, select, input...).
func (c *blockChecker) element(ptr string, e map[string]any) {
	typ, _ := str(e, "type")
	if typ == "" {
		c.addf(ptr, "missing required field: type")
		return
	}
	if id, ok := str(e, "action_id"); ok {
		c.maxLen(e, "action_id", ptr, maxID)
		if prev, dup := c.actionIDs[id]; dup {
			c.addf(ptr+"/action_id", "action_id %q is already used at %s", id, prev)
		} else {
			c.actionIDs[id] = ptr
		}
	}
	if _, ok := e["placeholder"]; ok {
		c.text(ptr+"/placeholder", obj(e, "placeholder"), maxPlaceholder, true)
	}
	switch typ {
	case "button":
		c.text(ptr+"/text", obj(e, "text"), maxButtonText, true)
		c.maxLen(e, "value", ptr, maxButtonValue)
		c.maxLen(e, "url", ptr, maxURL)
		if style, ok := str(e, "style"); ok && style != "primary" && style != "danger" {
			c.addf(ptr+"/style", "must be one of primary, danger")
		}
	case "static_select", "multi_static_select":
		_, hasGroups := e["option_groups"]
		c.options(ptr, e, maxOptions, true, !hasGroups)
	case "overflow":
		c.options(ptr, e, maxOverflowOpts, true, true)
	case "checkboxes", "radio_buttons":
		c.options(ptr, e, maxChoiceOptions, false, true)
	case "plain_text_input":
		if n, ok := e["max_length"].(float64); ok && n > maxInputLength {
			c.addf(ptr+"/max_length", "must be at most %d", maxInputLength)
		}
	}
}

func (c *blockChecker) options(ptr string, e map[string]any, limit int, plainOnly, required bool) {
	opts, ok := arr(e, "options")
	if !ok {
		if required {
			c.addf(ptr, "missing required field: options")
		}
		return
	}
	if len(opts) > limit {
		c.addf(ptr+"/options", "no more than %d items allowed", limit)
	}
	for i, o := range opts {
		oo, _ := o.(map[string]any)
		p := fmt.Sprintf("%s/options/%d", ptr, i)
		if oo == nil {
			c.addf(p, "must be an object")
			continue
		}
		c.text(p+"/text", obj(oo, "text"), maxOptionText, plainOnly)
		c.maxLen(oo, "value", p, maxOptionValue)
	}
}
