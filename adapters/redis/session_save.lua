-- session_save: compare-and-set of one intake session.
--
-- KEYS[1]  esc:{t}:conv:<identity>  hash {v = version, data = session JSON}
-- KEYS[2]  esc:{t}:seen:<event id>  optional: absent when the turn has no event id
-- ARGV[1]  version the caller loaded (0: the session must not exist yet)
-- ARGV[2]  session JSON, already carrying version ARGV[1] + 1
-- ARGV[3]  idle TTL in ms; 0 keeps the session without expiry
-- ARGV[4]  how long the event id stays seen, in ms
--
-- Returns {"ok", new version}, {"duplicate", stored version} when the event id was handled
-- already, or {"conflict", stored version} when the session changed since it was loaded.
-- Guarantees: the write, the TTL and the seen mark happen together or not at all, and only
-- over the version the caller read. A missing session counts as version 0. The duplicate
-- check comes first: a replayed event must not be retried as a conflict would be.

if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1 then
  return {'duplicate', tonumber(redis.call('HGET', KEYS[1], 'v') or '0')}
end

local stored = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if stored ~= tonumber(ARGV[1]) then
  return {'conflict', stored}
end

local version = stored + 1
redis.call('HSET', KEYS[1], 'v', version, 'data', ARGV[2])
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
else
  redis.call('PERSIST', KEYS[1])
end
if KEYS[2] then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
end
return {'ok', version}
