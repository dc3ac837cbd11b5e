package bot

import "testing"

func TestActorMatches(t *testing.T) {
	tests := []struct {
		id    Identity
		roles []string
		list  []string
		want  bool
	}{
		{"web:dana", nil, []string{"web:*"}, true},
		{"slack:T1:U1", nil, []string{"web:*"}, false},
		{"slack:T1:U1", nil, []string{"slack:*"}, true},
		{"slack:T1:U1", nil, []string{"slack:*:U1"}, true},
		{"slack:T1:U2", nil, []string{"slack:*:U1"}, false},
		{"slack:T1:U1", nil, []string{"slack:T1:U1"}, true},
		{"discord:5", []string{"role:9"}, []string{"role:9"}, true},
		{"discord:5", []string{"role:8"}, []string{"role:9"}, false},
		{"discord:5", nil, []string{"*"}, true},
		{"discord:5", nil, nil, false},
		{"web:a:b", nil, []string{"web:*"}, true},
	}
	for _, tt := range tests {
		if got := (Actor{ID: tt.id, Roles: tt.roles}).matches(tt.list); got != tt.want {
			t.Errorf("%s %v matches %v = %v, want %v", tt.id, tt.roles, tt.list, got, tt.want)
		}
	}
}

func TestClaimersArePerPlatform(t *testing.T) {
	s := &Service{cfg: Config{Claimers: []string{"group:S1", "role:9"}}}
	tests := []struct {
		a    Actor
		want bool
	}{
		{Actor{ID: "slack:T1:U1", Roles: []string{"group:S1"}}, true},
		{Actor{ID: "slack:T1:U2"}, false},
		{Actor{ID: "discord:5", Roles: []string{"role:9"}}, true},
		{Actor{ID: "discord:6", Roles: []string{"role:8"}}, false},
		{Actor{ID: "web:dana"}, true}, // the lists say nothing about the playground
	}
	for _, tt := range tests {
		if got := s.CanClaim(tt.a); got != tt.want {
			t.Errorf("CanClaim(%s %v) = %v, want %v", tt.a.ID, tt.a.Roles, got, tt.want)
		}
	}
	only := &Service{cfg: Config{Claimers: []string{"web:dana"}}}
	if only.CanClaim(Actor{ID: "web:eve"}) || !only.CanClaim(Actor{ID: "web:dana"}) || !only.CanClaim(Actor{ID: "slack:T:U"}) {
		t.Error("an identity list restricts its own platform only")
	}
}
