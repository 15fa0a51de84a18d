// The shared budget's steps, each one atomic script run in Redis. `KEYS[1]`: what was spent (a
// float); `KEYS[2]`: the claims in flight, by id (a hash of estimates); `KEYS[3]`: when each
// claim lapses (a sorted set), so the claim of a process that died mid-call frees itself.

/**
 * Claims an estimate if spending and the claims in flight have not reached the budget. ARGV:
 * budget, estimate, claim id, claim lifetime ms, keys' lifetime ms (0: none). Returns
 * `{1, spent, remaining}` when claimed, `{0, spent, 0}` when the budget is spent. Numbers go
 * back as strings: Redis would cut Lua's floats to integers.
 */
export const RESERVE: string = `
local spentKey, claims, lapses = KEYS[1], KEYS[2], KEYS[3]
local budget = tonumber(ARGV[1])
local estimate = tonumber(ARGV[2])
local id = ARGV[3]
local lifetime = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, old in ipairs(redis.call('ZRANGEBYSCORE', lapses, '-inf', now)) do
  redis.call('HDEL', claims, old)
end
redis.call('ZREMRANGEBYSCORE', lapses, '-inf', now)
local spent = tonumber(redis.call('GET', spentKey)) or 0
local claimed = 0
for _, value in ipairs(redis.call('HVALS', claims)) do
  claimed = claimed + tonumber(value)
end
if spent + claimed >= budget then
  return {0, tostring(spent), '0'}
end
redis.call('HSET', claims, id, estimate)
redis.call('ZADD', lapses, now + lifetime, id)
if ttl > 0 then
  for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
end
return {1, tostring(spent), tostring(budget - spent - claimed - estimate)}
`;

/** Frees a claim and adds what the call actually cost. ARGV: claim id, cost, keys' lifetime ms. */
export const COMMIT: string = `
local spentKey, claims, lapses = KEYS[1], KEYS[2], KEYS[3]
local id = ARGV[1]
local cost = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
redis.call('HDEL', claims, id)
redis.call('ZREM', lapses, id)
local spent = redis.call('INCRBYFLOAT', spentKey, cost)
if ttl > 0 then
  for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
end
return spent
`;
