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
 * allowed from rest and then one more every `windowMs / limit`. `want` asks for that many
 * requests at once; as many as fit are granted, and the call is refused only when none does.
 * `refund` requests granted earlier and never made are given back first.
 */
export function gcra(
  storedTatUs: number | null,
  nowUs: number,
  limit: number,
  windowMs: number,
  want = 1,
  refund = 0,
): GcraStep {
  const window = windowMs * 1000;
  const interval = window / limit;
  const stored = storedTatUs === null ? null : storedTatUs - refund * interval;
  const tat = stored !== null && stored > nowUs ? stored : nowUs;
  const firstTat = Math.floor(tat + interval + 0.5);
  const allowAt = firstTat - window;
  if (nowUs < allowAt) {
    return {
      result: {
        allowed: false,
        limit,
        remaining: 0,
        resetMs: Math.ceil((tat - nowUs) / 1000),
        retryAfterMs: Math.ceil((allowAt - nowUs) / 1000),
        granted: 0,
      },
      storeTatUs: null,
      keepMs: 0,
    };
  }
  // How many fit now; one fits (checked above), the float estimate is corrected by one step.
  let granted = Math.max(1, Math.min(want, Math.floor((nowUs + window - tat) / interval + 1e-6)));
  let newTat = granted === 1 ? firstTat : Math.floor(tat + granted * interval + 0.5);
  if (granted > 1 && newTat - window > nowUs) {
    granted--;
    newTat = granted === 1 ? firstTat : Math.floor(tat + granted * interval + 0.5);
  }
  const ahead = newTat - nowUs;
  // The epsilon absorbs float error when `interval` is not a whole number of µs.
  const remaining = Math.max(0, Math.floor((window - ahead) / interval + 1e-6));
  const resetMs = Math.ceil(ahead / 1000);
  return {
    result: { allowed: true, limit, remaining, resetMs, retryAfterMs: 0, granted },
    storeTatUs: newTat,
    keepMs: Math.max(1, resetMs),
  };
}

/**
 * The same decision as one Redis Lua script. KEYS[1] holds the TAT; ARGV: limit, windowMs, want,
 * refund.
 * Redis TIME is the clock so every API instance agrees. Returns
 * {allowed (0/1), remaining, resetMs, retryAfterMs, granted}.
 */
export const GCRA_LUA = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
local want = tonumber(ARGV[3]) or 1
local refund = tonumber(ARGV[4]) or 0
local interval = window / limit
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = now
local raw = redis.call('GET', KEYS[1])
if raw then
  local stored = tonumber(raw)
  if stored then stored = stored - refund * interval end
  if stored and stored > now then tat = stored end
end
local first_tat = math.floor(tat + interval + 0.5)
local allow_at = first_tat - window
if now < allow_at then
  return {0, 0, math.ceil((tat - now) / 1000), math.ceil((allow_at - now) / 1000), 0}
end
local granted = math.floor((now + window - tat) / interval + 1e-6)
if granted > want then granted = want end
if granted < 1 then granted = 1 end
local new_tat = first_tat
if granted > 1 then
  new_tat = math.floor(tat + granted * interval + 0.5)
  if new_tat - window > now then
    granted = granted - 1
    if granted == 1 then new_tat = first_tat else new_tat = math.floor(tat + granted * interval + 0.5) end
  end
end
local ahead = new_tat - now
local remaining = math.floor((window - ahead) / interval + 1e-6)
if remaining < 0 then remaining = 0 end
local reset = math.ceil(ahead / 1000)
local keep = reset
if keep < 1 then keep = 1 end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', keep)
return {1, remaining, reset, 0, granted}
`;
