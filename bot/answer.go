package bot

import (
	"fmt"
	"strings"
)

// File is a file a command hands over, such as a case's transcript.
type File struct {
	Name        string // e.g. "ESC-1042.md"
	ContentType string // e.g. "text/markdown"
	Data        []byte
}

// CommandAnswer is what a moderator command gives back, meant only for the actor: a text, and files
// that each platform delivers its own way (a Slack file in a DM, a Discord attachment). A
// caller that cannot hand over files shows the text alone.
type CommandAnswer struct {
	Text  string
	Files []File
}

// FileNames lists the answer's files, "ESC-1042.md, ESC-1042.json".
func (a CommandAnswer) FileNames() string {
	names := make([]string, len(a.Files))
	for i, f := range a.Files {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// CheckFiles refuses, with a message for the actor that says the sizes, files a platform
// would not take: more than maxFiles of them, or one larger than maxSize bytes. A file is
// never cut to fit, since a transcript cut short reads as complete.
func (a CommandAnswer) CheckFiles(platform string, maxSize int64, maxFiles int) error {
	if len(a.Files) > maxFiles {
		return Errorf(CodeInvalid, "That is %d files; %s takes at most %d at once, so none was sent.", len(a.Files), platform, maxFiles)
	}
	for _, f := range a.Files {
		if int64(len(f.Data)) > maxSize {
			return Errorf(CodeInvalid, "%s is %s, more than the %s %s takes for a file, so it was not sent.", f.Name, Size(int64(len(f.Data))), Size(maxSize), platform)
		}
	}
	return nil
}

// Size writes a number of bytes for people: 512 bytes, 14.2 KiB, 25 MiB.
func Size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + []string{"KiB", "MiB", "GiB", "TiB"}[i]
}
