// Package faults holds the fault tests of the whole program ("Nothing lost, nothing doubled";
// docs/ARCHITECTURE.md, "A case change"): the real bot binary over a real redis-server, both killed with SIGKILL at
// random points while many owners run their intake at once and retry what was not
// acknowledged, as Slack, a browser and a person on Discord do. Afterwards every acknowledged
// submission must be exactly one case with exactly one card, its owner told the case id once,
// and every acknowledged answer taken. Over Slack, executives also claim, answer and resolve
// cases under the same faults, and every change must reach the owner, the card and its thread
// exactly once. Two runs change the Redis under the bot instead: over Sentinel the master is
// switched over during the intakes (sentinel_test.go), and three replicas over a Redis Cluster
// behind a round-robin proxy lose one to SIGKILL (replicas_test.go).
//
//	go test -race -run Fault -v ./faults
//
// The knobs (environment variables) are in faults_test.go: FAULTS_OWNERS, FAULTS_KILLS,
// FAULTS_REDIS_RESTARTS, FAULTS_GATEWAY_DROPS, FAULTS_SEED, and the deadlines; FAULTS_CASES
// and FAULTS_EXECUTIVES in slack_exec_test.go.
package faults
