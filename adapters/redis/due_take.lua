-- due_take: lease the items that are due, so that one caller at a time handles each.
--
-- KEYS[1]  esc:{t}:due   sorted set, member = item JSON, score = due time (Unix ms)
-- ARGV[1]  now (Unix ms)
-- ARGV[2]  end of the lease (Unix ms), after now
-- ARGV[3]  at most this many items
--
-- Returns {member, score, member, score, ...}: the items taken, each with the due time it had.
-- Guarantees: the read and the new scores happen in one script, so two replicas polling at
-- the same moment never both take an item. Taken items stay in the set with the lease end as
-- score: the caller removes them when done (ZREM) or reschedules them; an item whose handler
-- died is due again when the lease ends.

local items = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
for i = 1, #items, 2 do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], items[i])
end
return items
