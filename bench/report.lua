-- wrk reporter: one JSON line with the median, p95, requests per second and failures.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failures = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'JSON {"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "rps": %.1f, "requests": %d, "failures": %d}\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / seconds, summary.requests, failures))
end
