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
