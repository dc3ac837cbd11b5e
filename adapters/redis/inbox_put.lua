-- inbox_put: store an inbound event at the end of its lane.
--
-- KEYS[1]  esc:{t}:inbox:lanes      sorted set, member = lane, score = end of its lease (Unix ms; 0: free)
-- KEYS[2]  esc:{t}:inbox:lane:<lane> list of "<seq> <item JSON>"
-- KEYS[3]  esc:{t}:inbox:seq        counter behind seq
-- KEYS[4]  esc:{t}:inbox:seen:<id>  optional: absent when the event has no id
-- ARGV[1]  lane
-- ARGV[2]  item JSON
-- ARGV[3]  how long an id is remembered, in ms
--
-- Returns the item's seq, or 0 when the id was put before (nothing stored).
-- Guarantees: the seen mark, the item and the lane's entry are written together or not at all;
-- a lane being handled keeps its lease (ZADD NX), so its worker finds the new item next.

if KEYS[4] and not redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[3]) then
  return 0
end
local seq = redis.call('INCR', KEYS[3])
redis.call('RPUSH', KEYS[2], seq .. ' ' .. ARGV[2])
redis.call('ZADD', KEYS[1], 'NX', 0, ARGV[1])
return seq
