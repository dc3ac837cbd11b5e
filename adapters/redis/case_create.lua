-- case_create: give a case the next id and store it with its owner and VIN indexes.
--
-- KEYS[1]  esc:{t}:cases:seq
-- KEYS[2]  esc:{t}:cases:open
-- KEYS[3]  esc:{t}:owner:<owner>
-- KEYS[4]  esc:{t}:vin:<vin>        optional: absent when the case has no VIN
-- ARGV[1]  key prefix "esc:{t}:"
-- ARGV[2]  owner identity
-- ARGV[3]  VIN, or ""
-- ARGV[4]  created at, Unix ms
-- ARGV[5]  doc: JSON of the fields no script touches (answers, summary, owner name, ...)
-- ARGV[6]  posts: JSON array
-- ARGV[7]  display name of the owner, for the audit entry
--
-- Returns {"ok", id}, or {"owner", id} / {"vin", id} naming the open case that blocks this one,
-- in which case nothing was written and no id was used up.
-- Guarantees: the id, the hash, both indexes, the open set and the "created" audit entry appear
-- together. The case and audit keys are built here from ARGV[1] because the id comes from the
-- INCR inside this script; they share the hash tag of KEYS, so the script stays in one Cluster
-- slot. An index that points at a case that no longer exists is treated as free.

local function taken(key)
  local id = redis.call('GET', key)
  if id and redis.call('EXISTS', ARGV[1] .. 'case:' .. id) == 1 then
    return id
  end
  return nil
end

local other = taken(KEYS[3])
if other then
  return {'owner', other}
end
if KEYS[4] then
  other = taken(KEYS[4])
  if other then
    return {'vin', other}
  end
end

local id = string.format('ESC-%d', 1000 + redis.call('INCR', KEYS[1]))
local caseKey = ARGV[1] .. 'case:' .. id
redis.call('HSET', caseKey,
  'status', 'open', 'owner', ARGV[2], 'vin', ARGV[3], 'updated_at', ARGV[4],
  'messages', 0, 'posts', ARGV[6], 'doc', ARGV[5])
redis.call('SET', KEYS[3], id)
if KEYS[4] then
  redis.call('SET', KEYS[4], id)
end
redis.call('ZADD', KEYS[2], ARGV[4], id)
redis.call('XADD', ARGV[1] .. 'audit:' .. id, '*',
  'at', ARGV[4], 'actor', ARGV[2], 'name', ARGV[7], 'action', 'created', 'text', '')
return {'ok', id}
