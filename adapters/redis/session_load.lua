-- session_load: the owner's session and the gates of one inbound event, and the event's place
-- in the owner's rate window (read_turn in session_turn.lua, which this script runs behind).
--
-- KEYS[1..7]  read_turn's keys; KEYS[6] and KEYS[7] absent when the event has no id
-- ARGV[1]  "1" counts the event; "0" only reads
-- ARGV[2]  rate window in ms
--
-- Returns read_turn's reply {session, seen (0/1), block, open case, pause, recent}. The
-- event's place is marked in the step that counts it.

local turn, counted = read_turn(KEYS, ARGV[1], ARGV[2])
if counted then
  mark_counted(KEYS[7], turn[6], ARGV[2])
end
return turn
