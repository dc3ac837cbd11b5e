// Package intaketest holds what tests of every adapter type into the default intake flow.
package intaketest

// ValidVIN has a correct ISO 3779 check digit.
const ValidVIN = "1HGCM82633A004352"

// Answers returns what a typical owner types at each step of the default flow, keyed by step
// id; a fresh map each time, so a test may change its copy.
func Answers() map[string]string {
	return map[string]string{
		"ticket":         "SR-20931",
		"model":          "Model 3",
		"year":           "2019",
		"vin":            ValidVIN,
		"odometer":       "45,000 miles",
		"location":       "Austin, Texas, USA",
		"category":       "2",
		"service_center": "Austin North",
		"safe":           "yes",
		"description":    "The car stopped charging three weeks ago and the service center has had it since without a fix.",
		"started":        "about three weeks ago",
		"outcome":        "A working car, or a loaner until it is fixed.",
	}
}
