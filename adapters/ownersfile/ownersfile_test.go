package ownersfile_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"escalation-bot/adapters/ownersfile"
	"escalation-bot/bot"
)

const (
	vinAnn = "5YJ3E1EA4KF317001"
	vinBen = "5YJSA1E29HF000002"
	vinCar = "7SAYGDEE7PA000003"
)

func TestParse(t *testing.T) {
	csv := "owner,vin\n# the first owners\nweb:ann, 5yj3-e1ea4kf317001\nDana@Example.com," + vinBen + "," + vinCar + "\n"
	yaml := "owners:\n  - owner: web:ann\n    vins: [" + vinAnn + "]\n  - owner: dana@example.com\n    vins: [" + vinBen + ", " + vinCar + "]\n"
	for name, data := range map[string]string{"owners.csv": csv, "owners.yaml": yaml, "owners": yaml, "list": csv} {
		o, err := ownersfile.Parse(name, []byte(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tests := []struct {
			id    bot.Identity
			email string
			vin   string
			want  bool
		}{
			{"web:ann", "", vinAnn, true},
			{"web:ann", "", vinBen, false},
			{"web:bob", "", vinAnn, false},
			{"slack:T1:U2", "dana@EXAMPLE.com", vinCar, true},
			{"slack:T1:U2", "", vinCar, false},
			{"slack:T1:U2", "someone@example.com", vinBen, false},
		}
		for _, tt := range tests {
			if got := o.Owns(tt.id, tt.email, tt.vin); got != tt.want {
				t.Errorf("%s: Owns(%s, %q, %s) = %v", name, tt.id, tt.email, tt.vin, got)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"a.csv", "web:ann\n", "a.csv:1:"},
		{"a.csv", "owner,vin\nweb:ann," + vinAnn + "\nweb:ben,NOTAVIN\n", "a.csv:3:"},
		{"a.csv", "ann," + vinAnn + "\n", "neither an identity"},
		{"a.csv", "web:<b>," + vinAnn + "\n", "playground name"},
		{"a.yaml", "owners:\n  - owner: web:ann\n    vin: [" + vinAnn + "]\n", "vin"},
		{"a.yaml", "owners:\n  - owner: web:ann\n", "no vins"},
		{"a.yaml", "owners: [", "a.yaml"},
	}
	for _, tt := range tests {
		_, err := ownersfile.Parse(tt.name, []byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%s, %q) = %v, want an error with %q", tt.name, tt.data, err, tt.want)
		}
	}
}

// The file is read again while it is watched: a VIN added is verified, one removed no longer
// is, and a broken file keeps the owners read last.
func TestReloadedWhileWatched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "owners.csv")
	write := func(data string) {
		t.Helper()
		// Write then rename, as an editor or a config map does, with a new modification time.
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	write("web:ann," + vinAnn + "\n")
	f, err := ownersfile.Open(path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f.Watch(ctx, 5*time.Millisecond) }()
	t.Cleanup(func() { cancel(); <-done })

	check := func(id bot.Identity, vin string) bot.Ownership {
		ans, err := f.CheckOwnership(ctx, bot.OwnershipQuery{Identity: id, VIN: vin})
		if err != nil {
			t.Fatal(err)
		}
		return ans.Result
	}
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for range 2000 {
			if ok() {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("never: %s", what)
	}
	if check("web:ben", vinBen) != bot.OwnershipUnverified || check("web:ann", vinAnn) != bot.OwnershipVerified {
		t.Fatal("first file not read")
	}
	write("web:ann," + vinAnn + "\nweb:ben," + vinBen + " \n")
	eventually("ben added", func() bool { return check("web:ben", vinBen) == bot.OwnershipVerified })
	write("web:ben,this is not a vin\n")
	// The broken file is seen (its stamp taken), and ann stays verified.
	time.Sleep(50 * time.Millisecond)
	if check("web:ann", vinAnn) != bot.OwnershipVerified {
		t.Fatal("a broken file dropped the owners read last")
	}
	write("web:ben," + vinBen + "\n")
	eventually("ann removed", func() bool { return check("web:ann", vinAnn) == bot.OwnershipUnverified })
}

// Not verified reads the same for a VIN nobody owns and for someone else's.
func TestNoLeak(t *testing.T) {
	f, err := ownersfile.FromData("o.csv", []byte("web:ann,"+vinAnn+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := f.CheckOwnership(context.Background(), bot.OwnershipQuery{Identity: "web:eve", VIN: vinAnn})
	nobody, _ := f.CheckOwnership(context.Background(), bot.OwnershipQuery{Identity: "web:eve", VIN: vinBen})
	if other != nobody || other.Result != bot.OwnershipUnverified {
		t.Errorf("someone else's VIN %+v, nobody's %+v", other, nobody)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("owners.csv", "owner,vin\nweb:ann,"+vinAnn+"\n")
	f.Add("owners.csv", "a@b.c,"+vinAnn+","+vinBen+"\n#x\n\"web:ann\","+vinCar)
	f.Add("owners.yaml", "owners:\n  - owner: web:ann\n    vins: ["+vinAnn+"]\n")
	f.Add("owners", "owners: [{owner: discord:123456789012345678, vins: ["+vinBen+"]}]")
	f.Fuzz(func(t *testing.T, name, data string) {
		o, err := ownersfile.Parse(name, []byte(data))
		if err != nil {
			return
		}
		for owner, vins := range o {
			if owner == "" || len(vins) == 0 {
				t.Fatalf("owner %q with %d VINs", owner, len(vins))
			}
			for vin := range vins {
				if len(vin) != 17 || strings.ToUpper(vin) != vin {
					t.Fatalf("VIN %q kept", vin)
				}
			}
		}
	})
}
