/**
 * The Lua scripts the Redis cache adapter runs, each one atomic on the server, with their SHA1s
 * so calls go by EVALSHA and fall back to EVAL only when the server has not seen a script yet.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { GCRA_LUA } from "./gcra.ts";

/** A Lua script and its SHA1, as EVALSHA wants it. */
export interface LuaScript {
  lua: string;
  sha: string;
}

function script(lua: string): LuaScript {
  return { lua, sha: createHash("sha1").update(lua).digest("hex") };
}

/**
 * INCRBY that sets an expiry only when it created the key. KEYS[1]; ARGV: by, ttlMs (0 = none).
 * EXISTS before INCRBY (not "result == by") so a key holding 0 is not mistaken for a new one.
 */
export const INCR = script(`
local existed = redis.call('EXISTS', KEYS[1])
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v
`);

/** INCRBYFLOAT with the same expiry rule; returns the new value as Redis prints it (a string). */
export const INCR_FLOAT = script(`
local existed = redis.call('EXISTS', KEYS[1])
local v = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if existed == 0 and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v
`);

/** Deletes KEYS[1] only while it still holds the token ARGV[1]; returns 1 when it deleted. */
export const RELEASE_LOCK = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** The GCRA throttle (see gcra.ts): one round trip, Redis TIME as the shared clock. */
export const THROTTLE = script(GCRA_LUA);
