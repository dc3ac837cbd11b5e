package presentation_test

import (
	"testing"

	"escalation-bot/bot"
	"escalation-bot/presentation"
)

func TestUploadName(t *testing.T) {
	const id = "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name, key, want, tag string
	}{
		{"photo.jpg", "ESC-1001/3f2a9c1e77/thread:C1", "photo.3f2a9c1e.jpg", "3f2a9c1e"},
		{"photo.jpg", "", "photo.01234567.jpg", "01234567"},
		{"scan.v2.pdf", "ESC-1001/ab/thread:C1", "scan.v2.ab.pdf", "ab"},
		{"README", "ESC-1001/3f2a9c1e77/thread:C1", "README.3f2a9c1e", "3f2a9c1e"},
		{"dash light.png", "ESC-1001/3f2a9c1e/", "dash light.3f2a9c1e.png", "3f2a9c1e"},
		{"photo.jpg", "not a key", "photo.01234567.jpg", "01234567"},
	} {
		got := presentation.UploadName(bot.Attachment{ID: id, Name: tc.name}, tc.key)
		if got != tc.want {
			t.Errorf("UploadName(%q, %q) = %q, want %q", tc.name, tc.key, got, tc.want)
		}
		if tag := presentation.UploadTag(got); tag != tc.tag {
			t.Errorf("UploadTag(%q) = %q, want %q", got, tag, tc.tag)
		}
		if tag := presentation.FileTag(tc.key, id); tag != tc.tag {
			t.Errorf("FileTag(%q) = %q, want %q", tc.key, tag, tc.tag)
		}
	}
}
