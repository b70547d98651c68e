-- wrk script: POST consent decisions to the demo site. The bodies vary in
-- action, categories, language and page but every one is valid, so every
-- answer must be 201: wrk counts any other as "Non-2xx or 3xx responses".
-- Each carries its own request_id made as the snippet makes it (a UUID
-- version 7: the time in milliseconds, then random bits), so every request
-- is a new decision the server must look up, record and commit (a repeated
-- ID would be answered from the first).
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36"

local bodies = {
  '{"action":"accept_all","revision":1,"lang":"en","page":"https://shop.example/","source":"banner","request_id":"',
  '{"action":"reject_all","revision":1,"lang":"fr","page":"https://shop.example/basket","source":"banner","request_id":"',
  '{"action":"custom","categories":{"analytics":true,"marketing":false},"revision":1,"lang":"en","page":"https://shop.example/basket","source":"banner","request_id":"',
  '{"action":"custom","categories":{"analytics":false,"marketing":true},"revision":1,"lang":"de","page":"https://shop.example/checkout","source":"preferences","request_id":"',
}
local n = 0
local tid = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_usec; } timeval;
  int gettimeofday(timeval *tv, void *tz);
]]
local tv = ffi.new("timeval")

-- Each request is its template's text up to the request ID, made once per
-- thread with wrk.format (so its Content-Length already counts an ID of 36
-- characters), then the ID, then the rest: the per-request work is one
-- formatted ID and one concatenation, so that wrk spends its share of the
-- two cores on sending rather than on building requests.
local heads, tails = {}, {}
local marker = string.rep("x", 36)
local count = 0
local ms, hi, lo, salt = 0, 0, 0, 0

function init(args)
  tid = wrk.thread:get("tid") or 0
  ffi.C.gettimeofday(tv, nil)
  math.randomseed(tonumber(tv.tv_usec) + 1000003 * tid)
  salt = math.random(0, 0xffff)
  for i, b in ipairs(bodies) do
    local req = wrk.format(nil, nil, nil, b .. marker .. '"}')
    local at = req:find(marker, 1, true)
    heads[i], tails[i] = req:sub(1, at - 1), req:sub(at + #marker)
  end
end

-- uuid is the snippet's request ID, a UUID version 7: 48 bits of
-- milliseconds since the epoch (read again every 64 requests), the version,
-- random bits, a variant nibble that holds the thread's number, 16 random
-- bits drawn once per thread (wrk processes run side by side) and the
-- thread's own count of requests: two requests never get the same one.
local function uuid()
  count = count + 1
  if count % 64 == 1 then
    ffi.C.gettimeofday(tv, nil)
    ms = tonumber(tv.tv_sec) * 1000 + math.floor(tonumber(tv.tv_usec) / 1000)
    hi = math.floor(ms / 0x10000)
    lo = ms - hi * 0x10000
  end
  return string.format("%08x-%04x-7%03x-%x%03x-%04x%08x", hi, lo, math.random(0, 0xfff), 8 + tid % 4, math.random(0, 0xfff), salt, count)
end

request = function()
  n = n + 1
  local i = (n % #bodies) + 1
  return heads[i] .. uuid() .. tails[i]
end
