-- wrk script: POSTs text messages with a unique MsgId and one of 1000 openids per request.
-- The signed queries (timestamp, nonce, signature; one per request, from the file LOAD_PATHS, since
-- the bot refuses a signed query used twice) and the questions come from the environment, set by
-- run_load.py.
local counter = 0
local paths = {}
for line in io.lines(os.getenv("LOAD_PATHS")) do
  table.insert(paths, line)
end
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
  return wrk.format("POST", paths[(counter % #paths) + 1], {["Content-Type"] = "text/xml"}, body)
end
