-- sms.lua - wrk script: inbound SMS the way Kannel's get-url sends them
--
--   PHONES=file TOKEN=secret PREFIX=run1 wrk -s bench/sms.lua URL
--
-- Every request has a unique provider id (PREFIX-thread-counter) and the
-- sender is drawn from PHONES (one imported member number a line), so
-- each request is a new message from a real member: a balance or similar
-- self-service command, as on a collection day.
local counter = 0
tid = 0 -- set per thread by setup()
local phones = {}
local token = os.getenv("TOKEN") or ""
local prefix = os.getenv("PREFIX") or "b"
local path = os.getenv("SMSPATH") or "/v1/kannel/sms"
local texts = { "SD", "sd", "BAL", "S%E1%BB%91+d%C6%B0", "LAI", "TK", "LS",
                "SD", "Sd", "HD" }
local threads = {}

function setup(thread)
   thread:set("tid", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   local f = assert(io.open(os.getenv("PHONES"), "r"))
   for line in f:lines() do
      phones[#phones + 1] = line
   end
   f:close()
   math.randomseed(tid * 7919 + 17)
end

function request()
   counter = counter + 1
   local phone = phones[math.random(#phones)]
   local text = texts[(counter % #texts) + 1]
   return wrk.format("GET", path .. "?token=" .. token .. "&id=" .. prefix
      .. "-" .. tid .. "-" .. counter .. "&from=%2B" .. phone:sub(2)
      .. "&to=8085&text=" .. text)
end

function done(summary, latency, requests)
   io.write(string.format("WRK %d %d %.0f %.0f %.0f %d %d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(99),
      latency:percentile(99.9),
      summary.errors.status, summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
