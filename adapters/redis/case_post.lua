-- case_post: record where a case card was posted.
--
-- KEYS[1]  esc:{t}:case:<id>
-- ARGV[1]  channel ("slack:C0123")
-- ARGV[2]  message reference in that channel
--
-- Returns 1, or 0 when there is no case.
-- Guarantees: one entry per channel: posting again to a channel replaces its reference, so a
-- retried post never lists a channel twice. Other posts keep their order.

if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local raw = redis.call('HGET', KEYS[1], 'posts')
local posts = {}
if raw and raw ~= '' then
  posts = cjson.decode(raw)
end
local replaced = false
for _, p in ipairs(posts) do
  if p.channel == ARGV[1] then
    p.ref = ARGV[2]
    replaced = true
  end
end
if not replaced then
  table.insert(posts, {channel = ARGV[1], ref = ARGV[2]})
end
redis.call('HSET', KEYS[1], 'posts', cjson.encode(posts))
return 1
