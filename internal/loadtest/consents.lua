-- wrk script: POST consent decisions to the demo site. The bodies vary in
-- action, categories, language and page but every one is valid, so every
-- answer must be 201: wrk counts any other as "Non-2xx or 3xx responses".
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36"

local bodies = {
  '{"action":"accept_all","revision":1,"lang":"en","page":"https://shop.example/","source":"banner"}',
  '{"action":"reject_all","revision":1,"lang":"fr","page":"https://shop.example/basket","source":"banner"}',
  '{"action":"custom","categories":{"analytics":true,"marketing":false},"revision":1,"lang":"en","page":"https://shop.example/basket","source":"banner"}',
  '{"action":"custom","categories":{"analytics":false,"marketing":true},"revision":1,"lang":"de","page":"https://shop.example/checkout","source":"preferences"}',
}
local n = 0

request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])
end
