-- session_load: the owner's session and the gates of one inbound event, and the event's place
-- in the owner's rate window.
--
-- KEYS[1]  esc:{t}:conv:<identity>        "<version> <session JSON>" (a hash {v, data} before)
-- KEYS[2]  esc:{t}:block:<identity>       block JSON, absent when not blocked
-- KEYS[3]  esc:{t}:owner:<identity>       id of the owner's open case, absent when none
-- KEYS[4]  esc:{t}:pause                  pause JSON, absent when intake runs
-- KEYS[5]  esc:{t}:rate:<identity>        counter of the events in the current window
-- KEYS[6]  esc:{t}:seen:<event id>        optional: absent when the event has no id
-- KEYS[7]  esc:{t}:seen:rate:<event id>   optional, with KEYS[6]: the event's place in the window
-- ARGV[1]  "1" counts the event; "0" only reads
-- ARGV[2]  rate window in ms
--
-- Returns {session, seen (0/1), block, open case, pause, recent}; absent values are nil. The
-- session is "<version> <session JSON>" also when it was read from a hash an earlier version
-- kept (session_save.lua replaces it with the string). recent is the event's place in the
-- window, itself included: the place it got when it was first counted, or, when it was never
-- counted, the events counted so far (plus this one when ARGV[1] counts it).
-- Guarantees: an event with an id is counted once per window however often it is loaded (a
-- retry after a conflict, a platform redelivery), and not at all once it was handled, so a
-- burst that collides does not eat the owner's budget; the counter and its mark get their
-- expiry in the same step as the count, so a counter never outlives its window.
--
-- Every key is a string (the seen mark holds "1" or "2"), so one MGET reads them all, and a
-- value where the seen mark is stands for EXISTS; the keys share the tenant's hash tag, one
-- slot in a cluster. MGET answers nil for a key of another type: only then is the session
-- looked for as a hash.

local gates
if KEYS[6] then
  gates = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
else
  gates = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
end
local session, block, open, pause, counted = gates[1], gates[2], gates[3], gates[4], gates[5]
if not session and redis.call('EXISTS', KEYS[1]) == 1 then
  local conv = redis.call('HMGET', KEYS[1], 'v', 'data')
  if conv[1] and conv[2] then
    session = conv[1] .. ' ' .. conv[2]
  end
end
local seen = 0
if gates[6] then
  seen = 1
end

local recent = gates[7]
if not recent then
  -- A handled event is not counted again: its replay changes nothing.
  if ARGV[1] == '1' and seen == 0 then
    if counted then
      -- The counter was created with its expiry (below); INCR keeps it, and a later event
      -- does not stretch the window.
      recent = redis.call('INCR', KEYS[5])
    else
      -- The first event of a window starts it, the count and its expiry in one command.
      recent = 1
      redis.call('SET', KEYS[5], recent, 'PX', ARGV[2])
    end
    if KEYS[7] then
      redis.call('SET', KEYS[7], recent, 'PX', ARGV[2])
    end
  else
    recent = counted or 0
  end
end

return {session or false, seen, block, open, pause, tonumber(recent)}
