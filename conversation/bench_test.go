package conversation

import (
	"testing"
	"time"
)

// BenchmarkEngineTurn is one typical turn: a free-text answer that moves to the next question.
func BenchmarkEngineTurn(b *testing.B) {
	e := NewEngine(DefaultFlow())
	s := e.Start("U1", testNow).Session
	for _, w := range walkThrough {
		if w.step == "description" {
			break
		}
		s = e.Handle(s, Input{Text: w.text}, testNow).Session
	}
	if s.Step != "description" {
		b.Fatalf("at %q", s.Step)
	}
	in := Input{Text: "The car stops charging at 80% at every Supercharger and service could not fix it."}
	now := testNow.Add(time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		res := e.Handle(s, in, now)
		if res.Session.Step != "started" {
			b.Fatalf("at %q", res.Session.Step)
		}
	}
}
