// Package ownersfile answers ownership checks (bot.OwnershipChecker) from a file of owners and
// their VINs (OWNERS_FILE), CSV or YAML, read again when it changes.
//
// CSV: one owner a line, then their VINs, comma separated; '#' starts a comment line, and a
// first line "owner,vin…" is a header:
//
//	owner,vin
//	web:ann,5YJ3E1EA7KF317000
//	dana@example.com,5YJSA1E26HF000001,7SAYGDEE6PA000002
//
// YAML: a list of owners, each with its VINs:
//
//	owners:
//	  - owner: web:ann
//	    vins: [5YJ3E1EA7KF317000]
//
// An owner is an identity (web:<name>, slack:<team>:<user>, discord:<user id>) or an e-mail
// address, which matches when the owner's platform tells their address.
package ownersfile

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// Owners maps an owner (an identity, or a lower-case e-mail address) to their VINs.
type Owners map[string]map[string]bool

// Owns reports whether the owner named by id or email owns vin.
func (o Owners) Owns(id bot.Identity, email, vin string) bool {
	if o[string(id)][vin] {
		return true
	}
	email = strings.ToLower(strings.TrimSpace(email))
	return email != "" && o[email][vin]
}

// maxFile bounds what is read of a file.
const maxFile = 32 << 20

// Parse reads an owners file; name's extension (.csv, .yaml, .yml) says which format, and
// without one the content does. Errors name the line.
func Parse(name string, data []byte) (Owners, error) {
	if len(data) > maxFile {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, maxFile>>20)
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return parseCSV(name, data)
	case ".yaml", ".yml":
		return parseYAML(name, data)
	}
	if trimmed := bytes.TrimSpace(data); bytes.HasPrefix(trimmed, []byte("owners:")) || bytes.HasPrefix(trimmed, []byte("---")) {
		return parseYAML(name, data)
	}
	return parseCSV(name, data)
}

func parseCSV(name string, data []byte) (Owners, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.Comment = '#'
	r.TrimLeadingSpace = true
	out := Owners{}
	for first := true; ; first = false {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err) // a csv.ParseError names its line
		}
		line, _ := r.FieldPos(0)
		if first && len(rec) > 0 && isHeader(rec[0]) {
			continue
		}
		if len(rec) < 2 {
			return nil, fmt.Errorf("%s:%d: an owner and at least one VIN, comma separated", name, line)
		}
		if err := out.add(rec[0], rec[1:]); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
}

func isHeader(field string) bool {
	switch strings.ToLower(strings.TrimSpace(field)) {
	case "owner", "identity", "email", "e-mail":
		return true
	}
	return false
}

type yamlFile struct {
	Owners []struct {
		Owner string   `yaml:"owner"`
		VINs  []string `yaml:"vins"`
	} `yaml:"owners"`
}

func parseYAML(name string, data []byte) (Owners, error) {
	var f yamlFile
	if err := decodeYAML(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %s", name, yaml.FormatError(err, false, true))
	}
	out := Owners{}
	for i, o := range f.Owners {
		if len(o.VINs) == 0 {
			return nil, fmt.Errorf("%s: owner %d (%q): no vins", name, i+1, o.Owner)
		}
		if err := out.add(o.Owner, o.VINs); err != nil {
			return nil, fmt.Errorf("%s: owner %d: %w", name, i+1, err)
		}
	}
	return out, nil
}

// decodeYAML reads data into f. The decoder panics on some malformed files (an empty tag
// before a list: goccy/go-yaml#735); that is a file to refuse, not a crash.
func decodeYAML(data []byte, f *yamlFile) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML decoder could not read this file (%v); check its tags (!…) and indentation", r)
		}
	}()
	return yaml.UnmarshalWithOptions(data, f, yaml.Strict())
}

// add checks an owner and their VINs and adds them.
func (o Owners) add(owner string, vins []string) error {
	owner = strings.TrimSpace(owner)
	key := ""
	switch {
	case strings.Contains(owner, ":"):
		id, err := bot.ParseIdentity(owner)
		if err != nil {
			return err
		}
		key = string(id)
	case validEmail(owner):
		key = strings.ToLower(owner)
	default:
		return fmt.Errorf("%q is neither an identity (web:<name>, slack:<team>:<user>, discord:<user id>) nor an e-mail address", trunc(owner))
	}
	if o[key] == nil {
		o[key] = map[string]bool{}
	}
	for _, raw := range vins {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		vin, err := conversation.ValidateVIN(raw)
		var cd *conversation.CheckDigitError
		if err != nil && !errors.As(err, &cd) {
			return fmt.Errorf("%q is not a VIN", trunc(raw))
		}
		o[key][vin] = true
	}
	if len(o[key]) == 0 {
		return fmt.Errorf("%q has no VIN", trunc(owner))
	}
	return nil
}

func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, " \t,<>\"") && len(s) <= 254
}

func trunc(s string) string { return bot.Truncate(s, 40) }

// File is an owners file, read again when its size or modification time changes.
type File struct {
	path string
	log  *slog.Logger

	mu     sync.RWMutex
	owners Owners
	stamp  stamp
}

// stamp tells a changed file.
type stamp struct {
	size int64
	mod  time.Time
}

var _ bot.OwnershipChecker = (*File)(nil)

// Open reads the file at path; an invalid file is an error.
func Open(path string, logger *slog.Logger) (*File, error) {
	if logger == nil {
		logger = slog.Default()
	}
	f := &File{path: path, log: logger.With("adapter", "ownersfile")}
	if _, err := f.Reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// FromData is a File of fixed content, such as the playground's sample.
func FromData(name string, data []byte) (*File, error) {
	owners, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	return &File{owners: owners, log: slog.Default()}, nil
}

// Reload reads the file again if it changed and reports whether it did. A file that changed
// into an invalid one is an error, and the owners read last stay.
func (f *File) Reload() (bool, error) {
	if f.path == "" {
		return false, nil
	}
	info, err := os.Stat(f.path)
	if err != nil {
		return false, fmt.Errorf("owners file: %w", err)
	}
	st := stamp{size: info.Size(), mod: info.ModTime()}
	f.mu.RLock()
	same := f.owners != nil && st == f.stamp
	f.mu.RUnlock()
	if same {
		return false, nil
	}
	data, err := os.ReadFile(f.path)
	if err != nil {
		return false, fmt.Errorf("owners file: %w", err)
	}
	owners, err := Parse(f.path, data)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stamp = st // an invalid file is reported once, not on every look
	if err != nil {
		return false, err
	}
	f.owners = owners
	return true, nil
}

// Watch reloads the file every interval until ctx ends.
func (f *File) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			changed, err := f.Reload()
			switch {
			case err != nil:
				f.log.ErrorContext(ctx, "owners file not reloaded; the last one read stays", "err", err)
			case changed:
				f.mu.RLock()
				n := len(f.owners)
				f.mu.RUnlock()
				f.log.InfoContext(ctx, "owners file reloaded", "owners", n)
			}
		}
	}
}

// CheckOwnership answers verified when the file lists the VIN for the owner's identity or
// e-mail address, and unverified otherwise, with no reason: the owner cannot tell an unknown
// VIN from someone else's.
func (f *File) CheckOwnership(_ context.Context, q bot.OwnershipQuery) (bot.OwnershipAnswer, error) {
	f.mu.RLock()
	owns := f.owners.Owns(q.Identity, q.Email, q.VIN)
	f.mu.RUnlock()
	if owns {
		return bot.OwnershipAnswer{Result: bot.OwnershipVerified}, nil
	}
	return bot.OwnershipAnswer{Result: bot.OwnershipUnverified}, nil
}
