//go:build race

package bot_test

// raceDetector: the race detector is on, and allocation counts mean nothing (it allocates on
// its own, and sync.Pool drops what it is given at random).
const raceDetector = true
