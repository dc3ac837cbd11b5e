-- due_take.lua: take the items that are due, so that exactly one caller gets each.
--
-- KEYS[1]  esc:{t}:due   sorted set, member = item JSON, score = due time (Unix ms)
-- ARGV[1]  now (Unix ms)
-- ARGV[2]  at most this many items
--
-- Returns the members taken. The read and the removal happen in one script, so two replicas
-- polling at the same moment never both take an item.
local items = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #items > 0 then
  redis.call('ZREM', KEYS[1], unpack(items))
end
return items
