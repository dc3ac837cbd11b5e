package redis

import (
	_ "embed"

	goredis "github.com/redis/go-redis/v9"
)

// The scripts run with EVALSHA and fall back to EVAL once per server when Redis does not know
// them yet. Each file's header states its keys, arguments and guarantees. The scripts that
// keep dialogue lines run behind dialogue_lines.lua, which holds the one way lines are kept.
var (
	//go:embed dialogue_lines.lua
	dialogueLinesLua string
	//go:embed session_load.lua
	sessionLoadLua string
	//go:embed session_save.lua
	sessionSaveLua string
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

	sessionLoad    = goredis.NewScript(sessionLoadLua)
	sessionSave    = goredis.NewScript(dialogueLinesLua + sessionSaveLua)
	caseCreate     = goredis.NewScript(caseCreateLua)
	caseTransition = goredis.NewScript(caseTransitionLua)
	casePost       = goredis.NewScript(casePostLua)
	caseAudit      = goredis.NewScript(caseAuditLua)
	dueTake        = goredis.NewScript(dueTakeLua)
	hookDone       = goredis.NewScript(hookDoneLua)
	inboxPut       = goredis.NewScript(inboxPutLua)
	inboxTake      = goredis.NewScript(inboxTakeLua)
	inboxNext      = goredis.NewScript(inboxNextLua)
	dialogueAppend = goredis.NewScript(dialogueLinesLua + dialogueAppendLua)
	caseErase      = goredis.NewScript(caseEraseLua)
	personErase    = goredis.NewScript(personEraseLua)
)
