-- case_audit: append one line to a case's history and count relayed messages.
--
-- KEYS[1]  esc:{t}:case:<id>
-- KEYS[2]  esc:{t}:audit:<id>
-- ARGV[1]  at, Unix ms
-- ARGV[2]  actor identity
-- ARGV[3]  actor display name
-- ARGV[4]  action (owner_message and exec_message count as relayed messages)
-- ARGV[5]  text
--
-- Returns the stream id of the entry, or false when there is no case.
-- Guarantees: the entry and the message counters (messages, last_exec) change together.

if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local id = redis.call('XADD', KEYS[2], '*',
  'at', ARGV[1], 'actor', ARGV[2], 'name', ARGV[3], 'action', ARGV[4], 'text', ARGV[5])
if ARGV[4] == 'owner_message' or ARGV[4] == 'exec_message' then
  redis.call('HINCRBY', KEYS[1], 'messages', 1)
end
if ARGV[4] == 'exec_message' then
  redis.call('HSET', KEYS[1], 'last_exec', ARGV[1])
end
return id
