/**
 * The GCRA rate-limit decision as a pure function, in microseconds. The memory adapter calls it;
 * the Redis adapter runs the same arithmetic in Lua (GCRA_LUA), so both answer alike.
 *
 * @module
 */
import type { ThrottleResult } from "./port.ts";

/** What to do after one throttle decision. */
export interface GcraStep {
  result: ThrottleResult;
  /** The theoretical arrival time to store (µs, whole), or null when refused (nothing changes). */
  storeTatUs: number | null;
  /** How long the stored TAT matters, in ms: after that the key may expire. */
  keepMs: number;
}

/**
 * One GCRA decision. `storedTatUs` is the stored theoretical arrival time (null when none),
 * `nowUs` the current time; `limit` requests fit in `windowMs`, so a full burst of `limit` is
 * allowed from rest and then one more every `windowMs / limit`.
 */
export function gcra(
  storedTatUs: number | null,
  nowUs: number,
  limit: number,
  windowMs: number,
): GcraStep {
  const window = windowMs * 1000;
  const interval = window / limit;
  const tat = storedTatUs !== null && storedTatUs > nowUs ? storedTatUs : nowUs;
  const newTat = Math.floor(tat + interval + 0.5);
  const allowAt = newTat - window;
  if (nowUs < allowAt) {
    return {
      result: {
        allowed: false,
        limit,
        remaining: 0,
        resetMs: Math.ceil((tat - nowUs) / 1000),
        retryAfterMs: Math.ceil((allowAt - nowUs) / 1000),
      },
      storeTatUs: null,
      keepMs: 0,
    };
  }
  const ahead = newTat - nowUs;
  // The epsilon absorbs float error when `interval` is not a whole number of µs.
  const remaining = Math.max(0, Math.floor((window - ahead) / interval + 1e-6));
  const resetMs = Math.ceil(ahead / 1000);
  return {
    result: { allowed: true, limit, remaining, resetMs, retryAfterMs: 0 },
    storeTatUs: newTat,
    keepMs: Math.max(1, resetMs),
  };
}

/**
 * The same decision as one Redis Lua script. KEYS[1] holds the TAT; ARGV: limit, windowMs.
 * Redis TIME is the clock so every API instance agrees. Returns
 * {allowed (0/1), remaining, resetMs, retryAfterMs}.
 */
export const GCRA_LUA = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
local interval = window / limit
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = now
local raw = redis.call('GET', KEYS[1])
if raw then
  local stored = tonumber(raw)
  if stored and stored > now then tat = stored end
end
local new_tat = math.floor(tat + interval + 0.5)
local allow_at = new_tat - window
if now < allow_at then
  return {0, 0, math.ceil((tat - now) / 1000), math.ceil((allow_at - now) / 1000)}
end
local ahead = new_tat - now
local remaining = math.floor((window - ahead) / interval + 1e-6)
if remaining < 0 then remaining = 0 end
local reset = math.ceil(ahead / 1000)
local keep = reset
if keep < 1 then keep = 1 end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', keep)
return {1, remaining, reset, 0}
`;
