package discord

import (
	"fmt"
	"net/http"
	"strings"
)

// APIObserver is told the outcome of every REST request, for monitoring: limited when Discord
// answered 429 (discordgo waits and sends again, and the retry is told too), else err when the
// request failed (a network error, a 4xx or 5xx answer). method is the HTTP method and the
// kind of resource, "POST channels", one of a fixed set: ids and tokens never appear in it.
// It must be quick and safe for concurrent use. The Module uses one when the app provides it.
type APIObserver interface {
	APICall(method string, limited bool, err error)
}

// observed tells an APIObserver of every request that passes through it.
type observed struct {
	next http.RoundTripper
	obs  APIObserver
}

func (t observed) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	method := route(req)
	switch {
	case err != nil:
		t.obs.APICall(method, false, err)
	case resp.StatusCode == http.StatusTooManyRequests:
		t.obs.APICall(method, true, fmt.Errorf("discord: HTTP %d", resp.StatusCode))
	case resp.StatusCode >= 400:
		t.obs.APICall(method, false, fmt.Errorf("discord: HTTP %d", resp.StatusCode))
	default:
		t.obs.APICall(method, false, nil)
	}
	return resp, err
}

// resources are the first segments of the REST paths the adapter uses.
var resources = map[string]bool{
	"applications": true, "channels": true, "gateway": true, "guilds": true,
	"interactions": true, "users": true, "webhooks": true,
}

// route names a request by its method and the kind of resource, "PATCH channels": the first
// path segment after /api/v<n>/, or "other".
func route(req *http.Request) string {
	path := strings.TrimPrefix(req.URL.Path, "/")
	if rest, ok := strings.CutPrefix(path, "api/"); ok {
		path = rest
		if strings.HasPrefix(path, "v") {
			_, path, _ = strings.Cut(path, "/")
		}
	}
	first, _, _ := strings.Cut(path, "/")
	if !resources[first] {
		first = "other"
	}
	return req.Method + " " + first
}
