export { RedisBudgetStore, type RedisBudgetStoreOptions } from "./redis-budget-store.js";
export { RedisConnection, type RedisConnectionOptions } from "./redis-connection.js";
export { RedisRateLimiter, type RedisRateLimitOptions } from "./redis-rate-limiter.js";
export { RedisScriptError } from "./redis-script-error.js";
