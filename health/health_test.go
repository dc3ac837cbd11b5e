package health

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestEndpoints(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		checks   []Check
		wantCode int
		wantBody string
	}{
		{"alive", "/healthz", nil, 200, `"ok"`},
		{"ready", "/readyz", []Check{{"redis", func(context.Context) error { return nil }}}, 200, `"redis":"ok"`},
		{"not ready", "/readyz", []Check{{"redis", func(context.Context) error { return errors.New("dial tcp: refused") }}}, 503, `"redis":"unavailable"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			NewHandler(Params{Checks: tt.checks}).Register(mux)
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
			if rec.Code != tt.wantCode || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Fatalf("GET %s = %d %s, want %d with %s", tt.path, rec.Code, rec.Body, tt.wantCode, tt.wantBody)
			}
			if strings.Contains(rec.Body.String(), "refused") {
				t.Fatalf("readiness leaks the error detail: %s", rec.Body)
			}
		})
	}
}
