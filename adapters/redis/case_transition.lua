-- case_transition: move a case from one of the allowed statuses to another, for every
-- transition (claim, assign, release, resolve, close, reopen).
--
-- KEYS[1]  esc:{t}:case:<id>
-- KEYS[2]  esc:{t}:audit:<id>
-- KEYS[3]  esc:{t}:cases:open
-- KEYS[4]  esc:{t}:cases:claimed
-- KEYS[5]  esc:{t}:cases:resolved
-- KEYS[6]  esc:{t}:cases:closed
-- KEYS[7]  esc:{t}:owner:<owner>    the owner the caller read from the hash
-- KEYS[8]  esc:{t}:due              the due queue, for the change's outbox item
-- KEYS[9]  esc:{t}:vin:<vin>        read only when vin is not ""
-- KEYS[10] esc:{t}:seen:audit:<event id>  read only when event is not ""
-- KEYS[11] esc:{t}:outbox:<id>      the case's undelivered outbox refs, in order
-- KEYS[12] esc:{t}:cases:pending
-- ARGV[1]  one JSON object of strings, the named arguments:
--   prefix        key prefix "esc:{t}:"
--   id            case id
--   from          statuses allowed now, comma separated
--   to            status to move to
--   at            Unix ms
--   actor, name   the actor's identity and display name
--   claimer, claimer_name   the claimer (to claimed)
--   note          the note (to resolved or closed)
--   action, text  the audit entry's action and text
--   owner         owner the caller read (KEYS[7] is its index)
--   vin           VIN the caller read, or "" (KEYS[9] is its index)
--   only_claimer  when not "", the case must be claimed by this identity
--   ref           outbox ref: kept on the audit entry as "ref", or "" for none
--   due_at        outbox item's due time, Unix ms
--   member        outbox item: the due queue member to add, or "" for none
--   event         event id: a transition asked for by a platform event is made once per event
--   seen_ms       how long the event id stays seen, in ms
--
-- Returns {"ok", field, value, ...} with the updated hash; {"duplicate", field, value, ...}
-- with the hash when the event was handled before (checked first: a replay is a duplicate
-- whatever the status is now); {"wrong", field, value, ...} with
-- the unchanged hash when the status is not allowed; {"notclaimer", field, value, ...} with the
-- unchanged hash when only_claimer is set and is not the claimer; {"owner", id} or {"vin", id}
-- when a reopen would give the owner or the vehicle a second open case; {"moved"} when the
-- owner or VIN of the hash is no longer what the caller read (nothing written: read again and
-- retry); {"missing"} when there is no case.
-- Guarantees: the checks (status first, then the claimer), the change, the move between the
-- status sets, the index update, the audit entry and its outbox item happen together or not
-- at all, so of N
-- concurrent claims exactly one succeeds. To open (reopen, release) clears the note, the end
-- and the claim; to claimed from an ended status clears the note and the end; resolve and
-- close set the note and the end and keep the claim fields, as the record of who had the
-- case. The only keys built here are the case hashes of the ids the indexes hold
-- (prefix .. "case:" .. id), which the caller cannot know without reading first, and the
-- case's pattern index (pattern_index.lua: prefix .. "pattern:" .. the hash's pattern); they
-- share the hash tag of KEYS, so the script stays in one Cluster slot.
-- A pending case (held until its owner is verified) holds its owner's index but neither the
-- VIN's nor the pattern index. The VIN index is taken only by a case whose ownership is verified
-- or was not checked; a held case let through (pending to open) takes it only when it is free.
-- The action verify sets ownership to verified.

local a = cjson.decode(ARGV[1])
local setOf = {open = KEYS[3], claimed = KEYS[4], resolved = KEYS[5], closed = KEYS[6], pending = KEYS[12]}
local to = a.to
if not setOf[to] then
  return redis.error_reply('ERR unknown status ' .. to)
end

local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {'missing'}
end
local seenKey = nil
if a.event ~= '' then
  seenKey = KEYS[10]
end
if seenKey and redis.call('EXISTS', seenKey) == 1 then
  local reply = redis.call('HGETALL', KEYS[1])
  table.insert(reply, 1, 'duplicate')
  return reply
end
local stored = redis.call('HMGET', KEYS[1], 'owner', 'vin')
if (stored[1] or '') ~= a.owner or (stored[2] or '') ~= a.vin then
  return {'moved'}
end

local function refuse(outcome)
  local reply = redis.call('HGETALL', KEYS[1])
  table.insert(reply, 1, outcome)
  return reply
end

local allowed = false
for s in string.gmatch(a.from, '[^,]+') do
  if s == status then
    allowed = true
  end
end
if not allowed then
  return refuse('wrong')
end
if a.only_claimer ~= '' and redis.call('HGET', KEYS[1], 'claimed_by') ~= a.only_claimer then
  return refuse('notclaimer')
end

local id, at = a.id, a.at
local ownerKey, vinKey = KEYS[7], nil
if a.vin ~= '' then
  vinKey = KEYS[9]
end
local wasOpen = status == 'open' or status == 'claimed'
local willBeOpen = to == 'open' or to == 'claimed'
local heldOwner = wasOpen or status == 'pending'
local holdsOwner = willBeOpen or to == 'pending'
local ownership = redis.call('HGET', KEYS[1], 'ownership')
if a.action == 'verify' then
  ownership = 'verified'
end
local indexVIN = not ownership or ownership == '' or ownership == 'verified'

-- Another live case holding an index refuses a reopen, before anything is written.
local function holder(key)
  local other = redis.call('GET', key)
  if other and other ~= id and redis.call('EXISTS', a.prefix .. 'case:' .. other) == 1 then
    return other
  end
  return nil
end

if holdsOwner and not heldOwner then
  local other = holder(ownerKey)
  if other then
    return {'owner', other}
  end
end
if willBeOpen and not wasOpen and vinKey and indexVIN then
  local other = holder(vinKey)
  if other and status ~= 'pending' then
    return {'vin', other}
  end
  if not other then
    redis.call('SET', vinKey, id)
  end
end
if holdsOwner and not heldOwner then
  redis.call('SET', ownerKey, id)
elseif heldOwner and not holdsOwner then
  -- the case ends and frees its indexes, if they are still its own
  if redis.call('GET', ownerKey) == id then
    redis.call('DEL', ownerKey)
  end
end
if wasOpen and not willBeOpen and vinKey and redis.call('GET', vinKey) == id then
  redis.call('DEL', vinKey)
end
if a.action == 'verify' then
  redis.call('HSET', KEYS[1], 'ownership', 'verified')
end

-- The case's pattern index holds the case while it is open.
local pattern = redis.call('HGET', KEYS[1], 'pattern')
if pattern and pattern ~= '' and wasOpen ~= willBeOpen then
  local index = pattern_index(a.prefix .. 'pattern:' .. pattern)
  if willBeOpen then
    redis.call('ZADD', index, case_number(id), id)
  else
    redis.call('ZREM', index, id)
  end
end

if willBeOpen then
  -- an open case has no resolution note, no end and no verdict on its resolution: a
  -- reopened card must not show them
  redis.call('HDEL', KEYS[1], 'note', 'ended_at', 'ended_by', 'confirmed_at', 'rating', 'rated_at', 'rating_comment')
end
if to == 'claimed' then
  redis.call('HSET', KEYS[1], 'claimed_by', a.claimer, 'claimed_by_name', a.claimer_name, 'claimed_at', at)
  redis.call('HSETNX', KEYS[1], 'first_claimed_at', at)
elseif to == 'open' then
  redis.call('HDEL', KEYS[1], 'claimed_by', 'claimed_by_name', 'claimed_at')
else
  redis.call('HSET', KEYS[1], 'note', a.note, 'ended_at', at, 'ended_by', a.actor)
end

redis.call('HSET', KEYS[1], 'status', to, 'updated_at', at)
redis.call('ZREM', setOf[status], id)
redis.call('ZADD', setOf[to], at, id)
local fields = {'at', at, 'actor', a.actor, 'name', a.name, 'action', a.action, 'text', a.text}
if a.member ~= '' then
  local seq = redis.call('HINCRBY', KEYS[1], 'outbox_seq', 1)
  for _, v in ipairs({'ref', a.ref, 'seq', seq}) do
    table.insert(fields, v)
  end
  redis.call('ZADD', KEYS[8], a.due_at, a.member)
  redis.call('ZADD', KEYS[11], seq, a.ref)
end
redis.call('XADD', KEYS[2], '*', unpack(fields))
if seenKey then
  redis.call('SET', seenKey, '1', 'PX', a.seen_ms)
end

local reply = redis.call('HGETALL', KEYS[1])
table.insert(reply, 1, 'ok')
return reply
