-- Submits prepared quiz attempts, each one once: a file of lines "cookie<TAB>path<TAB>body"
-- (the first script argument) is shared out between wrk's threads (the second: how many),
-- line i to thread i mod n. Each request is the signed-in learner's own POST of a complete
-- answer form with its CSRF token. A good answer is the redirect to that attempt's result
-- (302, Location ending in /result); anything else counts as bad and fails the run.
-- When a thread has sent every line it stops (counted in "threads_ran_out": wrk's rate is
-- then too low, as wrk still divides by the whole duration); should wrk ask for a request
-- before it stops, the last line is sent again and counted in "replays", so a figure never
-- silently includes a submit that was not the attempt's first.
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  local path, share_count = args[1], tonumber(args[2])
  queue = {}
  local line_number = 0
  for line in io.lines(path) do
    if line_number % share_count == thread_index then
      local cookie, target, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(queue, wrk.format("POST", target, {
        ["Cookie"] = cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
      }, body))
    end
    line_number = line_number + 1
  end
  next_index = 1
  bad = 0
  replays = 0
  sent = 0
  ran_out = 0
end

function request()
  if next_index > #queue then
    replays = replays + 1
    wrk.thread:stop()
    return queue[#queue]
  end
  local prepared = queue[next_index]
  next_index = next_index + 1
  sent = sent + 1
  if next_index > #queue then
    ran_out = 1
  end
  return prepared
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if status ~= 302 or not string.find(location, "/result$") then
    bad = bad + 1
  end
  if next_index > #queue then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local bad_total, replays_total, sent_total, ran_out_total = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    replays_total = replays_total + thread:get("replays")
    sent_total = sent_total + thread:get("sent")
    ran_out_total = ran_out_total + thread:get("ran_out")
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "bad": %d, ' ..
    '"replays": %d, "sent": %d, "threads_ran_out": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, ' ..
    '"timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, bad_total, replays_total, sent_total,
    ran_out_total,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
