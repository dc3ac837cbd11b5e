-- person_erase: delete what is kept of a person outside cases.
--
-- KEYS[1]  esc:{t}:conv:<identity>       the session
-- KEYS[2]  esc:{t}:dialogue:<identity>   the dialogue
-- KEYS[3]  esc:{t}:owner:<identity>      the index of the person's open case
-- KEYS[4]  esc:{t}:rate:<identity>       the person's rate counter
-- KEYS[5]  esc:{t}:due                   the due queue
-- KEYS[6]  esc:{t}:owns:<identity>      the VINs moderators verified the person owns
-- KEYS[7]  esc:{t}:seen:<event id>       optional: the request's event, marked handled
-- ARGV[1]  how long the event stays seen, in ms
-- ARGV[2..] pairs of due members naming the person: the member, and its replacement without
--          the person ("" to remove it), at the same score
--
-- Guarantees, in one atomic step: the five keys are gone, each due member listed is replaced
-- (at its score) or removed if it is still queued (one taken and finished meanwhile is left
-- alone), and the event is marked seen.
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[6])
for i = 2, #ARGV, 2 do
  local old, new = ARGV[i], ARGV[i + 1]
  local score = redis.call('ZSCORE', KEYS[5], old)
  if score then
    redis.call('ZREM', KEYS[5], old)
    if new ~= '' then
      redis.call('ZADD', KEYS[5], score, new)
    end
  end
end
if KEYS[7] then
  redis.call('SET', KEYS[7], '1', 'PX', ARGV[1])
end
return 1
