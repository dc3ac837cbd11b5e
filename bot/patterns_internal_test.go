package bot

import (
	"testing"

	"escalation-bot/conversation"
)

func TestPatternKey(t *testing.T) {
	tests := []struct {
		model, year, category, want string
	}{
		{"Model Y", "2023", "Battery & charging", "model_y|2023|battery_&_charging"},
		{"Model {3}", "2021", "a:b", "model_3|2021|ab"},
		{"ÉCLAIR X", "2020", "Software", "éclair_x|2020|software"},
		{"Model S", "", "Software", ""},
		{"", "2020", "Software", ""},
	}
	for _, tt := range tests {
		c := Case{Answers: []Answer{
			{Key: conversation.RoleModel, Value: tt.model},
			{Key: conversation.RoleYear, Value: tt.year},
			{Key: conversation.RoleCategory, Value: tt.category},
		}}
		if got := patternKey(c); got != tt.want {
			t.Errorf("patternKey(%q, %q, %q) = %q, want %q", tt.model, tt.year, tt.category, got, tt.want)
		}
	}
}
