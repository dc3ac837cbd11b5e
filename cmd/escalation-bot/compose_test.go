package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// composeFile is the part of docker/compose.yaml the tests read.
type composeFile struct {
	Services map[string]struct {
		Environment map[string]string `yaml:"environment"`
		Profiles    []string          `yaml:"profiles"`
		Volumes     []string          `yaml:"volumes"`
	} `yaml:"services"`
}

// docker/compose.yaml passes every setting to the bot, so one .env file configures
// everything, and the monitoring profile mounts files that exist.
func TestComposeNamesEverySetting(t *testing.T) {
	raw, err := os.ReadFile("../../docker/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	bot, ok := c.Services["bot"]
	if !ok {
		t.Fatal("no bot service")
	}
	for _, s := range settings() {
		v, ok := bot.Environment[s.env]
		switch {
		case !ok:
			t.Errorf("compose.yaml does not pass %s to the bot", s.env)
		case s.env != "HTTP_ADDR" && !strings.Contains(v, "${"+s.env+":-"):
			t.Errorf("compose.yaml sets %s to %q: take it from the environment (${%s:-…})", s.env, v, s.env)
		}
	}
	for _, name := range []string{"prometheus", "grafana"} {
		svc, ok := c.Services[name]
		if !ok || !slices.Equal(svc.Profiles, []string{"monitoring"}) {
			t.Errorf("%s: not in the monitoring profile (%+v)", name, svc.Profiles)
		}
		for _, v := range svc.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if !strings.HasPrefix(src, ".") {
				continue // a named volume
			}
			if _, err := os.Stat(filepath.Join("../../docker", src)); err != nil {
				t.Errorf("%s mounts %s: %v", name, src, err)
			}
		}
	}
}
