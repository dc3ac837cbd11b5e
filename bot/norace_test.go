//go:build !race

package bot_test

// raceDetector: see race_test.go.
const raceDetector = false
