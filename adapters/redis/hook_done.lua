-- hook_done: move a webhook receiver's cursor on a case forward.
--
-- KEYS[1]  esc:{t}:case:<id>
-- ARGV[1]  the cursor's field, "hook:<receiver>"
-- ARGV[2]  the outbox place (seq) delivered to the receiver
--
-- Returns 1 when the cursor moved, 0 when it was there already or beyond. A case that no
-- longer exists gets no cursor.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if cur >= tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
