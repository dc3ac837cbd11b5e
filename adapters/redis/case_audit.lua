-- case_audit: append one line to a case's history, with the checks and counters it implies.
--
-- KEYS[1]  esc:{t}:case:<id>
-- KEYS[2]  esc:{t}:audit:<id>
-- KEYS[3]  esc:{t}:due                    the due queue, for the entry's outbox item
-- KEYS[4]  esc:{t}:outbox:<id>             the case's undelivered outbox refs, in order
-- KEYS[5]  esc:{t}:seen:audit:<event id>  read only when event is not ""
-- KEYS[6]  esc:{t}:vin:<vin>              read only by verify and unverify, when vin is not ""
-- ARGV[1]  one JSON object of strings, the named arguments:
--   prefix        key prefix "esc:{t}:"
--   id            case id
--   at            Unix ms
--   actor, name   the actor's identity and display name
--   action, text  the entry's action and text
--   event         the entry's event id (KEYS[5] is its seen mark), or ""
--   seen_ms       how long the event id stays seen, in ms
--   ref           outbox ref: kept on the entry as "ref", or "" for none
--   due_at        outbox item's due time, Unix ms
--   member        outbox item: the due queue member to add, or "" for none
--   via           the channel an executive's message was written in, or ""
--   file          the JSON of a file entry's file (without its bytes), or ""
--   vin           the case's VIN as the caller read it (KEYS[6] is its index), or ""
--
-- Returns {"ok", stream id}; {"missing"} when there is no case; {"duplicate"} when the event
-- id was appended already; {"wrong", field, value, ...} with the hash when the action needs a
-- status (see needs below) and the case is in another.
-- Guarantees: the checks, the seen mark, the entry, its outbox item (in the due queue and in
-- the case's outbox order) and the case fields change together or not at all. The order is: case exists, event not seen, status; so a refused entry leaves no seen
-- mark behind and a replayed event is reported as a duplicate whatever the status is now.
-- owner_message and exec_message count as relayed messages (messages); exec_message sets
-- last_exec and first_exec (once), owner_message last_owner; remind counts reminders;
-- escalate sets escalated_at (once); confirm sets confirmed_at; rate sets rating (the text)
-- and rated_at; comment sets rating_comment; attach adds the actor to the watchers JSON
-- array, once; verify and unverify set ownership to verified and unverified; language sets
-- language (the owner's, which overrides the one in doc).
-- The VIN index follows ownership as at creation: verify makes a live case hold its VIN's
-- index when no other live case holds it, and unverify lets go of it when the case holds it;
-- both only when vin is the case's VIN (a case erased meanwhile has none). The only key
-- built here is the case hash of the id the VIN index holds (prefix .. "case:" .. id), of
-- the same hash tag as KEYS, so the script stays in one Cluster slot.

-- The statuses an action needs; an action not listed takes any status.
local live = {open = true, claimed = true}
local needs = {
  owner_message = live, exec_message = live, attach = live,
  remind = {open = true}, escalate = {open = true},
  nudge = {claimed = true},
  confirm = {resolved = true}, rate = {resolved = true}, comment = {resolved = true},
  verify = live, unverify = {open = true, claimed = true, pending = true},
}
local a = cjson.decode(ARGV[1])
local action, at = a.action, a.at

local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {'missing'}
end
local seenKey = nil
if a.event ~= '' then
  seenKey = KEYS[5]
end
if seenKey and redis.call('EXISTS', seenKey) == 1 then
  return {'duplicate'}
end
if needs[action] and not needs[action][status] then
  local reply = redis.call('HGETALL', KEYS[1])
  table.insert(reply, 1, 'wrong')
  return reply
end
if seenKey then
  redis.call('SET', seenKey, '1', 'PX', a.seen_ms)
end

local fields = {'at', at, 'actor', a.actor, 'name', a.name, 'action', action, 'text', a.text}
if a.via ~= '' then
  table.insert(fields, 'via')
  table.insert(fields, a.via)
end
if a.file ~= '' then
  table.insert(fields, 'file')
  table.insert(fields, a.file)
end
if a.member ~= '' then
  local seq = redis.call('HINCRBY', KEYS[1], 'outbox_seq', 1)
  for _, v in ipairs({'ref', a.ref, 'seq', seq}) do
    table.insert(fields, v)
  end
  redis.call('ZADD', KEYS[3], a.due_at, a.member)
  redis.call('ZADD', KEYS[4], seq, a.ref)
end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
if action == 'owner_message' or action == 'exec_message' then
  redis.call('HINCRBY', KEYS[1], 'messages', 1)
end
if action == 'exec_message' then
  redis.call('HSET', KEYS[1], 'last_exec', at)
  redis.call('HSETNX', KEYS[1], 'first_exec', at)
elseif action == 'owner_message' then
  redis.call('HSET', KEYS[1], 'last_owner', at)
elseif action == 'remind' then
  redis.call('HINCRBY', KEYS[1], 'reminders', 1)
elseif action == 'escalate' then
  redis.call('HSETNX', KEYS[1], 'escalated_at', at)
elseif action == 'confirm' then
  redis.call('HSET', KEYS[1], 'confirmed_at', at)
elseif action == 'rate' then
  redis.call('HSET', KEYS[1], 'rating', a.text, 'rated_at', at)
elseif action == 'comment' then
  redis.call('HSET', KEYS[1], 'rating_comment', a.text)
elseif action == 'verify' then
  redis.call('HSET', KEYS[1], 'ownership', 'verified')
elseif action == 'unverify' then
  redis.call('HSET', KEYS[1], 'ownership', 'unverified')
end
local vin, id_of_case = a.vin, a.id
if (action == 'verify' or action == 'unverify') and vin ~= '' and redis.call('HGET', KEYS[1], 'vin') == vin then
  local holder = redis.call('GET', KEYS[6])
  if action == 'unverify' then
    if holder == id_of_case then
      redis.call('DEL', KEYS[6])
    end
  elseif (status == 'open' or status == 'claimed') and holder ~= id_of_case then
    -- an index that points at a case that no longer exists is free
    if not holder or redis.call('EXISTS', a.prefix .. 'case:' .. holder) == 0 then
      redis.call('SET', KEYS[6], id_of_case)
    end
  end
end
if action == 'language' then
  redis.call('HSET', KEYS[1], 'language', a.text)
end
if action == 'attach' then
  local raw = redis.call('HGET', KEYS[1], 'watchers')
  local watchers = {}
  if raw and raw ~= '' then
    watchers = cjson.decode(raw)
  end
  local known = false
  for _, w in ipairs(watchers) do
    if w == a.actor then
      known = true
    end
  end
  if not known then
    table.insert(watchers, a.actor)
    redis.call('HSET', KEYS[1], 'watchers', cjson.encode(watchers))
  end
end
return {'ok', id}
