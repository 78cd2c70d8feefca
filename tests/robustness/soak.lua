-- wrk script for the soak: a mix of the explorer's requests, good and bad, in a fixed rotation.
-- Counts answers by class; any 5xx fails the soak (soak.sh reads the summary printed by done()).
local body = assert(io.open(os.getenv("BODY_FILE"), "r")):read("*a")
local png = assert(io.open(os.getenv("PNG_FILE"), "rb")):read("*a")
local json = { ["Content-Type"] = "application/json" }
local requests = {}
local function add(weight, method, path, headers, payload)
    for _ = 1, weight do requests[#requests + 1] = wrk.format(method, path, headers, payload) end
end
add(10, "POST", "/api/predict", json, body)                          -- the busy endpoint
add(2, "POST", "/api/predict", { ["Content-Type"] = "image/png" }, png)
add(2, "GET", "/api/model")
add(2, "GET", "/api/test/17")
add(1, "GET", "/api/test/9999")                                 -- the last test image
add(1, "GET", "/api/weights/1")
add(1, "GET", "/api/confusion")
add(1, "GET", "/api/landscapes")
add(1, "GET", "/")
add(1, "GET", "/app.js")
add(1, "GET", "/api/weights/2/3/top")
add(1, "POST", "/api/predict", json, '{"pixels": [0.5, 2]}')           -- 400
add(1, "POST", "/api/predict", json, string.rep("[", 10000))          -- 400, deep nesting
add(1, "POST", "/api/predict", json, '{"pixels": "\255\254"}')        -- 400, invalid UTF-8
add(1, "GET", "/api/no-such-thing")                                   -- 404
add(1, "POST", "/api/predict", { ["Content-Type"] = "text/plain" }, "hi")  -- 415
add(1, "GET", "/api/train")                                           -- 404 until a training is started

local counter = 0
local threads = {}
function setup(thread) threads[#threads + 1] = thread end
function init(args) ok, client, server, other = 0, 0, 0, 0 end
function request()
    counter = counter % #requests + 1
    return requests[counter]
end
function response(status, headers, body)
    if status >= 500 then server = server + 1
    elseif status >= 400 then client = client + 1
    elseif status >= 200 and status < 300 then ok = ok + 1
    else other = other + 1 end
end
function done(summary, latency, requests)
    local t = { ok = 0, client = 0, server = 0, other = 0 }
    for _, thread in ipairs(threads) do
        for key in pairs(t) do t[key] = t[key] + thread:get(key) end
    end
    io.write(string.format("SOAK_STATUS 2xx=%d 4xx=%d 5xx=%d other=%d\n", t.ok, t.client, t.server, t.other))
end
