-- wrk script: simulated runners posting Alexa request envelopes to POST /alexa.
--
-- Run with one connection per wrk thread (-t N -c N): request() and response() then alternate
-- in each thread's Lua state, so the answer always belongs to the runner that just spoke and
-- its session attributes can be carried to that runner's next turn, as Alexa does.
--
-- Arguments (after --), all built by bench/script.py:
--   tag  runners_per_connection  locales(comma-separated)  envelope_template  session...
-- A session is its steps (request fragments), one a line, then a line LOOP, then the steps
-- repeated until the skill ends the session or, in the loop, the answer carries no routine in
-- progress ('"progress":null', script.ROUTINE_OVER, in the carried state's JSON text: the
-- routine is over and the runner walks away).
-- done() prints one line: BENCH_RESULT <json>.

-- The carried state is JSON text inside the answer (its quotes escaped); a skill that carries
-- it as an object (the tree before issue 9, for comparisons) has it unescaped.
local function routine_over(body)
   return string.find(body, '"state":"{\\"progress\\":null', 1, true) ~= nil
      or string.find(body, '"progress":null', 1, true) ~= nil
end

local MAX_TURNS_PER_SESSION = 60
-- gunicorn's workers each accept from the shared socket: the first one awake can take every
-- connection wrk opens at once and leave the other idle for the whole run. Closing a
-- connection now and then lets the less busy worker pick up its replacement, as it would in
-- production where connections come and go.
local RECONNECT_EVERY = 200
local sent = 0
local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local parts, slots = {}, {}   -- the template: literal parts and the slot names between them
local sessions = {}           -- each: {steps = {...}, loop = {...}}
local locales = {}
local runners = {}
local current = 1             -- the runner whose turn it is (moves on in response())
local tag

-- counters read by done() through thread:get
ok, errors, session_starts, bad_status, no_speech = 0, 0, 0, 0, 0

local function split_lines(text)
   local lines = {}
   for line in string.gmatch(text, "[^\n]+") do table.insert(lines, line) end
   return lines
end

local function parse_template(template)
   local position = 1
   while true do
      local first, last, name = string.find(template, "@(%u+)@", position)
      if not first then break end
      table.insert(parts, string.sub(template, position, first - 1))
      table.insert(slots, name)
      position = last + 1
   end
   table.insert(parts, string.sub(template, position))
end

function init(args)
   tag = args[1]
   local per_connection = tonumber(args[2])
   for locale in string.gmatch(args[3], "[^,]+") do table.insert(locales, locale) end
   parse_template(args[4])
   for i = 5, #args do
      local session, target = {steps = {}, loop = {}}, "steps"
      for _, line in ipairs(split_lines(args[i])) do
         if line == "LOOP" then target = "loop" else table.insert(session[target], line) end
      end
      table.insert(sessions, session)
   end
   for i = 1, per_connection do
      local index = id * per_connection + (i - 1)
      table.insert(runners, {
         index = index,
         session = index % #sessions,   -- 0-based, like bench/script.py
         turn = 0,
         in_session = false,
         session_id = "",
         attributes = "{}",
         serial = 0,
      })
   end
   math.randomseed(id + 1)
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
end

local function step_of(runner)
   local session = sessions[runner.session + 1]
   if runner.turn < #session.steps then return session.steps[runner.turn + 1] end
   return session.loop[((runner.turn - #session.steps) % #session.loop) + 1]
end

local stamp_second, stamp = -1, ""
local function timestamp()
   local now = os.time()
   if now ~= stamp_second then
      stamp_second, stamp = now, os.date("!%Y-%m-%dT%H:%M:%SZ", now)
   end
   return stamp
end

local function fill(values)
   local out = {}
   for i = 1, #slots do
      out[#out + 1] = parts[i]
      out[#out + 1] = values[slots[i]]
   end
   out[#out + 1] = parts[#parts]
   return table.concat(out)
end

-- No side effect but the serial: wrk calls request() once more than it sends, in thread 0,
-- to check the script (script_verify_request); the runner moves on in response().
function request()
   local runner = runners[current]
   runner.serial = runner.serial + 1
   if not runner.in_session then
      runner.session_id = string.format("%s-%d-%d", tag, runner.index, runner.serial)
   end
   local person = ""
   if runner.index % 3 == 0 then
      person = '"person":{"personId":"amzn1.ask.person.P' .. runner.index .. '"},'
   end
   local body = fill({
      NEW = runner.in_session and "false" or "true",
      SESSION = runner.session_id,
      USER = string.format("BENCH%sR%06d", tag, runner.index),
      PERSON = person,
      DEVICE = string.format("D%06d", runner.index),
      ATTRS = runner.in_session and runner.attributes or "{}",
      REQID = string.format("%s-%d-%d-%d", tag, runner.index, runner.serial, math.random(1e9)),
      TS = timestamp(),
      LOCALE = locales[runner.index % #locales + 1],
      REQUEST = step_of(runner),
   })
   sent = sent + 1
   if sent % RECONNECT_EVERY == 0 then
      local closing = {["Content-Type"] = "application/json", ["Connection"] = "close"}
      return wrk.format(nil, nil, closing, body)
   end
   return wrk.format(nil, nil, nil, body)
end

-- The session attributes object, as text. Lua's balanced match (%b{}) finds its closing brace
-- in C: walking the answer byte by byte in Lua cost this generator about 10 µs more per answer
-- when the state travels as escaped JSON text, CPU taken from the server on the same cores.
-- Braces are balanced inside every string the skill puts there (the state's JSON text, ids);
-- were one not, the next request would be malformed JSON and counted as an error.
local function session_attributes(body)
   local _, key_end = string.find(body, '"sessionAttributes"', 1, true)
   if not key_end then return "{}" end
   local first, last = string.find(body, "%b{}", key_end)
   return first and string.sub(body, first, last) or "{}"
end

local function end_session(runner)
   runner.session = (runner.session + 1) % #sessions
   runner.turn, runner.in_session, runner.attributes = 0, false, "{}"
end

local function take(runner, status, body)
   local fragment = step_of(runner)
   local silent = string.find(fragment, '"SessionEndedRequest"', 1, true) ~= nil
   if status ~= 200 then
      errors, bad_status = errors + 1, bad_status + 1
      end_session(runner)
      return
   end
   if not silent and not string.find(body, '"outputSpeech"', 1, true) then
      errors, no_speech = errors + 1, no_speech + 1
      end_session(runner)
      return
   end
   ok = ok + 1
   if not runner.in_session then session_starts = session_starts + 1 end
   local session = sessions[runner.session + 1]
   -- Plain finds (compact JSON, as both the skill and the baseline answer): a pattern would
   -- try a match at every quote of the answer, and the carried state is full of them.
   if silent
      or string.find(body, '"shouldEndSession":true', 1, true)
      or (#session.loop == 0 and runner.turn + 1 >= #session.steps)
      or (runner.turn >= #session.steps and routine_over(body))
      or runner.turn + 1 >= MAX_TURNS_PER_SESSION then
      end_session(runner)
   else
      runner.turn, runner.in_session = runner.turn + 1, true
      runner.attributes = session_attributes(body)
   end
end

function response(status, headers, body)
   take(runners[current], status, body)
   current = current % #runners + 1
end

function done(summary, latency, requests)
   local totals = {ok = 0, errors = 0, session_starts = 0, bad_status = 0, no_speech = 0}
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do
         totals[name] = totals[name] + (tonumber(thread:get(name)) or 0)
      end
   end
   -- The latency histogram (µs:count for each distinct value), so that runs can be merged.
   local histogram = {}
   for i = 1, #latency do
      local value, count = latency(i)
      histogram[i] = string.format("%d:%d", value, count)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"ok":%d,"script_errors":%d,"session_starts":%d,"bad_status":%d,"no_speech":%d,' ..
      '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,' ..
      '"timeouts":%d,"histogram":"%s"}\n',
      summary.requests, summary.duration, summary.bytes,
      totals.ok, totals.errors, totals.session_starts, totals.bad_status, totals.no_speech,
      e.connect, e.read, e.write, e.status, e.timeout, table.concat(histogram, ",")))
end
