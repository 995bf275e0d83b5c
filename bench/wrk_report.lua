-- Counts responses that are not 200 or lack the expected text (the first script argument),
-- and prints the figures as one JSON line, so a redirect to the sign-in page is never
-- counted as a served lesson.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  expected = args[1] or ""
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, expected, 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "bad": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, ' ..
    '"timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, bad_total,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
