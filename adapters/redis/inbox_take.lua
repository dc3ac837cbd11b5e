-- inbox_take: lease lanes whose lease is over (or that never had one) and return their first items.
--
-- KEYS[1]  esc:{t}:inbox:lanes
-- ARGV[1]  lease, in ms
-- ARGV[2]  at most this many lanes
-- ARGV[3]  key prefix of the lane lists, "esc:{t}:inbox:lane:"
--
-- Returns {lane, element, redelivered, lane, element, redelivered, ...}; redelivered is 1 when
-- the lane had a lease before (its worker died, or gave the item back to retry later), so the
-- item may have been handled already and its answer lost, and no later item waits behind it;
-- else 0. Lane lists are named from ARGV[3] rather than
-- passed as keys because which lanes are free is known only here; they share the tenant's
-- hash tag, so on Redis Cluster they live in the same slot.
-- Time is the server's (TIME), so replicas whose clocks differ agree on when a lease ends.
-- Guarantees: reading and leasing happen in one script, so two replicas never take one lane.

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- Oldest first: lanes waiting longest (by arrival, or by the end of a lease that ran out).
local lanes = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #lanes, 2 do
  local lane = lanes[i]
  local head = redis.call('LINDEX', ARGV[3] .. lane, 0)
  if head then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), lane)
    out[#out + 1] = lane
    out[#out + 1] = head
    -- Redelivered only when nothing follows: an owner with a later event waiting has moved on
    -- and is answered by it.
    -- A lane never leased has score 0 (stored before arrivals were kept) or its arrival, which
    -- is not a whole millisecond (inbox_put).
    local score = tonumber(lanes[i + 1])
    local again = score > 0 and score % 1 == 0 and redis.call('LLEN', ARGV[3] .. lane) == 1
    out[#out + 1] = again and '1' or '0'
  else
    redis.call('ZREM', KEYS[1], lane)
  end
end
return out
