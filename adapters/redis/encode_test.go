package redis

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

var awkward = []string{
	"", "plain", `quote " and \ backslash`, "<@U1> & <b>", "tab\tnew\nline\rcr\b\f",
	"\x00\x01\x1f\x7f", "Grüße, 日本語, emoji 🚗", "line\u2028para\u2029", "bad \xff\xfe utf8 \xe2\x82",
	"\u200b zero width", strings.Repeat("x", 300),
}

func TestAppendStringIsJSON(t *testing.T) {
	for _, s := range awkward {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

// fill sets every field of the struct v points to, so a field the appenders do not write
// shows as a difference from json.Marshal.
func fill(v reflect.Value, text string) {
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(text + v.Type().Field(i).Name)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(1000 + i))
		case reflect.Map:
			m := reflect.MakeMap(f.Type())
			for _, k := range []string{"vin", "model", text, "a"} {
				m.SetMapIndex(reflect.ValueOf(k).Convert(f.Type().Key()), reflect.ValueOf(text+k).Convert(f.Type().Elem()))
			}
			f.Set(m)
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{"one", text, "three"}).Convert(f.Type()))
		case reflect.Struct:
			if f.Type() != reflect.TypeFor[time.Time]() {
				panic("fill: unexpected struct field " + v.Type().Field(i).Name)
			}
			f.Set(reflect.ValueOf(time.Date(2026, 12, 5, 21, 3, 4, 5006000, time.FixedZone("x", 3600+i))))
		default:
			panic("fill: unexpected field kind " + f.Kind().String())
		}
	}
}

func TestAppendSessionIsJSON(t *testing.T) {
	sessions := []conversation.Session{{}, {Owner: "web:ann", Stage: conversation.StageIntake, Answers: map[string]string{}, History: []string{}}}
	for _, text := range awkward {
		var s conversation.Session
		fill(reflect.ValueOf(&s).Elem(), text)
		sessions = append(sessions, s)
	}
	many := conversation.Session{Owner: "web:many", Answers: map[string]string{}}
	for i := range 40 {
		many.Answers[strings.Repeat("k", i+1)] = "v"
	}
	sessions = append(sessions, many)
	for _, s := range sessions {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendSession(nil, s)
		if err != nil || string(got) != string(want) {
			t.Errorf("appendSession = %s, %v\nwant             %s", got, err, want)
		}
	}
	if _, err := appendSession(nil, conversation.Session{Started: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("a year json.Marshal refuses was written")
	}
}

func TestAppendLineIsJSON(t *testing.T) {
	lines := []bot.Line{{}, {Role: bot.RoleBot, Text: "Hi", Buttons: []string{}, At: time.Unix(1, 0).UTC()}}
	for _, text := range awkward {
		var l bot.Line
		fill(reflect.ValueOf(&l).Elem(), text)
		lines = append(lines, l)
	}
	for _, l := range lines {
		want, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendLine(nil, l)
		if err != nil || string(got) != string(want) {
			t.Errorf("appendLine = %s, %v\nwant          %s", got, err, want)
		}
	}
}
