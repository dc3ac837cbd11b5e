package web

import _ "embed"

// SampleOwners is the playground's sample owners file (YAML), so ownership checks can be tried
// without a CRM.
//
//go:embed owners.sample.yaml
var SampleOwners []byte
