// The shared rate limit's steps, each one atomic script run in Redis. A limit is a sliding
// window: a sorted set of entries by time, each entry's amount in a hash, and the window's total;
// requests and tokens each have their own three keys (`KEYS[1..3]` and `KEYS[4..6]`). What all
// processes send in any window never exceeds either limit. Time is Redis's own: the one clock
// every process and machine shares. Redis does not undo a script that fails halfway, so each
// checks its arguments before it writes anything: a bad one (a NaN estimate) is answered with a
// \`LOOM_BAD_ARGUMENT\` error, never half an entry that would break the window until it expires.
import { SCRIPT_ARGUMENTS } from "./script-arguments.js";

const WINDOW = `${SCRIPT_ARGUMENTS}
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Drops what left the window, with its amounts.
local function prune(times, amounts, total, window, now)
  local expired = redis.call('ZRANGEBYSCORE', times, '-inf', now - window)
  if #expired == 0 then return end
  local spent = 0
  for _, old in ipairs(expired) do
    spent = spent + (tonumber(redis.call('HGET', amounts, old)) or 0)
    redis.call('HDEL', amounts, old)
  end
  redis.call('ZREMRANGEBYSCORE', times, '-inf', now - window)
  redis.call('DECRBY', total, spent)
end
-- Milliseconds until the window has room for amount (at most the limit: a larger request goes
-- alone in its window); 0 when it has room now, or when there is no limit.
local function waitFor(times, amounts, total, limit, amount, window, now)
  if limit <= 0 then return 0 end
  local used = tonumber(redis.call('GET', total)) or 0
  local room = limit - math.min(amount, limit)
  if used <= room then return 0 end
  local entries = redis.call('ZRANGE', times, 0, -1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    used = used - (tonumber(redis.call('HGET', amounts, entries[i])) or 0)
    if used <= room then return tonumber(entries[i + 1]) + window - now end
  end
  return window
end
local function add(times, amounts, total, id, amount, at, window)
  redis.call('ZADD', times, at, id)
  redis.call('HSET', amounts, id, amount)
  redis.call('INCRBY', total, amount)
  redis.call('PEXPIRE', times, window * 2)
  redis.call('PEXPIRE', amounts, window * 2)
  redis.call('PEXPIRE', total, window * 2)
end
`;

/**
 * Lets a request in if both windows have room, adding it to both. ARGV: window ms, request
 * limit (0: none), token limit (0: none), the entry's id, its estimated tokens. Returns `{1, 0}`
 * when the request was let in, `{0, wait}` with the milliseconds to wait before trying again.
 */
export const ACQUIRE: string = `${WINDOW}
local window = number(1, 'the window', 1, true)
local maxRequests = number(2, 'the request limit', 0, true)
local maxTokens = number(3, 'the token limit', 0, true)
local entry = id(4, 'entry')
local tokens = number(5, 'the tokens', 0, true)
local now = clock()
prune(KEYS[1], KEYS[2], KEYS[3], window, now)
prune(KEYS[4], KEYS[5], KEYS[6], window, now)
local wait = math.max(
  waitFor(KEYS[1], KEYS[2], KEYS[3], maxRequests, 1, window, now),
  waitFor(KEYS[4], KEYS[5], KEYS[6], maxTokens, tokens, window, now))
if wait > 0 then return {0, wait} end
if maxRequests > 0 then add(KEYS[1], KEYS[2], KEYS[3], entry, 1, now, window) end
if maxTokens > 0 then add(KEYS[4], KEYS[5], KEYS[6], entry, tokens, now, window) end
return {1, 0}
`;

/**
 * Corrects a request still in the windows. ARGV: its id, its tokens now known (the usage), and
 * whether it was sent (0: it never reached the server, so it counts nothing).
 */
export const ADJUST: string = `${WINDOW}
local entry = id(1, 'entry')
local tokens = number(2, 'the tokens', 0, true)
local sent = ARGV[3] == '1'
local function set(times, amounts, total, amount)
  local before = tonumber(redis.call('HGET', amounts, entry))
  if before == nil then return end
  redis.call('INCRBY', total, amount - before)
  if amount == 0 then
    redis.call('HDEL', amounts, entry)
    redis.call('ZREM', times, entry)
  else
    redis.call('HSET', amounts, entry, amount)
  end
end
if not sent then set(KEYS[1], KEYS[2], KEYS[3], 0) end
set(KEYS[4], KEYS[5], KEYS[6], sent and tokens or 0)
return 1
`;

/**
 * The provider's own count: when it says fewer are left than a window has room for, the
 * difference goes in as spent (other clients of the account used it), dated to leave the
 * window when the provider's limit resets. ARGV: window ms, the limit, what the provider says
 * is left, an id, milliseconds until the reset. `KEYS[1..3]`: the window it is about.
 */
export const OBSERVE: string = `${WINDOW}
local window = number(1, 'the window', 1, true)
local limit = number(2, 'the limit', 1, true)
local remaining = number(3, 'what is left', 0, true)
local entry = id(4, 'entry')
local leaves = number(5, 'the reset', 0, false)
local now = clock()
prune(KEYS[1], KEYS[2], KEYS[3], window, now)
local room = limit - (tonumber(redis.call('GET', KEYS[3])) or 0)
if remaining >= room then return 0 end
add(KEYS[1], KEYS[2], KEYS[3], entry, room - remaining, now + leaves - window, window)
return room - remaining
`;
