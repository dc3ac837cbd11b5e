-- pattern_read: how many cases of a pattern are open, and the newest of them.
--
-- KEYS[1]  esc:{t}:pattern:<pattern>  the pattern's index (pattern_index.lua)
-- ARGV[1]  the most ids to return
--
-- Returns {total, {id, ...}}: the newest ARGV[1] ids, oldest first.
local key = pattern_index(KEYS[1])
local total = redis.call('ZCARD', key)
local limit = tonumber(ARGV[1])
if limit <= 0 or total == 0 then
  return {total, {}}
end
return {total, redis.call('ZRANGE', key, -limit, -1)}
