-- wrk script: POSTs text messages with a unique MsgId and one of 1000 openids per request.
-- The signed query (timestamp, nonce, signature) and the questions come from the environment,
-- set by run_load.py: signatures in plain mode cover the query only, not the body.
local counter = 0
local path = os.getenv("LOAD_PATH")
local created = os.getenv("LOAD_TS")
local questions = {}
for q in string.gmatch(os.getenv("LOAD_QUESTIONS"), "[^|]+") do
  table.insert(questions, q)
end
local base = tonumber(os.getenv("LOAD_MSGID_BASE"))

request = function()
  counter = counter + 1
  local openid = "oBench" .. string.format("%06d", counter % 1000)
  local q = questions[(counter % #questions) + 1]
  local body = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[" .. openid ..
    "]]></FromUserName><CreateTime>" .. created .. "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" ..
    q .. "]]></Content><MsgId>" .. (base + counter) .. "</MsgId></xml>"
  return wrk.format("POST", path, {["Content-Type"] = "text/xml"}, body)
end
