package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPlaygroundRefusesCrossSiteAndForeignHosts(t *testing.T) {
	p := NewPlayground(nil, NewHub(nil), nil)
	mux := http.NewServeMux()
	p.Register(mux)
	tests := []struct {
		name   string
		host   string
		header map[string]string
		want   int
	}{
		{"cross-site browser post", "127.0.0.1:8080", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"foreign origin without fetch metadata", "127.0.0.1:8080", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"DNS rebinding host", "evil.example:8080", nil, http.StatusForbidden},
		{"same-origin page", "localhost:8080", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost:8080"}, http.StatusBadRequest},
		{"curl", "[::1]:8080", nil, http.StatusBadRequest},
		{"public address", "203.0.113.5:8080", nil, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/api/execs/dana/commands", strings.NewReader("not json"))
			req.Host = tt.host
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.want, rec.Body)
			}
			if !strings.HasPrefix(rec.Body.String(), `{"error":`) {
				t.Fatalf("body is not a JSON error: %s", rec.Body)
			}
		})
	}
}
