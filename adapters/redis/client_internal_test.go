package redis

import (
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"escalation-bot/xtest/logtest"
)

func TestParseMultiHost(t *testing.T) {
	tests := []struct {
		url                    string
		addrs                  []string
		master, user, password string
		db                     int
		cluster, tls           bool
	}{
		{url: "redis-sentinel://s1,s2:26380/mymaster", addrs: []string{"s1:26379", "s2:26380"}, master: "mymaster"},
		{url: "rediss-sentinel://u:p%40ss@s1/mymaster?db=3", addrs: []string{"s1:26379"}, master: "mymaster", user: "u", password: "p@ss", db: 3, tls: true},
		{url: "redis-cluster://:pw@n1:7000,n2,10.0.0.3:7002,[::1]:7003,[::2]", addrs: []string{"n1:7000", "n2:6379", "10.0.0.3:7002", "[::1]:7003", "[::2]:6379"}, password: "pw", cluster: true},
		{url: "rediss-cluster://n1", addrs: []string{"n1:6379"}, cluster: true, tls: true},
	}
	for _, tt := range tests {
		_, addr, err := parseURL(tt.url)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		defaultPort := "26379"
		if tt.cluster {
			defaultPort = "6379"
		}
		opts, err := parseMultiHost(tt.url, defaultPort)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(opts.Addrs, tt.addrs) || opts.MasterName != tt.master || opts.Username != tt.user ||
			opts.Password != tt.password || opts.DB != tt.db || (opts.TLSConfig != nil) != tt.tls {
			t.Errorf("%s: parsed %+v", tt.url, opts)
		}
		if addr == "" {
			t.Errorf("%s: no address for messages", tt.url)
		}
	}
}

// go-redis's own complaints (here: a pool that cannot dial) reach the bot's slog handler as
// structured lines without the URL's secrets, never stderr as plain text.
func TestLibraryLogsGoThroughSlog(t *testing.T) {
	var out logtest.Buffer
	logger := slog.New(slog.NewJSONHandler(&out, nil))
	conn, err := open("redis://owner:hunter2@127.0.0.1:1/0?dial_timeout=50ms&max_retries=-1", logger)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.close()
	for i := 0; i < 20 && !strings.Contains(out.String(), "go-redis"); i++ {
		_ = conn.client.Ping(context.Background()).Err()
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	found := false
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON log line: %q", line)
		}
		if rec["component"] == "go-redis" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no go-redis line in the slog output:\n%s", out.String())
	}
	if strings.Contains(out.String(), "hunter2") {
		t.Fatalf("password in the log:\n%s", out.String())
	}
}
