-- inbox_put: store an inbound event at the end of its lane.
--
-- KEYS[1]  esc:{t}:inbox:lanes      sorted set, member = lane, score = end of its lease (Unix ms), or
--                                   for a lane never leased its arrival (Unix ms - 0.25)
-- KEYS[2]  esc:{t}:inbox:lane:<lane> list of "<seq> <item JSON>"
-- KEYS[3]  esc:{t}:inbox:seq        counter behind seq
-- KEYS[4]  esc:{t}:inbox:seen:<id>  optional: absent when the event has no id
-- ARGV[1]  lane
-- ARGV[2]  item JSON
-- ARGV[3]  how long an id is remembered, in ms
--
-- Returns the item's seq, or 0 when the id was put before (nothing stored).
-- Guarantees: the seen mark, the item and the lane's entry are written together or not at all;
-- a lane being handled keeps its lease (ZADD NX), so its worker finds the new item next; lanes
-- waiting for a worker are taken in the order they arrived. (With one score for all of them,
-- Redis would order them by name, and under load the owners with the last names would wait
-- until no one else does.) The quarter millisecond tells an arrival from a lease end, which is
-- a whole millisecond.

if KEYS[4] and not redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[3]) then
  return 0
end
local seq = redis.call('INCR', KEYS[3])
redis.call('RPUSH', KEYS[2], seq .. ' ' .. ARGV[2])
local t = redis.call('TIME')
local arrived = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - 0.25
redis.call('ZADD', KEYS[1], 'NX', arrived, ARGV[1])
return seq
