-- inbox_next: drop a handled item and lease its lane's next one, or free the lane.
--
-- KEYS[1]  esc:{t}:inbox:lanes
-- KEYS[2]  esc:{t}:inbox:lane:<lane>
-- ARGV[1]  lane
-- ARGV[2]  seq of the handled item
-- ARGV[3]  lease, in ms
-- ARGV[4]  "renew": only extend the lease, if the lane still has the item first
--
-- Returns the next element, or false when the lane is empty (then the lane is removed) or was
-- taken over by another worker.
-- Guarantees: only the item that was handled is removed (the head must carry its seq), so a
-- worker whose lease ran out and whose lane was taken over cannot drop another worker's item.

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local head = redis.call('LINDEX', KEYS[2], 0)
local mine = head and string.sub(head, 1, #ARGV[2] + 1) == ARGV[2] .. ' '
if ARGV[4] == 'renew' then
  if mine then
    redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[3]), ARGV[1])
  end
  return false
end
if not mine then
  -- The lease ran out and another worker took the lane over: the lane is theirs now.
  return false
end
redis.call('LPOP', KEYS[2])
local nxt = redis.call('LINDEX', KEYS[2], 0)
if not nxt then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return false
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
return nxt
