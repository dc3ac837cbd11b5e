package main

import (
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// stats collects the latencies of a run.
type stats struct {
	mu      sync.Mutex
	acks    []time.Duration
	replies []time.Duration
}

func (s *stats) ack(d time.Duration) {
	if d < 0 {
		return // the platform has no acknowledgement (a Discord DM)
	}
	s.mu.Lock()
	s.acks = append(s.acks, d)
	s.mu.Unlock()
}

func (s *stats) reply(d time.Duration) {
	s.mu.Lock()
	s.replies = append(s.replies, d)
	s.mu.Unlock()
}

// percentiles are the 50th, 90th, 99th percentiles and the maximum of a sample.
type percentiles struct {
	N                  int
	P50, P90, P99, Max time.Duration
}

func percentilesOf(sample []time.Duration) percentiles {
	if len(sample) == 0 {
		return percentiles{}
	}
	s := slices.Clone(sample)
	slices.Sort(s)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(s))+0.5) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return percentiles{N: len(s), P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: s[len(s)-1]}
}

// MarshalJSON writes the percentiles in milliseconds.
func (p percentiles) MarshalJSON() ([]byte, error) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return json.Marshal(struct {
		N     int     `json:"n"`
		P50   float64 `json:"p50_ms"`
		P90   float64 `json:"p90_ms"`
		P99   float64 `json:"p99_ms"`
		MaxMS float64 `json:"max_ms"`
	}{p.N, ms(p.P50), ms(p.P90), ms(p.P99), ms(p.Max)})
}
