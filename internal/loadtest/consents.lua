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

function init(args)
  tid = wrk.thread:get("tid") or 0
  ffi.C.gettimeofday(tv, nil)
  math.randomseed(tonumber(tv.tv_usec) + 1000003 * tid)
end

-- uuid is the snippet's request ID: 48 bits of milliseconds since the
-- epoch, the version (7), random bits, and a variant nibble that holds the
-- thread's number (wrk makes a few threads), so two threads never make the
-- same one.
local function uuid()
  local r = math.random
  ffi.C.gettimeofday(tv, nil)
  local ms = tonumber(tv.tv_sec) * 1000 + math.floor(tonumber(tv.tv_usec) / 1000)
  local hi = math.floor(ms / 0x10000)
  return string.format("%08x-%04x-7%03x-%x%03x-%04x%08x",
    hi, ms - hi * 0x10000, r(0, 0xfff), 8 + tid % 4, r(0, 0xfff), r(0, 0xffff), r(0, 0xffffffff))
end

request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1] .. uuid() .. '"}')
end
