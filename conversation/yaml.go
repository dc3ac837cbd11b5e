package conversation

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

// LoadFlow reads and validates a flow file (FLOW_FILE).
func LoadFlow(path string) (*Flow, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load flow: %w", err)
	}
	return ParseFlow(data, path)
}

// ParseFlow decodes and validates a flow. Unknown keys are refused, since a misspelt key would
// otherwise silently drop a setting. Every error is a *FlowError placed at "name:line:col".
func ParseFlow(data []byte, name string) (*Flow, error) {
	var f Flow
	if err := decode(data, &f); err != nil {
		return nil, decodeError(name, err)
	}
	if err := f.Validate(); err != nil {
		var fe *FlowError
		if !errors.As(err, &fe) {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		placed := *fe
		placed.File = name
		placed.Line, placed.Column = locate(data, fe.Path)
		return nil, &placed
	}
	return &f, nil
}

// decode reads data into f. The decoder panics on some malformed files (an empty tag before a
// value that should be a list: goccy/go-yaml#735); that is a file to refuse, not a crash at
// start-up.
func decode(data []byte, f *Flow) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML decoder could not read this file (%v); check its tags (!…) and indentation", r)
		}
	}()
	return yaml.UnmarshalWithOptions(data, f, yaml.Strict())
}

// decodeError turns a go-yaml error into "name:line:col: reason" without its source excerpt.
func decodeError(name string, err error) error {
	fe := &FlowError{File: name, Reason: err.Error(), Err: err}
	var ye yaml.Error
	if errors.As(err, &ye) {
		fe.Reason = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			fe.Line, fe.Column = tk.Position.Line, tk.Position.Column
		}
	}
	return fe
}

// locate finds the line and column of path ("steps[2].kind") in data, falling back to the
// nearest enclosing value that exists, and to the top of the file.
func locate(data []byte, path string) (line, col int) {
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 1, 1
	}
	// The top of the file stands for values that are missing altogether.
	for p := path; p != ""; p = parentPath(p) {
		yp, err := yaml.PathString("$." + p)
		if err == nil {
			if node, err := yp.FilterFile(file); err == nil && node != nil {
				if tk := node.GetToken(); tk != nil && tk.Position != nil {
					return tk.Position.Line, tk.Position.Column
				}
			}
		}
	}
	return 1, 1
}

// parentPath strips the last element: "steps[2].kind" → "steps[2]" → "steps" → "".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}
