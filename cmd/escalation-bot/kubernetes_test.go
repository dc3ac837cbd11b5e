package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// manifest is the part of a Kubernetes object the tests read.
type manifest struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       struct {
		Template struct {
			Spec struct {
				Containers []struct {
					EnvFrom []struct {
						ConfigMapRef *struct{ Name string } `yaml:"configMapRef"`
						SecretRef    *struct{ Name string } `yaml:"secretRef"`
					} `yaml:"envFrom"`
					Env []struct {
						Name string `yaml:"name"`
					} `yaml:"env"`
					LivenessProbe  probe `yaml:"livenessProbe"`
					ReadinessProbe probe `yaml:"readinessProbe"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
	} `yaml:"httpGet"`
}

func readManifests(t *testing.T) []manifest {
	t.Helper()
	files, err := filepath.Glob("../../deploy/kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests (%v)", err)
	}
	var all []manifest
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(raw)))
		for {
			var m manifest
			if err := dec.Decode(&m); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			all = append(all, m)
		}
	}
	return all
}

// The ConfigMap and the Secret hold every setting, each in one of them, the secret ones in the
// Secret; every Deployment takes both, overrides only settings, and is probed on the health
// endpoints.
func TestKubernetesNamesEverySetting(t *testing.T) {
	var configMap, secret map[string]string
	var deployments []manifest
	for _, m := range readManifests(t) {
		switch m.Kind {
		case "ConfigMap":
			configMap = m.Data
		case "Secret":
			secret = m.StringData
		case "Deployment":
			deployments = append(deployments, m)
		}
	}
	if configMap == nil || secret == nil || len(deployments) == 0 {
		t.Fatalf("want a ConfigMap, a Secret and Deployments; have %d settings in the ConfigMap, %d in the Secret, %d Deployments", len(configMap), len(secret), len(deployments))
	}
	known := map[string]bool{}
	for _, s := range settings() {
		known[s.env] = true
		_, inMap := configMap[s.env]
		_, inSecret := secret[s.env]
		switch {
		case !inMap && !inSecret:
			t.Errorf("%s is in neither the ConfigMap nor the Secret", s.env)
		case inMap && inSecret:
			t.Errorf("%s is in the ConfigMap and in the Secret", s.env)
		case inMap && (s.secret() || s.env == "REDIS_URL"):
			t.Errorf("%s belongs in the Secret (it is secret or may carry a password)", s.env)
		}
	}
	for name := range configMap {
		if !known[name] {
			t.Errorf("the ConfigMap sets %s, which is no setting", name)
		}
	}
	for name := range secret {
		if !known[name] {
			t.Errorf("the Secret sets %s, which is no setting", name)
		}
	}
	for _, d := range deployments {
		for _, c := range d.Spec.Template.Spec.Containers {
			var fromMap, fromSecret bool
			for _, e := range c.EnvFrom {
				fromMap = fromMap || (e.ConfigMapRef != nil && e.ConfigMapRef.Name == "escalation-bot")
				fromSecret = fromSecret || (e.SecretRef != nil && e.SecretRef.Name == "escalation-bot")
			}
			if !fromMap || !fromSecret {
				t.Errorf("%s: takes the ConfigMap %v, the Secret %v; want both", d.Metadata.Name, fromMap, fromSecret)
			}
			for _, e := range c.Env {
				if !known[e.Name] {
					t.Errorf("%s sets %s, which is no setting", d.Metadata.Name, e.Name)
				}
			}
			if c.LivenessProbe.HTTPGet.Path != "/healthz" || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
				t.Errorf("%s: probes on %q and %q, want /healthz and /readyz", d.Metadata.Name, c.LivenessProbe.HTTPGet.Path, c.ReadinessProbe.HTTPGet.Path)
			}
		}
	}
}
