package redis

import (
	_ "embed"

	goredis "github.com/redis/go-redis/v9"
)

// The scripts run with EVALSHA and fall back to EVAL once per server when Redis does not know
// them yet. Each file's header states its keys, arguments and guarantees. The scripts that
// keep dialogue lines run behind dialogue_lines.lua, which holds the one way lines are kept, the
// session scripts behind session_turn.lua, which holds a turn's read and write;
// those that touch a pattern's index behind pattern_index.lua.
var (
	//go:embed dialogue_lines.lua
	dialogueLinesLua string
	//go:embed pattern_index.lua
	patternIndexLua string
	//go:embed pattern_read.lua
	patternReadLua string
	//go:embed session_turn.lua
	sessionTurnLua string
	//go:embed session_load.lua
	sessionLoadLua string
	//go:embed session_save.lua
	sessionSaveLua string
	//go:embed session_guess.lua
	sessionGuessLua string
	//go:embed case_create.lua
	caseCreateLua string
	//go:embed case_transition.lua
	caseTransitionLua string
	//go:embed case_post.lua
	casePostLua string
	//go:embed case_audit.lua
	caseAuditLua string
	//go:embed due_take.lua
	dueTakeLua string
	//go:embed hook_done.lua
	hookDoneLua string
	//go:embed inbox_put.lua
	inboxPutLua string
	//go:embed inbox_take.lua
	inboxTakeLua string
	//go:embed inbox_next.lua
	inboxNextLua string
	//go:embed dialogue_append.lua
	dialogueAppendLua string
	//go:embed case_erase.lua
	caseEraseLua string
	//go:embed person_erase.lua
	personEraseLua string

	caseTransition = goredis.NewScript(patternIndexLua + caseTransitionLua)
	caseAudit      = goredis.NewScript(caseAuditLua)
	dueTake        = goredis.NewScript(dueTakeLua)
	hookDone       = goredis.NewScript(hookDoneLua)
	inboxTake      = goredis.NewScript(inboxTakeLua)
	inboxNext      = goredis.NewScript(inboxNextLua)
	caseErase      = goredis.NewScript(patternIndexLua + caseEraseLua)
	personErase    = goredis.NewScript(personEraseLua)

	// Run through a store's batcher (see batch.go).
	sessionLoad    = newHotScript(sessionTurnLua + sessionLoadLua)
	caseCreate     = newHotScript(patternIndexLua + caseCreateLua)
	casePost       = newHotScript(casePostLua)
	patternRead    = newHotScript(patternIndexLua + patternReadLua)
	dialogueAppend = newHotScript(dialogueLinesLua + dialogueAppendLua)
	sessionSave    = newHotScript(dialogueLinesLua + sessionTurnLua + sessionSaveLua)
	sessionGuess   = newHotScript(dialogueLinesLua + sessionTurnLua + sessionGuessLua)
	inboxPut       = newHotScript(inboxPutLua)
)

// hotScript is a script whose command the caller builds in one slice: go-redis's Script.Run
// copies the keys into a slice of its own and boxes the command's name, the hash and every key
// again on each call, which the intake turn's two scripts, run on every turn, can spare. A
// batcher sends its commands, and falls back to EVAL when Redis does not know it yet, as
// Script.Run does.
type hotScript struct {
	evalsha, eval any // the command names
	hash, src     any
}

func newHotScript(src string) hotScript {
	return hotScript{evalsha: "evalsha", eval: "eval", hash: goredis.NewScript(src).Hash(), src: src}
}

// args starts a command of the script with room for keys keys and n arguments: the caller
// appends the keys, then the arguments.
func (s hotScript) args(keys, n int) []any {
	args := make([]any, 3, 3+keys+n)
	args[0], args[1], args[2] = s.evalsha, s.hash, keys
	return args
}
