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
				fill(f, text)
				continue
			}
			f.Set(reflect.ValueOf(time.Date(2026, 12, 5, 21, 3, 4, 5006000, time.FixedZone("x", 3600+i))))
		default:
			panic("fill: unexpected field kind " + f.Kind().String())
		}
	}
}

func TestAppendSessionIsJSON(t *testing.T) {
	sessions := []conversation.Session{{}, {Owner: "web:ann", Stage: conversation.StageIntake, Answers: map[string]string{}, History: []string{}},
		{Ownership: conversation.Ownership{Result: "unknown"}}, {Ownership: conversation.Ownership{VIN: "5YJ3", Reason: "r"}}}
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

// decodeSession reads what appendSession writes as json.Unmarshal does, and leaves anything
// else to it.
func TestDecodeSessionIsJSON(t *testing.T) {
	var sessions []conversation.Session
	sessions = append(sessions, conversation.Session{}, conversation.Session{Owner: "web:ann", Answers: map[string]string{}, History: []string{}})
	for _, text := range awkward {
		var s conversation.Session
		fill(reflect.ValueOf(&s).Elem(), text)
		sessions = append(sessions, s)
	}
	decode := func(data string) (conversation.Session, conversation.Session, bool) {
		want := conversation.Session{Owner: "preset"}
		if err := json.Unmarshal([]byte(data), &want); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		got := conversation.Session{Owner: "preset"}
		ok := decodeSession(data, &got)
		return got, want, ok
	}
	for _, s := range sessions {
		b, err := appendSession(nil, s)
		if err != nil {
			t.Fatal(err)
		}
		got, want, ok := decode(string(b))
		if !ok && !strings.ContainsAny(string(b), `\`) {
			t.Errorf("decodeSession refused %s", b)
		}
		if ok && !reflect.DeepEqual(got, want) {
			t.Errorf("decodeSession(%s) = %+v, want %+v", b, got, want)
		}
	}
	// Not the appenders' form: left alone, for encoding/json.
	for _, data := range []string{
		`{"owner":"a" }`, `{"owner":"a","Version":2}`, `{"owner":null}`, `{"owner":"a","unknown":1}`,
		`{"version":1.5}`, `{"version":01}`, `{"answers":{"a":1}}`, `{"history":["a",]}`, `{"owner":"a",}`,
		`{"owner":"a\n"}`, `{"ownership":{"vin":"x","other":"y"}}`, `{"ownership":{"vin":"x",}}`, `{"started":"yesterday"}`, `{"owner":"a"}x`, `{"owner":"\xff"}`, `{`, ``,
	} {
		s := conversation.Session{Owner: "preset"}
		if decodeSession(data, &s) || s.Owner != "preset" {
			t.Errorf("decodeSession(%s) took it: %+v", data, s)
		}
	}
	// The canonical form with members in another order or missing reads the same.
	for _, data := range []string{`{}`, `{"ownership":{"result":"unknown"}}`, `{"ownership":{}}`, `{"turns":3,"owner":"b","answers":{"x":"1","y":"2"},"history":["a","b"],"safety":false,"version":-2}`} {
		got, want, ok := decode(data)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("decodeSession(%s) = %+v, %v; want %+v", data, got, ok, want)
		}
	}
}
