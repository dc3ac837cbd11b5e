package faults

import (
	"fmt"
	"testing"

	"escalation-bot/conversation"
	"escalation-bot/xtest/intaketest"
	"escalation-bot/xtest/ownertest"
)

// newPersona is owner n of a fault run: the answers of the other tests, with a ticket and a
// vehicle of their own (a second report of a VIN with an open case joins that case).
func newPersona(n int, name string) ownertest.Persona {
	a := intaketest.Answers()
	a["ticket"] = fmt.Sprintf("SR-%05d", 20000+n)
	a["vin"] = vinFor(n)
	return ownertest.Persona{N: n, Name: name, Answers: a}
}

// vinFor is a valid VIN of its own for owner n.
func vinFor(n int) string { return ownertest.VIN('3', 100000+n) }

// The owners' VINs are ones the bot accepts without asking, each different.
func TestFaultHarnessVINs(t *testing.T) {
	seen := map[string]bool{}
	for n := range 999 {
		v := vinFor(n)
		if _, err := conversation.ValidateVIN(v); err != nil {
			t.Fatalf("vinFor(%d) = %s: %v", n, v, err)
		}
		if seen[v] {
			t.Fatalf("vinFor(%d) = %s twice", n, v)
		}
		seen[v] = true
	}
	if vinFor(0) == intaketest.ValidVIN {
		t.Fatal("an owner shares the VIN of the other tests")
	}
}
