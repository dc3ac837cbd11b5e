-- dialogue_lines: the function that appends lines to an owner's dialogue and, for a case, to
-- the case's transcript. It is put in front of the scripts that keep lines
-- (dialogue_append.lua, session_save.lua), so both keep them the same way.
--
-- keep_lines(dialogue, marker, transcript, argv, at, seen, marked):
--   dialogue    esc:{t}:dialogue:<identity>  list of "<at ms> <line JSON>", oldest first
--   marker      esc:{t}:seen:dialogue:<key>  marker of an append done (used when keyed)
--   transcript  esc:{t}:transcript:<case>    list like dialogue, no expiry (used for a case)
--   seen        esc:{t}:seen:<event id>      optional, keyed "1": the event whose turn the
--                                            lines record; "2" when its session save kept them
--   marked      optional, keyed "2": the marker's value, when the caller read it already
--   argv[at]    the most lines the dialogue keeps
--   argv[at+1]  the dialogue's idle TTL in ms, refreshed here (0: no expiry)
--   argv[at+2]  how long the marker is kept, in ms
--   argv[at+3]  the intake's start in ms: a transcript starts with the dialogue's lines since then
--   argv[at+4]  "1": the append is keyed by marker; "2": it is keyed, and made by a session
--               save that marks its event handled (session_save.lua), which looks for the
--               marker without writing it
--   argv[at+5]  "1": the lines belong to the case of transcript
--   argv[at+6]  how many lines there are, n
--   argv[at+7]  the most lines a transcript keeps
--   argv[at+8]  how many of a transcript's first lines are never trimmed (the intake)
--   argv[at+9 .. at+8+n]  the lines, each "<at ms> <line JSON>": one argument each, so that
--               the script need not split them (a pattern match over every byte)
--
-- Guarantees, in one atomic step: an append under a key done before changes nothing (returns
-- 0), and so does one whose event's session save kept the lines (seen holds "2"): a save
-- writes no marker, so that a turn costs Redis no key beyond its event's mark; the dialogue
-- keeps its newest argv[at] lines; the transcript, the first time it is written, is seeded
-- with the dialogue since argv[at+3] (the lines just appended included), and afterwards takes
-- exactly the lines appended for it, so a line is never in it twice. A
-- transcript past argv[at+7] lines loses its oldest lines after the first argv[at+8], and a
-- note ({"role":"note","trimmed":n,...}) stands where they were, counting every line trimmed
-- so far: the record says what it lost.
-- trim_transcript keeps a transcript within tcap lines: past it, the lines after the first
-- head are trimmed, oldest first, and one note stands where they were.
local function trim_transcript(transcript, tcap, head)
  local n = redis.call('LLEN', transcript)
  if n <= tcap then
    return
  end
  local excess = n - tcap
  local stamp, data = string.match(redis.call('LINDEX', transcript, head), '^(%d+) (.*)$')
  local line = cjson.decode(data)
  local trimmed = excess + 1 -- the first line past the head becomes the note
  if line.role == 'note' and tonumber(line.trimmed) then
    trimmed = tonumber(line.trimmed) + excess
  end
  -- A tombstone cannot be a line: lines start with their time.
  for i = head + 1, head + excess do
    redis.call('LSET', transcript, i, '~')
  end
  redis.call('LREM', transcript, excess, '~')
  local note = {role = 'note', at = line.at, trimmed = trimmed,
    text = trimmed .. ' earlier lines were trimmed here: a transcript keeps its first ' .. head .. ' lines and its newest, ' .. tcap .. ' in all.'}
  redis.call('LSET', transcript, head, stamp .. ' ' .. cjson.encode(note))
end

local function keep_lines(dialogue, marker, transcript, argv, at, seen, marked)
  local cap, ttl, keep, since = tonumber(argv[at]), tonumber(argv[at + 1]), tonumber(argv[at + 2]), tonumber(argv[at + 3])
  local keyed, forCase = argv[at + 4], argv[at + 5] == '1'
  if keyed == '1' then
    if not redis.call('SET', marker, '1', 'NX', 'PX', keep) then
      return 0
    end
    if seen and redis.call('GET', seen) == '2' then
      return 0
    end
  elseif keyed == '2' then
    if marked == nil then
      marked = redis.call('EXISTS', marker) == 1
    end
    if marked then
      return 0
    end
  end
  local first, last = at + 9, at + 8 + tonumber(argv[at + 6])
  if last < first then
    return 1
  end
  local fresh = forCase and redis.call('EXISTS', transcript) == 0
  -- A dialogue within its cap has nothing to trim: LTRIM only once RPUSH says it is past it.
  if redis.call('RPUSH', dialogue, unpack(argv, first, last)) > cap then
    redis.call('LTRIM', dialogue, -cap, -1)
  end
  if ttl > 0 then
    redis.call('PEXPIRE', dialogue, ttl)
  end
  if fresh then
    local seed = {}
    for _, v in ipairs(redis.call('LRANGE', dialogue, 0, -1)) do
      if tonumber(string.match(v, '^%d+')) >= since then
        seed[#seed + 1] = v
      end
    end
    -- One RPUSH for the whole seed, a thousand lines at a time (unpack's stack has a limit).
    for i = 1, #seed, 1000 do
      redis.call('RPUSH', transcript, unpack(seed, i, math.min(i + 999, #seed)))
    end
  elseif forCase then
    redis.call('RPUSH', transcript, unpack(argv, first, last))
  end
  if forCase then
    trim_transcript(transcript, tonumber(argv[at + 7]), tonumber(argv[at + 8]))
  end
  return 1
end

