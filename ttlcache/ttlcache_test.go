package ttlcache

import (
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	c := New[string](50*time.Millisecond, 2)
	c.Put("a", "1")
	if v, ok := c.Get("a"); !ok || v != "1" {
		t.Fatalf("Get(a) = %q %v", v, ok)
	}
	if c.Add("a", "2") {
		t.Fatal("Add over a live entry")
	}
	c.Put("b", "2")
	c.Put("c", "3") // full: one entry makes room
	n := 0
	for _, k := range []string{"a", "b", "c"} {
		if _, ok := c.Get(k); ok {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d entries, want 2", n)
	}
	time.Sleep(60 * time.Millisecond)
	if _, ok := c.Get("c"); ok {
		t.Fatal("expired entry returned")
	}
	if !c.Add("c", "4") {
		t.Fatal("Add over an expired entry refused")
	}
}
