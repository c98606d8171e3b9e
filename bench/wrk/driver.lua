-- wrk script shared by every HTTP scenario: builds requests from a plan file, counts statuses per
-- thread, and in done() prints one "BENCH_JSON {...}" line with rates and latency percentiles.
--
-- Script arguments: the path of a plan file written by bench/wrk.ts, and wrk's thread count.
-- Plan lines:
--   token <bearer token>                      (zero or more; requests cycle through them)
--   req <METHOD> <path> [<json body>]          (one or more; cycled, `{seq}` becomes a number
--                                              unique within the run)
--   etag <METHOD> <path> <etag> [<json body>]  (If-Match mode: one row per line, see below)
--
-- If-Match mode: a row is lent to one request at a time. The response names the row by its
-- "id" field and carries the new ETag; only then does the row go back to the free list, so two
-- in-flight requests never race on one row (that would be a 412 the bench caused itself). Each
-- thread takes its own share of the rows for the same reason.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("thread_no", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local tokens, reqs, rows, free = {}, {}, {}, {}
local next_req, next_token, seq = 1, 1, 0
local etag_mode = false
statuses = {}
lost_rows = 0

local function split_line(line)
  local kind, rest = line:match("^(%S+) (.*)$")
  return kind, rest
end

function init(args)
  local path = args[1]
  local nthreads = tonumber(args[2]) or 1
  local me = thread_no or 1
  local etag_line = 0
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    local kind, rest = split_line(line)
    if kind == "token" then
      table.insert(tokens, rest)
    elseif kind == "req" then
      local method, p, body = rest:match("^(%S+) (%S+) ?(.*)$")
      table.insert(reqs, { method = method, path = p, body = (body ~= "" and body or nil) })
    elseif kind == "etag" then
      etag_line = etag_line + 1
      etag_mode = true
    end
    if kind == "etag" and (etag_line - 1) % nthreads == me - 1 then
      local method, p, etag, body = rest:match("^(%S+) (%S+) (%S+) ?(.*)$")
      local id = p:match("([%x%-]+)$")
      rows[id] = { method = method, path = p, etag = etag, body = (body ~= "" and body or nil) }
      table.insert(free, id)
    end
  end
  f:close()
  -- Threads start at different places so they do not walk the same ids in step.
  if #reqs > 0 then next_req = ((me - 1) * 7919) % #reqs + 1 end
  if #tokens > 0 then next_token = ((me - 1) * 31) % #tokens + 1 end
  seq = me * 10000000
end

local function headers_for(body, extra)
  local h = {}
  if #tokens > 0 then
    h["Authorization"] = "Bearer " .. tokens[next_token]
    next_token = next_token % #tokens + 1
  end
  if body then h["Content-Type"] = "application/json" end
  if extra then for k, v in pairs(extra) do h[k] = v end end
  return h
end

local function fill(s)
  if s == nil then return nil end
  if not s:find("{seq}", 1, true) then return s end
  seq = seq + 1
  return (s:gsub("{seq}", tostring(seq)))
end

function request()
  if etag_mode then
    -- The plan holds many more rows than connections, so the free list only runs dry when rows
    -- were lost to failed requests; reusing one then may race, and its 412 is counted.
    local id = table.remove(free) or next(rows)
    local row = rows[id]
    local body = fill(row.body)
    return wrk.format(row.method, row.path, headers_for(body, { ["If-Match"] = row.etag }), body)
  end
  local r = reqs[next_req]
  next_req = next_req % #reqs + 1
  local body = fill(r.body)
  return wrk.format(r.method, fill(r.path), headers_for(body), body)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if etag_mode then
    local id = body and body:match('"id"%s*:%s*"([%x%-]+)"')
    local etag = headers["etag"] or headers["ETag"] or headers["Etag"]
    if id and rows[id] and status < 300 then
      if etag then rows[id].etag = etag end
      table.insert(free, id)
    else
      lost_rows = lost_rows + 1
    end
  end
end

function done(summary, latency, requests)
  local merged, lost = {}, 0
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s then
      for k, v in pairs(s) do merged[k] = (merged[k] or 0) + v end
    end
    lost = lost + (t:get("lost_rows") or 0)
  end
  local parts = {}
  for k, v in pairs(merged) do table.insert(parts, string.format('"%s":%d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
      '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
      '"non_2xx_3xx":%d,"lost_rows":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, e.connect, e.read, e.write, e.timeout, e.status, lost, table.concat(parts, ",")))
end
