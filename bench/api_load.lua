-- wrk script of bench/api_bench.py: rotates through a prepared request file, one line per
-- request: METHOD <tab> PATH <tab> TOKEN <tab> BODY (BODY may be empty). TOKEN is sent as
-- "Authorization: Token TOKEN", unless it is a session cookie ("sessionid=..."): then it is sent
-- as the Cookie header, asking for HTML, as a signed-in browser would. Thread k of n sends
-- lines k, k+n, k+2n, ... so no two threads send the same line (each POST is unique as long as
-- a run sends fewer requests than the file has lines). Counts responses by status class and
-- prints one JSON object at the end.
--
-- wrk -t N -c C -d 15s -s bench/api_load.lua http://127.0.0.1:PORT -- requests.tsv N

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  lines = {}
  local f = assert(io.open(args[1], "r"))
  for line in f:lines() do
    local m, p, t, b = line:match("^(%u+)\t([^\t]*)\t([^\t]*)\t(.*)$")
    if m then
      table.insert(lines, { m, p, t, b })
    end
  end
  f:close()
  nthreads = tonumber(args[2])
  idx = id
  sent = 0
  s2xx = 0
  s3xx = 0
  s4xx = 0
  s5xx = 0
  bad_status = 0
  bad_body = ""
end

function request()
  local r = lines[idx]
  idx = idx + nthreads
  if idx > #lines then
    idx = ((idx - 1) % #lines) + 1
  end
  sent = sent + 1
  local headers
  if r[3]:sub(1, 10) == "sessionid=" then
    headers = { ["Cookie"] = r[3], ["Accept"] = "text/html" }
  else
    headers = {
      ["Authorization"] = "Token " .. r[3],
      ["Accept"] = "application/json",
    }
  end
  local body = nil
  if r[4] ~= "" then
    headers["Content-Type"] = "application/json"
    body = r[4]
  end
  return wrk.format(r[1], r[2], headers, body)
end

function response(status, headers, body)
  if status < 300 then
    s2xx = s2xx + 1
  elseif status < 400 then
    s3xx = s3xx + 1
  elseif status < 500 then
    s4xx = s4xx + 1
  else
    s5xx = s5xx + 1
  end
  if status >= 300 and bad_status == 0 then
    bad_status = status
    bad_body = string.sub(body or "", 1, 300)
  end
end

local function esc(s)
  return (s:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("[%c]", " "))
end

function done(summary, latency, requests)
  local c = { s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0, sent = 0 }
  local first_bad, first_body = 0, ""
  for _, t in ipairs(threads) do
    for k, _ in pairs(c) do
      c[k] = c[k] + (t:get(k) or 0)
    end
    if first_bad == 0 and (t:get("bad_status") or 0) ~= 0 then
      first_bad = t:get("bad_status")
      first_body = t:get("bad_body") or ""
    end
  end
  io.write("WRK_JSON ")
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p90": %d, '
      .. '"p99": %d, "mean": %.1f, "max": %d}, "status": {"2xx": %d, "3xx": %d, "4xx": %d, '
      .. '"5xx": %d}, "sent": %d, "first_bad_status": %d, "first_bad_body": "%s"}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
    latency.max, c.s2xx, c.s3xx, c.s4xx, c.s5xx, c.sent, first_bad, esc(first_body)))
end
