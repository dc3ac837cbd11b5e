-- pattern_index: the open cases of one pattern (model, year and category, see bot.Case.Pattern)
-- are a sorted set scored by case number, so that the newest few and the count are read without
-- reading them all: a fault shared by thousands of vehicles costs a card what one shared by
-- three does. It is put in front of the scripts that touch the index (case_create.lua,
-- case_transition.lua, case_erase.lua, pattern_read.lua).
--
-- case_number(id)     the number of a case id: "ESC-1042" is 1042
-- pattern_index(key)  key, after turning the plain set an earlier version kept there into the
--                     sorted set (the first script to touch it does, in its own atomic step)
local function case_number(id)
  return tonumber(string.match(id, '(%d+)$')) or 0
end

local function pattern_index(key)
  if redis.call('TYPE', key)['ok'] == 'set' then
    local ids = redis.call('SMEMBERS', key)
    redis.call('DEL', key)
    for _, id in ipairs(ids) do
      redis.call('ZADD', key, case_number(id), id)
    end
  end
  return key
end

