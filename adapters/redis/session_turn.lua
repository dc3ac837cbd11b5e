-- session_turn: the two halves of an intake turn, its read and its write, which the session
-- scripts share (session_load.lua, session_save.lua and session_guess.lua run behind this file).
--
-- read_turn(keys, count, window, extra): the owner's session, the gates of one inbound event and
-- the event's place in the owner's rate window. keys are
--   [1] esc:{t}:conv:<identity>        "<version> <session JSON>" (a hash {v, data} before)
--   [2] esc:{t}:block:<identity>       block JSON, absent when not blocked
--   [3] esc:{t}:owner:<identity>       id of the owner's open case, absent when none
--   [4] esc:{t}:pause                  pause JSON, absent when intake runs
--   [5] esc:{t}:rate:<identity>        counter of the events in the current window
--   [6] esc:{t}:seen:<event id>        optional: absent when the event has no id
--   [7] esc:{t}:seen:rate:<event id>   optional, with [6]: the event's place in the window
-- count "1" counts the event, "0" only reads; window is the rate window in ms; extra, when set,
-- is one more key the caller wants read in the same MGET.
-- Returns {session, seen (0/1), block, open case, pause, recent} (absent values false),
-- whether this read counted the event, in which case the caller marks its place (mark_counted)
-- unless the event is handled in the same script (a handled event is never counted again), and
-- the value of extra.
-- The session is "<version> <session JSON>" also when it was read from a hash an earlier version
-- kept (write_turn replaces it with the string). recent is the event's place in the window,
-- itself included: the place it got when it was first counted, or, when it was never counted,
-- the events counted so far (plus this one when it counts it).
-- Guarantees: an event with an id is counted once per window however often it is read (a
-- retry after a conflict, a platform redelivery), and not at all once it was handled, so a
-- burst that collides does not eat the owner's budget; the counter gets its expiry in the step
-- that creates it, so it never outlives its window.
--
-- Every key is a string (the seen mark holds "1" or "2"), so one MGET reads them all, and a
-- value where the seen mark is stands for EXISTS; the keys share the tenant's hash tag, one
-- slot in a cluster. MGET answers false for a key of another type: only then is the session
-- looked for as a hash.
local function read_turn(keys, count, window, extra)
  local names = {keys[1], keys[2], keys[3], keys[4], keys[5]}
  if keys[6] then
    names[6], names[7] = keys[6], keys[7]
  end
  if extra then
    names[#names + 1] = extra
  end
  local gates = redis.call('MGET', unpack(names))
  local session, block, open, pause, counter = gates[1], gates[2], gates[3], gates[4], gates[5]
  if not session and redis.call('EXISTS', keys[1]) == 1 then
    local conv = redis.call('HMGET', keys[1], 'v', 'data')
    if conv[1] and conv[2] then
      session = conv[1] .. ' ' .. conv[2]
    end
  end
  local seen = 0
  if gates[6] then
    seen = 1
  end
  local recent, counted = gates[7], false
  if not recent then
    -- A handled event is not counted again: its replay changes nothing.
    if count == '1' and seen == 0 then
      if counter then
        -- The counter was created with its expiry (below); INCR keeps it, and a later event
        -- does not stretch the window.
        recent = redis.call('INCR', keys[5])
      else
        -- The first event of a window starts it, the count and its expiry in one command.
        recent = 1
        redis.call('SET', keys[5], recent, 'PX', window)
      end
      counted = keys[7] ~= nil
    else
      recent = counter or 0
    end
  end
  return {session or false, seen, block, open, pause, tonumber(recent)}, counted, extra and gates[#names]
end

-- mark_counted keeps the place an event got in the rate window (keys[7] of read_turn) for the
-- window's length, so that reading the event again finds it instead of counting it again.
local function mark_counted(counted, recent, window)
  redis.call('SET', counted, recent, 'PX', window)
end

-- write_turn stores a turn's session and marks its event handled:
--   conv    esc:{t}:conv:<identity>, written as a string over a key of any type
--   value   "<version> <session JSON>"
--   ttl     idle TTL in ms; 0 keeps the session without expiry (SET drops an expiry it had)
--   seen    esc:{t}:seen:<event id>, or nil when the turn has no event id
--   mark    the event's mark: "2", the event is handled and its turn's lines are kept with it
--           (see keep_lines), else "1"
--   dedupe  how long the mark stays, in ms
local function write_turn(conv, value, ttl, seen, mark, dedupe)
  if tonumber(ttl) > 0 then
    redis.call('SET', conv, value, 'PX', ttl)
  else
    redis.call('SET', conv, value)
  end
  if seen then
    redis.call('SET', seen, mark, 'PX', dedupe)
  end
end
