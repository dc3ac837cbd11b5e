-- session_load: the owner's session and the gates of one inbound event, and the event's place
-- in the owner's rate window.
--
-- KEYS[1]  esc:{t}:conv:<identity>        hash {v = version, data = session JSON}
-- KEYS[2]  esc:{t}:block:<identity>       block JSON, absent when not blocked
-- KEYS[3]  esc:{t}:owner:<identity>       id of the owner's open case, absent when none
-- KEYS[4]  esc:{t}:pause                  pause JSON, absent when intake runs
-- KEYS[5]  esc:{t}:rate:<identity>        counter of the events in the current window
-- KEYS[6]  esc:{t}:seen:<event id>        optional: absent when the event has no id
-- KEYS[7]  esc:{t}:seen:rate:<event id>   optional, with KEYS[6]: the event's place in the window
-- ARGV[1]  "1" counts the event; "0" only reads
-- ARGV[2]  rate window in ms
--
-- Returns {version, session JSON, seen (0/1), block, open case, pause, recent}; absent values
-- are nil. recent is the event's place in the window, itself included: the place it got when
-- it was first counted, or, when it was never counted, the events counted so far (plus this one
-- when ARGV[1] counts it).
-- Guarantees: an event with an id is counted once per window however often it is loaded (a
-- retry after a conflict, a platform redelivery), and not at all once it was handled, so a
-- burst that collides does not eat the owner's budget; the counter and its mark get their
-- expiry in the same step as the count, so a counter never outlives its window.
--
-- Every key but KEYS[1] is a string (the seen mark holds "1"), so one MGET reads them all,
-- and a value where the seen mark is stands for EXISTS; the keys share the tenant's hash tag,
-- one slot in a cluster.

local conv = redis.call('HMGET', KEYS[1], 'v', 'data')
local gates
if KEYS[6] then
  gates = redis.call('MGET', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
else
  gates = redis.call('MGET', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
end
local block, open, pause, counted = gates[1], gates[2], gates[3], gates[4]
local seen = 0
if gates[5] then
  seen = 1
end

local recent = gates[6]
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

return {conv[1], conv[2], seen, block, open, pause, tonumber(recent)}
