-- session_guess: a turn run on the session this process saved last, read and written in one
-- step: session_load and session_save together, for a guess that holds.
--
-- KEYS[1..7]  read_turn's keys (session_turn.lua, which this script runs behind); KEYS[6] and
--             KEYS[7] are read only when ARGV[7] is "1"
-- KEYS[8..10] optional, together: the dialogue, the append's marker and the transcript of
--             keep_lines (dialogue_lines.lua, which runs in front)
-- ARGV[1]  rate window in ms
-- ARGV[2]  the most events an owner may send in a window
-- ARGV[3]  the guess: the session as the process saved it, "<version> <session JSON>"
-- ARGV[4]  the new value: "<version + 1> <session JSON>"
-- ARGV[5]  idle TTL in ms; 0 keeps the session without expiry
-- ARGV[6]  how long the event id stays seen, in ms
-- ARGV[7]  "1": the turn has an event id, KEYS[6] and KEYS[7]
-- ARGV[8..] with KEYS[8..10]: keep_lines' arguments and the lines
--
-- Returns {"ok", recent} when the turn was saved, else session_load's reply, the event counted
-- as session_load counts it, for the caller to run the turn again on what is stored.
-- Guarantees: the new value is written only over the very value guessed (the whole string, so
-- a session deleted and started again to the same version is no match), for an event not
-- handled yet, with no block and no pause standing and the event within the owner's rate
-- limit: the gates the turn would have found loaded, which a turn of an intake under way
-- reads. Then the write, its TTL, the seen mark and the lines happen together, as in
-- session_save, and the event's place in the window needs no mark: it is handled. Otherwise
-- only the count and its mark happen, as in session_load.

local keys = {KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]}
if ARGV[7] == '1' then
  keys[6], keys[7] = KEYS[6], KEYS[7]
end
-- "2": the lines are kept with the save that marks their event handled (keep_lines' keyed
-- "2"); their append's marker is then read with the gates, and keep_lines need not look for it.
local keeps = KEYS[10] and ARGV[12] == '2'
local marker
if keeps then
  marker = KEYS[9]
end
local turn, counted, marked = read_turn(keys, '1', ARGV[1], marker)
if turn[1] == ARGV[3] and turn[2] == 0 and not turn[3] and not turn[5] and turn[6] <= tonumber(ARGV[2]) then
  -- "2": the event is handled and its turn's lines are kept with it (see keep_lines).
  local mark = '1'
  if keeps then
    mark = '2'
  end
  write_turn(KEYS[1], ARGV[4], ARGV[5], keys[6], mark, ARGV[6])
  if KEYS[10] then
    keep_lines(KEYS[8], KEYS[9], KEYS[10], ARGV, 8, nil, marked)
  end
  return {'ok', turn[6]}
end
if counted then
  mark_counted(keys[7], turn[6], ARGV[1])
end
return turn
