// The shared budget's steps, each one atomic script run in Redis. `KEYS[1]`: what was spent (a
// float); `KEYS[2]`: the claims in flight, by id (a hash of estimates); `KEYS[3]`: when each
// claim lapses (a sorted set), so the claim of a process that died mid-call frees itself.
//
// Redis does not undo a script that fails halfway: what it wrote before the error stays. So
// each script checks every argument before it writes anything (a bad one is answered with a
// `LOOM_BAD_ARGUMENT` error, a bug in the call), and writes in the order whose failure errs
// towards counting too much: never a claim without its lapse, never a claim freed before its
// cost is added.
import { SCRIPT_ARGUMENTS } from "./script-arguments.js";

/**
 * Claims an estimate if it fits in the budget with what was spent and the claims in flight
 * (the rule of `admits` in `@loom/llm-providers`: a positive estimate must fit whole; one of 0
 * goes while any of the budget is left). ARGV: budget, estimate, claim id, claim lifetime ms,
 * keys' lifetime ms (0: none). Returns `{1, spent, remaining}` when claimed, `{0, spent, 0}`
 * when the budget has no room for it. Numbers go back as strings: Redis would cut Lua's floats
 * to integers.
 */
export const RESERVE: string = `${SCRIPT_ARGUMENTS}
local spentKey, claims, lapses = KEYS[1], KEYS[2], KEYS[3]
local budget = number(1, 'the budget', 0)
local estimate = number(2, 'the estimate', 0)
local claim = id(3, 'claim')
local lifetime = number(4, 'the claim lifetime', 1)
local ttl = number(5, 'the keys lifetime', 0)
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
local fits
if estimate > 0 then fits = spent + claimed + estimate <= budget else fits = spent + claimed < budget end
if not fits then
  return {0, tostring(spent), '0'}
end
-- The lapse first: a claim that could not be given one would never be freed.
redis.call('ZADD', lapses, now + lifetime, claim)
redis.call('HSET', claims, claim, ARGV[2])
if ttl > 0 then
  for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
end
return {1, tostring(spent), tostring(budget - spent - claimed - estimate)}
`;

/**
 * Adds what a call actually cost and frees its claim. ARGV: claim id, cost, keys' lifetime ms.
 */
export const COMMIT: string = `${SCRIPT_ARGUMENTS}
local spentKey, claims, lapses = KEYS[1], KEYS[2], KEYS[3]
local claim = id(1, 'claim')
number(2, 'the cost', 0)
local ttl = number(3, 'the keys lifetime', 0)
-- The cost first: a claim freed before its cost is added would let the budget be passed.
local spent = redis.call('INCRBYFLOAT', spentKey, ARGV[2])
redis.call('HDEL', claims, claim)
redis.call('ZREM', lapses, claim)
if ttl > 0 then
  for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
end
return spent
`;
