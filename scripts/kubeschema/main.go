// Command kubeschema turns the OpenAPI v3 documents of the Kubernetes API (the
// api/openapi-spec/v3 folder of the k8s.io/kubernetes module) into one JSON schema per kind,
// named as kubeconform looks them up ({{.ResourceKind}}{{.KindSuffix}}.json), so that the
// manifests can be checked with no schema download:
//
//	go run ./scripts/kubeschema <openapi-spec/v3 folder> <output folder>
//
// Each schema carries the definitions it reaches. Objects that list their properties refuse
// any other (as kubeconform's strict schemas do), unless Kubernetes keeps unknown fields there.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: kubeschema <openapi-spec/v3 folder> <output folder>")
		os.Exit(2)
	}
	n, err := convert(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubeschema:", err)
		os.Exit(1)
	}
	fmt.Printf("kubeschema: %d schemas in %s\n", n, os.Args[2])
}

const refPrefix = "#/components/schemas/"

func convert(in, out string) (int, error) {
	files, err := filepath.Glob(filepath.Join(in, "*_openapi.json"))
	if err != nil {
		return 0, err
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("no *_openapi.json in %s", in)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, err
	}
	written := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return written, err
		}
		var doc struct {
			Components struct {
				Schemas map[string]map[string]any `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return written, fmt.Errorf("%s: %w", f, err)
		}
		defs := doc.Components.Schemas
		for name, s := range defs {
			for _, gvk := range kinds(s) {
				schema := map[string]any{
					"$schema":     "http://json-schema.org/draft-07/schema#",
					"$ref":        "#/definitions/" + name,
					"definitions": reachable(defs, name),
				}
				b, err := json.Marshal(schema)
				if err != nil {
					return written, err
				}
				if err := os.WriteFile(filepath.Join(out, fileName(gvk)), b, 0o644); err != nil {
					return written, err
				}
				written++
			}
		}
	}
	return written, nil
}

type gvk struct{ group, version, kind string }

// kinds lists the group, version and kind a top-level schema is stored as.
func kinds(s map[string]any) []gvk {
	list, _ := s["x-kubernetes-group-version-kind"].([]any)
	var out []gvk
	for _, e := range list {
		m, _ := e.(map[string]any)
		g, _ := m["group"].(string)
		v, _ := m["version"].(string)
		k, _ := m["kind"].(string)
		if k != "" && v != "" {
			out = append(out, gvk{g, v, k})
		}
	}
	return out
}

// fileName is kubeconform's {{.ResourceKind}}{{.KindSuffix}}.json: deployment-apps-v1.json,
// configmap-v1.json (the core group has none), poddisruptionbudget-policy-v1.json.
func fileName(k gvk) string {
	suffix := "-" + k.version
	if k.group != "" {
		suffix = "-" + strings.Split(k.group, ".")[0] + suffix
	}
	return strings.ToLower(k.kind) + suffix + ".json"
}

// reachable copies the definition root and every definition it refers to, with references
// rewritten to #/definitions/ and objects made strict.
func reachable(defs map[string]map[string]any, root string) map[string]any {
	out := map[string]any{}
	var visit func(name string)
	visit = func(name string) {
		if _, done := out[name]; done {
			return
		}
		s, ok := defs[name]
		if !ok {
			return
		}
		out[name] = nil // mark before descending: definitions refer to each other
		out[name] = rewrite(s, visit)
	}
	visit(root)
	return out
}

func rewrite(v any, visit func(string)) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x)+1)
		for k, e := range x {
			if k == "$ref" {
				if ref, ok := e.(string); ok && strings.HasPrefix(ref, refPrefix) {
					name := strings.TrimPrefix(ref, refPrefix)
					visit(name)
					m[k] = "#/definitions/" + name
					continue
				}
			}
			m[k] = rewrite(e, visit)
		}
		if _, ok := m["properties"].(map[string]any); ok {
			_, has := m["additionalProperties"]
			keep, _ := m["x-kubernetes-preserve-unknown-fields"].(bool)
			if !has && !keep {
				m["additionalProperties"] = false
			}
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = rewrite(e, visit)
		}
		return out
	default:
		return v
	}
}
