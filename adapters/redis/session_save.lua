-- session_save: compare-and-set of one intake session, and the turn's lines in the owner's
-- dialogue with it.
--
-- KEYS[1]  esc:{t}:conv:<identity>  "<version> <session JSON>" (a hash {v, data} before)
-- KEYS[2]  esc:{t}:seen:<event id>  the event's mark (used when ARGV[5] is "1")
-- KEYS[3..5] optional, together: the dialogue, the append's marker and the transcript of
--          keep_lines (dialogue_lines.lua; this script runs behind it and session_turn.lua)
-- ARGV[1]  version the caller loaded (0: the session must not exist yet)
-- ARGV[2]  the new value: "<ARGV[1] + 1> <session JSON>"
-- ARGV[3]  idle TTL in ms; 0 keeps the session without expiry
-- ARGV[4]  how long the event id stays seen, in ms
-- ARGV[5]  "1": the turn has an event id, KEYS[2]
-- ARGV[6..] with KEYS[3..5]: keep_lines' arguments and the lines
--
-- Returns {"ok", new version}, {"duplicate", stored version} when the event id was handled
-- already, or {"conflict", stored version} when the session changed since it was loaded.
-- Guarantees: the write, the TTL, the seen mark and the dialogue's lines happen together or
-- not at all, and only over the version the caller read. A missing session counts as version
-- 0. A session an earlier version kept as a hash is read as such and replaced by the string,
-- which SET writes over a key of any type. The duplicate check comes first: a replayed event
-- must not be retried as a conflict would be.
-- The keyed append of the lines (keep_lines' "2") only looks for its marker (KEYS[4], an
-- append under the key before) and writes none: the compare-and-set and the seen mark make this
-- save happen once, and a later append under the same key (the turn's event answered again,
-- Dialogues.Append) finds the event's mark saying so ("2"; "1" is a save that kept no lines,
-- a submission's, whose lines are appended afterwards).

local evented = ARGV[5] == '1'
-- Read once, for the duplicate's reply and the compare-and-set alike: the session and the seen
-- mark in one MGET (nil for a key of another type: only then is a hash looked for).
local cur
if evented then
  cur = redis.call('MGET', KEYS[1], KEYS[2])
else
  cur = redis.call('MGET', KEYS[1])
end
local stored = 0
if cur[1] then
  local version = string.match(cur[1], '^%d+')
  stored = version and tonumber(version) or -1 -- no version: no save matches it
elseif redis.call('EXISTS', KEYS[1]) == 1 then
  stored = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
end
if cur[2] then
  return {'duplicate', stored}
end
if stored ~= tonumber(ARGV[1]) then
  return {'conflict', stored}
end

-- "2": the event is handled and its turn's lines are kept with it (see keep_lines).
local mark = '1'
if KEYS[5] and ARGV[10] == '2' then
  mark = '2'
end
local seen
if evented then
  seen = KEYS[2]
end
write_turn(KEYS[1], ARGV[2], ARGV[3], seen, mark, ARGV[4])
if KEYS[5] then
  keep_lines(KEYS[3], KEYS[4], KEYS[5], ARGV, 6)
end
return {'ok', stored + 1}
