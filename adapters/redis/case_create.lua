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
-- ARGV[1]  one JSON object of strings, the named arguments:
--   prefix     key prefix "esc:{t}:"
--   id         case id
--   owner      owner identity
--   vin        VIN, or ""
--   at         created at, Unix ms
--   doc        JSON of the fields no script touches (answers, summary, owner name, ...)
--   posts      JSON array
--   watchers   JSON array
--   name       display name of the owner, for the audit entry
--   ref        outbox ref of the creation, or "" for none
--   due_at     outbox item's due time, Unix ms
--   member     outbox item: the due queue member to add, or ""
--   hooks      webhook receivers, comma separated: each starts with its cursor at 0 (hook:<name>)
--   pattern    model, year and category of the case, or "" (the open case joins the index
--              prefix .. "pattern:" .. pattern, a key of the same hash tag: pattern_index.lua)
--   status     open or pending (a pending case holds its owner's index, not the pattern index)
--   ownership  verified, unverified, unknown, or "" when no check ran
--
-- Returns {"ok"}; {"exists", field, value, ...} with the stored hash when the id is already a
-- case (nothing written); or {"owner", id} / {"vin", id} naming the other open case that
-- blocks this one (nothing written).
-- Guarantees: the existence check comes first, so a retried creation returns the case it
-- made even though the indexes now point at it. The hash, both indexes, the open set and the
-- "created" audit entry appear together or not at all. An index that points at a case that
-- no longer exists is treated as free. The only key built here is the case hash of the id an
-- index holds (prefix .. "case:" .. id), which the caller cannot know without reading first;
-- it shares the hash tag of KEYS, so the script stays in one Cluster slot.

local a = cjson.decode(ARGV[1])

if redis.call('EXISTS', KEYS[1]) == 1 then
  local reply = redis.call('HGETALL', KEYS[1])
  table.insert(reply, 1, 'exists')
  return reply
end

local function taken(key)
  local id = redis.call('GET', key)
  if id and id ~= a.id and redis.call('EXISTS', a.prefix .. 'case:' .. id) == 1 then
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

local id, at = a.id, a.at
redis.call('HSET', KEYS[1],
  'status', a.status, 'owner', a.owner, 'vin', a.vin, 'updated_at', at,
  'messages', 0, 'posts', a.posts, 'watchers', a.watchers, 'doc', a.doc)
redis.call('SET', KEYS[4], id)
if KEYS[7] then
  redis.call('SET', KEYS[7], id)
end
redis.call('ZADD', KEYS[3], at, id)
if a.pattern ~= '' then
  redis.call('HSET', KEYS[1], 'pattern', a.pattern)
  if a.status == 'open' then
    redis.call('ZADD', pattern_index(a.prefix .. 'pattern:' .. a.pattern), case_number(id), id)
  end
end
if a.ownership ~= '' then
  redis.call('HSET', KEYS[1], 'ownership', a.ownership)
end
for name in string.gmatch(a.hooks, '[^,]+') do
  redis.call('HSET', KEYS[1], 'hook:' .. name, 0)
end
local fields = {'at', at, 'actor', a.owner, 'name', a.name, 'action', 'created', 'text', ''}
if a.member ~= '' then
  local seq = redis.call('HINCRBY', KEYS[1], 'outbox_seq', 1)
  for _, v in ipairs({'ref', a.ref, 'seq', seq}) do
    table.insert(fields, v)
  end
  redis.call('ZADD', KEYS[5], a.due_at, a.member)
  redis.call('ZADD', KEYS[6], seq, a.ref)
end
redis.call('XADD', KEYS[2], '*', unpack(fields))
return {'ok'}
