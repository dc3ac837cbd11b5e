package redact

import (
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"redis://127.0.0.1:6379":                                 "redis://127.0.0.1:6379",
		"redis://user:secret@host:6379/0":                        "redis://user:xxxxx@host:6379/0",
		"redis://:secret@host":                                   "redis://xxxxx@host",
		"redis://secret@host":                                    "redis://xxxxx@host",
		"redis://u:s@c@ret@host":                                 "redis://u:xxxxx@host",
		"redis://h/0?password=s3cret":                            "redis://h/0?password=xxxxx",
		"redis://h?db=1&pass=s3cret&pool_size=5":                 "redis://h?db=1&pass=xxxxx&pool_size=5",
		"redis://h?Secret=s3cret&token=t0k&sentinel_password=pw": "redis://h?Secret=xxxxx&token=xxxxx&sentinel_password=xxxxx",
		"redis://h?pass%77ord=s3cret":                            "redis://h?pass%77ord=xxxxx",
		"redis://h/0?password=s@cret":                            "redis://h/0?password=xxxxx",
		"redis://user:pw@h/0?token=s3cret#frag":                  "redis://user:xxxxx@h/0?token=xxxxx#frag",
		"redis://u:p?ss@h/0":                                     "redis://u:xxxxx@h/0",
		"redis-cluster://n1,n2?password=s3cret&db=0":             "redis-cluster://n1,n2?password=xxxxx&db=0",
		"redis://h?client_name=passenger&passport=x":             "redis://h?client_name=passenger&passport=x",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScrub(t *testing.T) {
	raw := "redis://owner:hunter2@h/0?token=t%30k"
	got := Scrub("dial redis://owner:hunter2@h failed; token t0k and t%30k", raw)
	for _, secret := range []string{"hunter2", "t0k", "t%30k"} {
		if strings.Contains(got, secret) {
			t.Errorf("Scrub left %q: %s", secret, got)
		}
	}
}

func TestLinks(t *testing.T) {
	for in, want := range map[string]string{
		`Post "https://hooks.slack.com/commands/T1/2/abc": EOF`: `Post "https://hooks.slack.com/commands/…": EOF`,
		"upload https://files.example/upload/v1/xyz?k=1 failed": "upload https://files.example/upload/… failed",
		"https://h":   "https://h",
		"no URL here": "no URL here",
	} {
		if got := Links(in); got != want {
			t.Errorf("Links(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestToken(t *testing.T) {
	if Token("") != "[unset]" || Token("xoxb-1") != "[set]" {
		t.Errorf("Token: %q %q", Token(""), Token("xoxb-1"))
	}
}
