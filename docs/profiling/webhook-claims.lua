local counter = 0
local thread_id = 0
function setup(thread) thread_id = thread_id + 1; thread:set("tid", thread_id) end
request = function()
  counter = counter + 1
  local body = string.format('{"claimNumber":"CLM-%d%03d%08d","policyNumber":"AUT-4410023","lossDate":"2026-11-26","reportedAt":"2026-11-27T09:14:00Z","lossType":"auto-collision","claimedAmount":4820.50,"currency":"EUR","channel":"mobile","description":"Rear-ended at a red light, bumper and tailgate damaged.","claimant":{"name":"Jane Example","email":"jane@example.com","phone":"+49 170 0000000"}}', tid or 0, (os.time() % 1000), counter)
  return wrk.format("POST", "/webhooks/insurance-claims", {["Content-Type"]="application/json"}, body)
end
local codes = {}
response = function(status) codes[status] = (codes[status] or 0) + 1 end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, p50 %.1f ms, p99 %.1f ms, non2xx %d\n", summary.requests, latency:percentile(50)/1000, latency:percentile(99)/1000, summary.errors.status))
end
