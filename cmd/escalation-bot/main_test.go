package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/xtest/redistest"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		check   func(Config) bool
		wantErr string
	}{
		{"defaults", nil, nil, func(c Config) bool {
			return c.HTTPAddr == "127.0.0.1:8080" && c.RedisURL == "" && c.Tenant == "default" && c.PlaygroundOn(0) &&
				!c.PlaygroundOn(1) && c.SessionTTL == 168*time.Hour && c.RateLimit == 30 && len(c.Channels) == 1
		}, ""},
		{"env", map[string]string{"HTTP_ADDR": ":9090", "ESCALATION_CHANNELS": "web:a, slack:C1", "PLAYGROUND": "true",
			"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, nil,
			func(c Config) bool {
				return c.HTTPAddr == ":9090" && len(c.Channels) == 2 && c.PlaygroundOn(c.Platforms())
			}, ""},
		{"slack turns the playground off", map[string]string{"ESCALATION_CHANNELS": "slack:C1", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, nil,
			func(c Config) bool { return !c.PlaygroundOn(c.Platforms()) && c.Slack.On() }, ""},
		{"slack permissions", map[string]string{"ESCALATION_CHANNELS": "slack:C1", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
			"MODERATORS_SLACK": "U01,S02", "CLAIMERS_SLACK_USERGROUP": "S03", "MODERATORS": ""}, nil,
			func(c Config) bool {
				return strings.Join(c.CoreModerators(), " ") == "slack:*:U01 group:S02" &&
					strings.Join(c.CoreClaimers(), " ") == "group:S03" && strings.Join(c.SlackUsergroups(), " ") == "S02 S03"
			}, ""},
		{"slack without a mode", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "ESCALATION_CHANNELS": "slack:C1"}, nil, nil, "SLACK_APP_TOKEN"},
		{"slack channel without slack", map[string]string{"ESCALATION_CHANNELS": "slack:C1"}, nil, nil, "Slack is not configured"},
		{"no channel without playground", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, nil, nil, "ESCALATION_CHANNELS is empty"},
		{"wrong token kind", map[string]string{"SLACK_BOT_TOKEN": "xapp-secret-value"}, nil, nil, "SLACK_BOT_TOKEN"},
		{"bad slack id", map[string]string{"MODERATORS_SLACK": "dana"}, nil, nil, "MODERATORS_SLACK"},
		{"discord permissions", map[string]string{"ESCALATION_CHANNELS": "discord:42", "DISCORD_BOT_TOKEN": "t",
			"MODERATOR_ROLE_IDS": "7", "CLAIMER_ROLE_IDS": "8,9"}, nil,
			func(c Config) bool {
				return !c.PlaygroundOn(c.Platforms()) && strings.Join(c.CoreModerators(), " ") == "perm:manage_guild role:7" &&
					strings.Join(c.CoreClaimers(), " ") == "role:8 role:9"
			}, ""},
		{"discord channel without discord", map[string]string{"ESCALATION_CHANNELS": "discord:42"}, nil, nil, "Discord is not configured"},
		{"bad shard", map[string]string{"DISCORD_BOT_TOKEN": "t", "ESCALATION_CHANNELS": "discord:42", "DISCORD_SHARD_ID": "2", "DISCORD_SHARD_COUNT": "2"}, nil, nil, "DISCORD_SHARD_ID"},
		{"owner roles need guilds", map[string]string{"DISCORD_BOT_TOKEN": "t", "ESCALATION_CHANNELS": "discord:42", "OWNER_ROLE_IDS": "5"}, nil, nil, "DISCORD_GUILD_IDS"},
		{"bad role id", map[string]string{"CLAIMER_ROLE_IDS": "admins"}, nil, nil, "CLAIMER_ROLE_IDS"},
		{"openai", map[string]string{"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_TIMEOUT": "5s"}, nil,
			func(c Config) bool {
				return c.OpenAI.On() && c.OpenAI.RedactPII && c.OpenAI.Timeout == 5*time.Second && c.OpenAI.Model == "gpt-4o-mini"
			}, ""},
		{"redaction off", map[string]string{"REDACT_PII": "false"}, nil, func(c Config) bool { return !c.OpenAI.RedactPII }, ""},
		{"bad redact", map[string]string{"REDACT_PII": "maybe"}, nil, nil, "REDACT_PII"},
		{"openai timeout too long", map[string]string{"OPENAI_TIMEOUT": "45s"}, nil, nil, "OPENAI_TIMEOUT"},
		{"bad openai url", map[string]string{"OPENAI_BASE_URL": "localhost:11434"}, nil, nil, "OPENAI_BASE_URL"},
		{"flag wins over env", map[string]string{"HTTP_ADDR": ":9090"}, []string{"--http-addr", ":7070"},
			func(c Config) bool { return c.HTTPAddr == ":7070" }, ""},
		{"bad duration", map[string]string{"SESSION_TTL": "forever"}, nil, nil, "SESSION_TTL"},
		{"bad channel", map[string]string{"ESCALATION_CHANNELS": "C0123"}, nil, nil, "platform:id"},
		{"unknown platform", map[string]string{"ESCALATION_CHANNELS": "teams:x"}, nil, nil, "unknown platform"},
		{"bad playground", map[string]string{"PLAYGROUND": "maybe"}, nil, nil, "PLAYGROUND"},
		{"bad tenant", map[string]string{"REDIS_TENANT": "a{b}"}, nil, nil, "REDIS_TENANT"},
		{"bad rate", map[string]string{"RATE_LIMIT": "0"}, nil, nil, "RATE_LIMIT"},
		{"bad log level", map[string]string{"LOG_LEVEL": "loud"}, nil, nil, "LOG_LEVEL"},
		{"unknown flag", nil, []string{"--nope"}, nil, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(tt.args, env(tt.env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Fatalf("config = %+v", c)
			}
		})
	}
}

func TestHelpListsEveryVariable(t *testing.T) {
	var out bytes.Buffer
	_, err := LoadConfig([]string{"--help"}, env(nil), &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v", err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings() {
		if !strings.Contains(out.String(), s.env) || !strings.Contains(out.String(), "-"+s.flag) {
			t.Errorf("--help lacks %s / -%s", s.env, s.flag)
		}
		if !strings.Contains(string(readme), "`"+s.env+"`") {
			t.Errorf("README does not document %s", s.env)
		}
	}
}

func TestSecretsAreNotEchoed(t *testing.T) {
	_, err := LoadConfig(nil, env(map[string]string{"SLACK_BOT_TOKEN": "xapp-hunter2"}), io.Discard)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("token echoed: %v", err)
	}
	// A refused Discord token stops the start without showing it.
	cfg, err := LoadConfig(nil, env(map[string]string{"DISCORD_BOT_TOKEN": "hunter2-discord", "ESCALATION_CHANNELS": "discord:42", "HTTP_ADDR": "127.0.0.1:0", "DISCORD_API_URL": "http://127.0.0.1:1"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var dlogs bytes.Buffer
	dapp := fx.New(Options(cfg, slog.New(slog.NewTextHandler(&dlogs, nil))), fx.StartTimeout(15*time.Second))
	if err := dapp.Start(context.Background()); err == nil {
		dapp.Stop(context.Background())
		t.Fatal("started with an unreachable Discord")
	} else if strings.Contains(err.Error()+dlogs.String(), "hunter2") {
		t.Fatalf("Discord token echoed: %v\n%s", err, dlogs.String())
	}
	for _, bad := range []string{"redis://user:hunter2@127.0.0.1:x", "redis://127.0.0.1:x/0?password=hunter2", "ftp://user:hunter2@h"} {
		_, err := LoadConfig(nil, env(map[string]string{"REDIS_URL": bad}), io.Discard)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("REDIS_URL=%s: err = %v", bad, err)
		}
	}
	cfg, _ = LoadConfig(nil, env(map[string]string{"REDIS_URL": "redis://user:hunter2@127.0.0.1:1"}), io.Discard)
	var logs bytes.Buffer
	app := fx.New(Options(cfg, slog.New(slog.NewTextHandler(&logs, nil))), fx.StartTimeout(10*time.Second))
	err = app.Start(context.Background())
	if err == nil {
		app.Stop(context.Background())
		t.Fatal("started with an unreachable Redis")
	}
	if strings.Contains(err.Error()+logs.String(), "hunter2") {
		t.Fatalf("password echoed: %v\n%s", err, logs.String())
	}
}

func TestStartupErrors(t *testing.T) {
	dir := t.TempDir()
	badFlow := filepath.Join(dir, "flow.yaml")
	os.WriteFile(badFlow, []byte("name: x\ngreeting: hi\nemergency_advice: call 112\nsteps:\n  - id: a\n    label: A\n    kind: banana\n    prompt: hi\n"), 0o600)
	// The default flow without its translations: English only.
	whole, err := os.ReadFile("../../conversation/testdata/flow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	englishFlow := filepath.Join(dir, "english.yaml")
	english, _, _ := strings.Cut(string(whole), "\ntranslations:")
	os.WriteFile(englishFlow, []byte(english), 0o600)
	// Without its VIN step no owner could be checked: under require every case would wait.
	noVINFlow := filepath.Join(dir, "novin.yaml")
	before, rest, _ := strings.Cut(english, "  - id: vin\n")
	_, after, _ := strings.Cut(rest, "  - id: odometer\n")
	os.WriteFile(noVINFlow, []byte(before+"  - id: odometer\n"+after), 0o600)
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"unknown REDIS_URL scheme", map[string]string{"REDIS_URL": "mysql://localhost"}, []string{"REDIS_URL", "scheme"}},
		{"REDIS_URL with a bad port", map[string]string{"REDIS_URL": "redis://u:pw@host:notaport"}, []string{"REDIS_URL", "port"}},
		{"unreachable Redis", map[string]string{"REDIS_URL": "redis://127.0.0.1:1"}, []string{"127.0.0.1:1", "not reachable"}},
		{"malformed flow file", map[string]string{"FLOW_FILE": badFlow}, []string{"flow.yaml:7", "banana"}},
		{"missing flow file", map[string]string{"FLOW_FILE": filepath.Join(dir, "none.yaml")}, []string{"none.yaml"}},
		{"unknown LANGUAGE", map[string]string{"LANGUAGE": "klingon"}, []string{"LANGUAGE", "en, de, fr, es"}},
		{"flow without a VIN step", map[string]string{"REQUIRE_VERIFIED_OWNER": "require", "FLOW_FILE": noVINFlow}, []string{"FLOW_FILE", "novin.yaml", "no step for the VIN", "role: vin"}},
		{"LANGUAGE the flow file lacks", map[string]string{"LANGUAGE": "de", "FLOW_FILE": englishFlow}, []string{"LANGUAGE de", "no de translation", "use one of en"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["HTTP_ADDR"] = "127.0.0.1:0"
			cfg, err := LoadConfig(nil, env(tt.env), io.Discard)
			if err == nil {
				app := fx.New(Options(cfg, slog.New(slog.DiscardHandler)), fx.StartTimeout(10*time.Second))
				err = app.Err()
				if err == nil {
					err = app.Start(context.Background())
					defer app.Stop(context.Background())
				}
			}
			if err == nil {
				t.Fatal("started")
			}
			if len(err.Error()) > 400 || strings.Contains(err.Error(), "pw@") {
				t.Fatalf("error is not one clear line: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error does not name %q: %v", w, err)
				}
			}
		})
	}
}

// app is the whole program as main builds it, over a real Redis, with a tiny HTTP client.
type app struct {
	t      *testing.T
	base   string
	tenant string
}

func startApp(t *testing.T, vars map[string]string) *app {
	t.Helper()
	rds := redistest.New(t)
	all := map[string]string{"HTTP_ADDR": "127.0.0.1:0", "REDIS_URL": redistest.URL(t), "REDIS_TENANT": rds.Tenant}
	for k, v := range vars {
		all[k] = v
	}
	cfg, err := LoadConfig(nil, env(all), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var srv *Server
	fxa := fxtest.New(t, Options(cfg, slog.New(slog.DiscardHandler)), fx.Populate(&srv))
	fxa.RequireStart()
	t.Cleanup(fxa.RequireStop)
	return &app{t: t, base: "http://" + srv.Addr(), tenant: all["REDIS_TENANT"]}
}

func (a *app) get(path string) (int, string) {
	resp, err := http.Get(a.base + path)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (a *app) post(path string, body any, out any) int {
	b, _ := json.Marshal(body)
	resp, err := http.Post(a.base+path, "application/json", bytes.NewReader(b))
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// intakeSteps answer the default flow from hello to submit.
var intakeSteps = []map[string]string{
	{"text": "hello"}, {"action": "choose", "value": "understood"},
	{"text": "SR-1"}, {"text": "Model Y"}, {"text": "2022"}, {"text": "1HGCM82633A004352"},
	{"text": "30000 km"}, {"text": "Lyon, France"}, {"text": "software"}, {"text": "yes"},
	{"text": "The screen goes black every morning and service could not reproduce it twice."},
	{"text": "last month"}, {"text": "A fix that lasts."}, {"action": "submit"},
}

// intake walks a playground owner through the default flow to a submitted case.
func (a *app) intake(owner string) {
	for _, s := range intakeSteps {
		path := "/api/owners/" + owner + "/messages"
		if s["action"] != "" {
			path = "/api/owners/" + owner + "/actions"
		}
		if code := a.post(path, s, nil); code != 200 {
			a.t.Fatalf("%v → %d", s, code)
		}
	}
}

type channelCard struct {
	ID, Status, Title, Severity string
	Automatic                   bool
}

func (a *app) cards() []channelCard {
	var channel struct {
		Cases []channelCard `json:"cases"`
	}
	code, body := a.get("/api/channel")
	if code != 200 || json.Unmarshal([]byte(body), &channel) != nil {
		a.t.Fatalf("channel = %d %s", code, body)
	}
	return channel.Cases
}

// The whole program, as main builds it, over a real Redis: health, readiness and a case
// through the playground API.
func TestEndToEnd(t *testing.T) {
	a := startApp(t, nil)
	get, post := a.get, a.post
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 200 || !strings.Contains(body, `"redis":"ok"`) {
		t.Fatalf("readyz = %d %s", code, body)
	}
	if code, body := get("/"); code != 200 || !strings.Contains(body, "<html") {
		t.Fatalf("playground page = %d", code)
	}

	a.intake("zoe")
	cases := a.cards()
	if len(cases) != 1 || !cases[0].Automatic {
		t.Fatalf("cases = %+v", cases)
	}
	id := cases[0].ID
	var claim struct {
		Card struct {
			Status    string `json:"status"`
			ClaimedBy string `json:"claimed_by"`
		} `json:"card"`
	}
	if code := post("/api/execs/dana/actions", map[string]string{"action": "claim", "case": id}, &claim); code != 200 || claim.Card.ClaimedBy != "dana" {
		t.Fatalf("claim = %d %+v", code, claim)
	}
	var errBody struct{ Error string }
	if code := post("/api/execs/eve/actions", map[string]string{"action": "claim", "case": id}, &errBody); code != 409 || !strings.Contains(errBody.Error, "dana") {
		t.Fatalf("second claim = %d %+v", code, errBody)
	}
	var cmd struct{ Text string }
	if code := post("/api/execs/mod/commands", map[string]string{"text": "/escalations stats"}, &cmd); code != 200 || !strings.Contains(cmd.Text, "claimed 1") {
		t.Fatalf("stats = %d %q", code, cmd.Text)
	}
}

// PPROF_ADDR serves Go's profiler on its own address, and only there.
func TestProfilerOnItsOwnAddress(t *testing.T) {
	rds := redistest.New(t)
	cfg, err := LoadConfig(nil, env(map[string]string{"HTTP_ADDR": "127.0.0.1:0", "PPROF_ADDR": "127.0.0.1:0", "REDIS_URL": redistest.URL(t), "REDIS_TENANT": rds.Tenant}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var srv *Server
	fxa := fxtest.New(t, Options(cfg, slog.New(slog.DiscardHandler)), fx.Populate(&srv))
	fxa.RequireStart()
	t.Cleanup(fxa.RequireStop)
	if srv.profiler == nil || srv.profiler.Addr() == "" {
		t.Fatal("PPROF_ADDR set, and no profiler listening")
	}
	main := &app{t: t, base: "http://" + srv.Addr()}
	prof := &app{t: t, base: "http://" + srv.profiler.Addr()}
	if code, body := prof.get("/debug/pprof/cmdline"); code != 200 || body == "" {
		t.Fatalf("profiler cmdline = %d %q", code, body)
	}
	if code, _ := main.get("/debug/pprof/cmdline"); code == 200 {
		t.Fatal("the main server serves the profiler too")
	}
}

// With OPENAI_API_KEY the case is summarized by the model, here a local OpenAI-compatible
// server reached through the real go-openai client.
func TestEndToEndWithModel(t *testing.T) {
	summary := `{"title":"Model Y screen goes black every morning","summary":"The centre screen of a 2022 Model Y goes black every morning; service could not reproduce it.","category":"software","severity":"medium","safety":false,"key_facts":[{"fact":"Screen goes black daily","quote":"The screen goes black every morning"}],"ask":"A fix that lasts."}`
	var calls atomic.Int32
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer sk-test" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": "c1", "object": "chat.completion", "model": "m",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": summary}}}})
	}))
	defer model.Close()
	a := startApp(t, map[string]string{"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": model.URL + "/v1", "OPENAI_TIMEOUT": "5s"})
	a.intake("zoe")
	cases := a.cards()
	if len(cases) != 1 || cases[0].Automatic || cases[0].Title != "Model Y screen goes black every morning" {
		t.Fatalf("cases = %+v (model called %d times)", cases, calls.Load())
	}
}

// Two replicas over one Redis: an owner's turns alternate between them, both post the same
// case, and executives clicking on both at once produce one claim.
func TestTwoReplicas(t *testing.T) {
	one := startApp(t, nil)
	tenant := one.tenant
	two := startApp(t, map[string]string{"REDIS_TENANT": tenant})
	for i, s := range intakeSteps {
		r := []*app{one, two}[i%2]
		path := "/api/owners/zoe/messages"
		if s["action"] != "" {
			path = "/api/owners/zoe/actions"
		}
		if code := r.post(path, s, nil); code != 200 {
			t.Fatalf("step %d on replica %d → %d", i, i%2+1, code)
		}
	}
	a, b := one.cards(), two.cards()
	if len(a) != 1 || len(b) != 1 || a[0].ID != b[0].ID {
		t.Fatalf("replicas see %+v and %+v", a, b)
	}
	var wg sync.WaitGroup
	codes := make(chan int, 20)
	for i := range 20 {
		wg.Go(func() {
			r := []*app{one, two}[i%2]
			codes <- r.post(fmt.Sprintf("/api/execs/exec%d/actions", i), map[string]string{"action": "claim", "case": a[0].ID}, nil)
		})
	}
	wg.Wait()
	close(codes)
	won := 0
	for c := range codes {
		switch c {
		case 200:
			won++
		case 409:
		default:
			t.Fatalf("claim answered %d", c)
		}
	}
	if won != 1 {
		t.Fatalf("%d claims won across two replicas, want 1", won)
	}
}
