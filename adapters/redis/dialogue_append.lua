-- Appends lines to an owner's dialogue and, for a case, to the case's transcript.
--
-- KEYS[1]  esc:{t}:dialogue:<identity>  list of "<at ms> <line JSON>", oldest first
-- KEYS[2]  esc:{t}:seen:dialogue:<key>  marker of an append done (used when ARGV[5] is "1")
-- KEYS[3]  esc:{t}:transcript:<case>    list like KEYS[1], no expiry (used when ARGV[6] is "1")
-- ARGV[1]  the most lines the dialogue keeps
-- ARGV[2]  the dialogue's idle TTL in ms, refreshed here (0: no expiry)
-- ARGV[3]  how long the marker is kept, in ms
-- ARGV[4]  the intake's start in ms: a transcript starts with the dialogue's lines since then
-- ARGV[5]  "1": the append is keyed by KEYS[2]
-- ARGV[6]  "1": the lines belong to the case of KEYS[3]
-- ARGV[7..] the lines
--
-- Guarantees, in one atomic step: an append under a key done before changes nothing (returns
-- 0); the dialogue keeps its newest ARGV[1] lines; the transcript, the first time it is
-- written, is seeded with the dialogue since ARGV[4] (the lines just appended included), and
-- afterwards takes exactly the lines appended for it, so a line is never in it twice.
local cap, ttl, keep, since = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if ARGV[5] == '1' then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', keep) then
    return 0
  end
end
local first = 7
if #ARGV < first then
  return 1
end
local fresh = ARGV[6] == '1' and redis.call('EXISTS', KEYS[3]) == 0
for i = first, #ARGV do
  redis.call('RPUSH', KEYS[1], ARGV[i])
end
redis.call('LTRIM', KEYS[1], -cap, -1)
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
if fresh then
  for _, v in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
    if tonumber(string.match(v, '^%d+')) >= since then
      redis.call('RPUSH', KEYS[3], v)
    end
  end
elseif ARGV[6] == '1' then
  for i = first, #ARGV do
    redis.call('RPUSH', KEYS[3], ARGV[i])
  end
end
return 1
