-- case_erase: erase personal data from one case, and record that it happened.
--
-- KEYS[1]  esc:{t}:case:<id>
-- KEYS[2]  esc:{t}:audit:<id>
-- KEYS[3]  esc:{t}:due                 the due queue, for the erasure's outbox item
-- KEYS[4]  esc:{t}:outbox:<id>          the case's undelivered outbox refs, in order
-- KEYS[5]  esc:{t}:transcript:<id>      the owner's dialogue kept with the case
-- KEYS[6]  esc:{t}:cases:open
-- KEYS[7]  esc:{t}:cases:claimed
-- KEYS[8]  esc:{t}:cases:closed
-- ARGV[1]  key prefix "esc:{t}:"
-- ARGV[2]  case id
-- ARGV[3]  whose data: an identity, or "" for everyone's (retention)
-- ARGV[4]  at, Unix ms
-- ARGV[5]  actor identity (who had it erased)
-- ARGV[6]  actor display name
-- ARGV[7]  text of the erasure's entry (why)
-- ARGV[8]  outbox ref, or "" for none
-- ARGV[9]  outbox item's due time, Unix ms
-- ARGV[10] outbox item: the due queue member to add, or ""
-- ARGV[11] the name the history shows for an erased person
--
-- Returns {"ok", field, value, ...} with the case's hash afterwards; {"missing"} when there is
-- no case; {"erased"} when nothing of the person is left on it (nothing written).
-- Guarantees, in one atomic step:
--   - whole erasure (ARGV[3] is the owner or ""): the doc loses the owner's name, the typed
--     answers (choices stay, for triage and statistics), the summary's title, text, key facts
--     and ask; the hash loses owner, VIN, note, rating comment and watchers, and gets
--     erased_at and erased_by; an open, claimed or pending case is closed (ended now by the actor) and
--     leaves its owner, VIN and pattern indexes and the pending set (the keys ARGV[1] ..
--     "owner:"/"vin:"/"pattern:"/"cases:pending", of the same hash tag, deleted only while they point at this case); the
--     transcript is deleted; every history entry loses its text, except the entries whose text
--     is the bot's own (listed in kept below), and the entries of the owner and watchers lose
--     their actor and name;
--   - a watcher's erasure (ARGV[3] watches the case): only the watcher's place in watchers and
--     the actor, name and text of the watcher's entries;
--   - then the "erase" entry is appended with its outbox item, as case_audit.lua appends.
-- The history is rewritten entry by entry under the same stream ids, so refs, seqs and the
-- order of the case's changes stay as they were.

local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {'missing'}
end
local owner = redis.call('HGET', KEYS[1], 'owner') or ''
local who, at, erased = ARGV[3], ARGV[4], ARGV[11]
local whole = who == '' or who == owner

local watchers = {}
local raw = redis.call('HGET', KEYS[1], 'watchers')
if raw and raw ~= '' and raw ~= '[]' and raw ~= '{}' then
  watchers = cjson.decode(raw)
end

-- persons are the identities whose entries lose actor and name.
local persons = {}
if whole then
  if redis.call('HEXISTS', KEYS[1], 'erased_at') == 1 then
    return {'erased'}
  end
  if owner ~= '' then
    persons[owner] = true
  end
  for _, w in ipairs(watchers) do
    persons[w] = true
  end
else
  local kept, found = {}, false
  for _, w in ipairs(watchers) do
    if w == who then
      found = true
    else
      table.insert(kept, w)
    end
  end
  if not found then
    return {'erased'}
  end
  persons[who] = true
  if #kept == 0 then
    redis.call('HSET', KEYS[1], 'watchers', '[]')
  else
    redis.call('HSET', KEYS[1], 'watchers', cjson.encode(kept))
  end
end

if whole then
  local doc = redis.call('HGET', KEYS[1], 'doc')
  if doc and doc ~= '' then
    local d = cjson.decode(doc)
    d.owner_name = ''
    if type(d.answers) == 'table' then
      if #d.answers == 0 then
        d.answers = nil -- cjson would write {}, which is no JSON array
      end
      for _, a in ipairs(d.answers or {}) do
        if a.choice == nil or a.choice == '' then
          a.value = ''
        end
      end
    end
    if type(d.summary) == 'table' then
      d.summary.title = erased
      d.summary.summary = ''
      d.summary.key_facts = nil
      d.summary.ask = nil
    end
    redis.call('HSET', KEYS[1], 'doc', cjson.encode(d))
  end
  local vin = redis.call('HGET', KEYS[1], 'vin') or ''
  local id = ARGV[2]
  local function unindex(key)
    if redis.call('GET', key) == id then
      redis.call('DEL', key)
    end
  end
  if owner ~= '' then
    unindex(ARGV[1] .. 'owner:' .. owner)
  end
  if vin ~= '' then
    unindex(ARGV[1] .. 'vin:' .. vin)
  end
  if status == 'open' or status == 'claimed' or status == 'pending' then
    redis.call('ZREM', KEYS[6], id)
    redis.call('ZREM', KEYS[7], id)
    redis.call('ZREM', ARGV[1] .. 'cases:pending', id)
    redis.call('ZADD', KEYS[8], at, id)
    redis.call('HSET', KEYS[1], 'status', 'closed', 'ended_at', at, 'ended_by', ARGV[5])
    local pattern = redis.call('HGET', KEYS[1], 'pattern')
    if pattern and pattern ~= '' then
      redis.call('ZREM', pattern_index(ARGV[1] .. 'pattern:' .. pattern), id)
    end
  end
  redis.call('HSET', KEYS[1], 'owner', '', 'vin', '', 'note', '', 'rating_comment', '', 'watchers', '[]',
    'erased_at', at, 'erased_by', ARGV[5], 'updated_at', at)
  redis.call('DEL', KEYS[5])
end

-- The entries whose text the bot wrote itself, without anyone's words: they keep it on a whole
-- erasure. rate's text is the rating, a number.
local kept = {assign = true, remind = true, escalate = true, nudge = true, pattern = true, rate = true,
  claim = true, release = true, reopen = true, erase = true, created = true}
local entries = redis.call('XRANGE', KEYS[2], '-', '+')
redis.call('DEL', KEYS[2])
for _, e in ipairs(entries) do
  local f = e[2]
  local action, actor = '', ''
  for i = 1, #f, 2 do
    if f[i] == 'action' then
      action = f[i + 1]
    elseif f[i] == 'actor' then
      actor = f[i + 1]
    end
  end
  local person = persons[actor] == true
  local out = {}
  for i = 1, #f, 2 do
    local k, v = f[i], f[i + 1]
    if k == 'file' and (person or whole) then
      -- A file's description names it and its sender: both go, with the file itself.
      local ok, meta = pcall(cjson.decode, v)
      if ok and type(meta) == 'table' and type(meta.id) == 'string' and meta.id ~= '' then
        redis.call('DEL', ARGV[1] .. 'file:' .. meta.id)
      end
      k = nil
    elseif k == 'text' and (person and action ~= 'rate' or whole and not kept[action]) then
      v = ''
    elseif k == 'actor' and person then
      v = ''
    elseif k == 'name' and person then
      v = erased
    end
    if k then
      table.insert(out, k)
      table.insert(out, v)
    end
  end
  redis.call('XADD', KEYS[2], e[1], unpack(out))
end

local fields = {'at', at, 'actor', ARGV[5], 'name', ARGV[6], 'action', 'erase', 'text', ARGV[7]}
if ARGV[10] ~= '' then
  local seq = redis.call('HINCRBY', KEYS[1], 'outbox_seq', 1)
  for _, v in ipairs({'ref', ARGV[8], 'seq', seq}) do
    table.insert(fields, v)
  end
  redis.call('ZADD', KEYS[3], ARGV[9], ARGV[10])
  redis.call('ZADD', KEYS[4], seq, ARGV[8])
end
redis.call('XADD', KEYS[2], '*', unpack(fields))

local reply = redis.call('HGETALL', KEYS[1])
table.insert(reply, 1, 'ok')
return reply
