-- case_create: store a case under a reserved id with its owner and VIN indexes.
--
-- KEYS[1]  esc:{t}:case:<id>
-- KEYS[2]  esc:{t}:audit:<id>
-- KEYS[3]  esc:{t}:cases:<status>   open, or pending for a case held until its owner is verified
-- KEYS[4]  esc:{t}:owner:<owner>
-- KEYS[5]  esc:{t}:due              the due queue, for the creation's outbox item
-- KEYS[6]  esc:{t}:outbox:<id>      the case's undelivered outbox refs, in order
-- KEYS[7]  esc:{t}:vin:<vin>        optional: absent when the case has no VIN, is pending, or its
--                                    owner is not verified (it neither joins nor blocks that VIN)
-- ARGV[1]  key prefix "esc:{t}:"
-- ARGV[2]  case id
-- ARGV[3]  owner identity
-- ARGV[4]  VIN, or ""
-- ARGV[5]  created at, Unix ms
-- ARGV[6]  doc: JSON of the fields no script touches (answers, summary, owner name, ...)
-- ARGV[7]  posts: JSON array
-- ARGV[8]  watchers: JSON array
-- ARGV[9]  display name of the owner, for the audit entry
-- ARGV[10] outbox ref of the creation, or "" for none
-- ARGV[11] outbox item's due time, Unix ms
-- ARGV[12] outbox item: the due queue member to add, or ""
-- ARGV[13] webhook receivers, comma separated: each starts with its cursor at 0 (hook:<name>)
-- ARGV[14] pattern: model, year and category of the case, or "" (the open case joins the
--          set ARGV[1] .. "pattern:" .. ARGV[14], a key of the same hash tag)
-- ARGV[15] status: open or pending (a pending case holds its owner's index, not the pattern set)
-- ARGV[16] ownership: verified, unverified, unknown, or "" when no check ran
--
-- Returns {"ok"}; {"exists", field, value, ...} with the stored hash when the id is already a
-- case (nothing written); or {"owner", id} / {"vin", id} naming the other open case that
-- blocks this one (nothing written).
-- Guarantees: the existence check comes first, so a retried creation returns the case it
-- made even though the indexes now point at it. The hash, both indexes, the open set and the
-- "created" audit entry appear together or not at all. An index that points at a case that
-- no longer exists is treated as free. The only key built here is the case hash of the id an
-- index holds (ARGV[1] .. "case:" .. id), which the caller cannot know without reading first;
-- it shares the hash tag of KEYS, so the script stays in one Cluster slot.

if redis.call('EXISTS', KEYS[1]) == 1 then
  local reply = redis.call('HGETALL', KEYS[1])
  table.insert(reply, 1, 'exists')
  return reply
end

local function taken(key)
  local id = redis.call('GET', key)
  if id and id ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. 'case:' .. id) == 1 then
    return id
  end
  return nil
end

local other = taken(KEYS[4])
if other then
  return {'owner', other}
end
if KEYS[7] then
  other = taken(KEYS[7])
  if other then
    return {'vin', other}
  end
end

local id, at = ARGV[2], ARGV[5]
redis.call('HSET', KEYS[1],
  'status', ARGV[15], 'owner', ARGV[3], 'vin', ARGV[4], 'updated_at', at,
  'messages', 0, 'posts', ARGV[7], 'watchers', ARGV[8], 'doc', ARGV[6])
redis.call('SET', KEYS[4], id)
if KEYS[7] then
  redis.call('SET', KEYS[7], id)
end
redis.call('ZADD', KEYS[3], at, id)
if ARGV[14] ~= '' then
  redis.call('HSET', KEYS[1], 'pattern', ARGV[14])
  if ARGV[15] == 'open' then
    redis.call('SADD', ARGV[1] .. 'pattern:' .. ARGV[14], id)
  end
end
if ARGV[16] ~= '' then
  redis.call('HSET', KEYS[1], 'ownership', ARGV[16])
end
for name in string.gmatch(ARGV[13], '[^,]+') do
  redis.call('HSET', KEYS[1], 'hook:' .. name, 0)
end
local fields = {'at', at, 'actor', ARGV[3], 'name', ARGV[9], 'action', 'created', 'text', ''}
if ARGV[12] ~= '' then
  local seq = redis.call('HINCRBY', KEYS[1], 'outbox_seq', 1)
  for _, v in ipairs({'ref', ARGV[10], 'seq', seq}) do
    table.insert(fields, v)
  end
  redis.call('ZADD', KEYS[5], ARGV[11], ARGV[12])
  redis.call('ZADD', KEYS[6], seq, ARGV[10])
end
redis.call('XADD', KEYS[2], '*', unpack(fields))
return {'ok'}
