// Package health serves /healthz and /readyz.
package health

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"go.uber.org/fx"
)

// Check is one readiness probe: Redis reachable, a platform connected.
type Check struct {
	Name string
	Func func(context.Context) error
}

// Handler serves /healthz (the process is alive) and /readyz (every check passes).
type Handler struct {
	checks []Check
}

// Params collects the checks every module contributes.
type Params struct {
	fx.In
	Checks []Check `group:"readiness"`
}

// NewHandler returns the handler over the checks.
func NewHandler(p Params) *Handler { return &Handler{checks: p.Checks} }

// Register adds the endpoints to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.HandleFunc("GET /readyz", h.ready)
}

func (h *Handler) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	result := map[string]string{}
	status := http.StatusOK
	for _, c := range h.checks {
		if err := c.Func(ctx); err != nil {
			// Only the check's name is shown and its error is dropped: readiness is often
			// public, and an error may name hosts or carry a platform's answer.
			result[c.Name] = "unavailable"
			status = http.StatusServiceUnavailable
			continue
		}
		result[c.Name] = "ok"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"ready": status == http.StatusOK, "checks": result})
}

// Module provides the handler and registers it on the shared mux.
var Module = fx.Module("health",
	fx.Provide(NewHandler),
	fx.Invoke(func(h *Handler, mux *http.ServeMux) { h.Register(mux) }),
)
