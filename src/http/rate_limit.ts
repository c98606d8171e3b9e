/**
 * Rate limits on the cache port's atomic GCRA: per IP for anonymous calls, per user when the
 * bearer token's signature checks out, and tighter on the auth routes, per IP and per account
 * (the e-mail a register or login names, the owner of a refresh token, the signed-in user of a
 * password change). Every limited answer carries RateLimit-* headers; a refusal is 429.
 * When the cache is down, general traffic passes (logged) and auth routes use an in-process limiter.
 * General traffic is granted in small batches spent in process (rate_leases.ts).
 *
 * @module
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import type { Config } from "../config.ts";
import { tooManyRequests } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { CacheStore, ThrottleResult } from "../stores/cache/port.ts";
import { openMemoryCache } from "../stores/cache/memory.ts";
import { clientIp } from "./client_ip.ts";
import { RateLeases } from "./rate_leases.ts";
import type { AppEnv } from "./types.ts";

/** How a request is limited. */
export type LimitGroup =
  /** Probes (/health, /ready): never limited, so orchestrators always see the truth. */
  | { kind: "exempt" }
  /** Credential-handling routes: RATE_LIMIT_AUTH_PER_MIN per IP and per account. */
  | { kind: "auth"; endpoint: "register" | "login" | "refresh" | "password" }
  /** Everything else: per user when signed in, per IP otherwise. */
  | { kind: "general" };

const EXEMPT = new Set(["/health", "/ready"]);
const EXEMPT_GROUP: LimitGroup = { kind: "exempt" };
const AUTH_ENDPOINTS = new Set(["register", "login", "refresh", "password"]);

/** The limit group of a request, from its method and path alone. */
export function limitGroup(method: string, path: string): LimitGroup {
  if (EXEMPT.has(path)) return EXEMPT_GROUP;
  const clean = path.length > 1 ? path.replace(/\/+$/, "") : path;
  if (EXEMPT.has(clean)) return EXEMPT_GROUP;
  const m = clean.match(/^\/api\/v1\/auth\/([a-z]+)$/);
  if (method === "POST" && m && AUTH_ENDPOINTS.has(m[1])) {
    return { kind: "auth", endpoint: m[1] as "register" | "login" | "refresh" | "password" };
  }
  return { kind: "general" };
}

function expandIpv6(ip: string): number[] | null {
  const halves = ip.split("::");
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((h) => parseInt(h, 16)));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const groups = [...head, ...new Array(fill).fill(0), ...tail];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/**
 * The client identity a per-IP limit counts: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6
 * by /64 (one host usually holds a whole /64, so counting single addresses would be no limit).
 */
export function limitIp(ip: string | null): string {
  if (!ip) return "unknown";
  const mapped = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped) return mapped[1];
  if (!ip.includes(":")) return ip;
  const groups = expandIpv6(ip.replace(/%.*$/, ""));
  if (!groups) return "unknown";
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

async function digest(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(bytes).slice(0, 16), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

export interface RateLimitOptions {
  cache: CacheStore;
  limits: Config["rateLimits"];
  trustProxy: boolean;
  log: Logger;
  /** The user id of the request's bearer token when its signature and claims check out (no
   * database call), else null. */
  identify: (c: Context<AppEnv>) => string | null | Promise<string | null>;
  /** The user id owning a refresh token (one indexed look-up), else null. */
  refreshOwner?: (refreshToken: string) => Promise<string | null>;
  /** The window every limit counts over (default one minute). */
  windowMs?: number;
  /** The in-process limiter auth routes use while the cache is down (default: a new one). */
  fallback?: CacheStore;
}

interface Check {
  key: string;
  limit: number;
}

/** The tightest of several decisions: a refusal that lasts longest, else the least remaining. */
function tightest(results: ThrottleResult[]): ThrottleResult {
  const refused = results.filter((r) => !r.allowed);
  if (refused.length > 0) {
    return refused.reduce((a, b) => (b.retryAfterMs > a.retryAfterMs ? b : a));
  }
  return results.reduce((a, b) => (b.remaining < a.remaining ? b : a));
}

type BodyReader = { header(name: string): string | undefined; text(): Promise<string> };

/**
 * A string field of a JSON (`jsonField`) or form (`formField`) body, trimmed, or null. Reading
 * here leaves the body for the route: Hono caches what was read.
 */
async function bodyField(
  req: BodyReader,
  jsonField: string,
  formField: string,
): Promise<string | null> {
  try {
    const type = req.header("Content-Type")?.split(";")[0].trim().toLowerCase();
    const text = await req.text();
    let value: unknown;
    if (type === "application/json") {
      value = (JSON.parse(text) as Record<string, unknown>)?.[jsonField];
    } else if (type === "application/x-www-form-urlencoded") {
      value = new URLSearchParams(text).get(formField);
    }
    return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
  } catch {
    // A malformed body is refused by the route's validator; the IP limit still applies.
    return null;
  }
}

/** The per-account key of an auth request, when the request names an account. */
async function accountKey(
  c: Context<AppEnv>,
  endpoint: "register" | "login" | "refresh" | "password",
  opts: RateLimitOptions,
): Promise<string | null> {
  switch (endpoint) {
    case "register":
    case "login": {
      const email = await bodyField(c.req, "email", "username");
      return email ? `rate_limit:email:${await digest(email.toLowerCase())}:${endpoint}` : null;
    }
    case "refresh": {
      const token = await bodyField(c.req, "refresh_token", "refresh_token");
      if (!token || !opts.refreshOwner) return null;
      const owner = await opts.refreshOwner(token).catch(() => null);
      return owner ? `rate_limit:user:${owner}:refresh` : null;
    }
    case "password": {
      const userId = await identified(c, opts);
      return userId ? `rate_limit:user:${userId}:password` : null;
    }
  }
}

/** The signed-in user a request counts against, or null (an identify failure counts as anonymous). */
function identified(
  c: Context<AppEnv>,
  opts: RateLimitOptions,
): string | null | Promise<string | null> {
  try {
    const who = opts.identify(c);
    return who instanceof Promise ? who.catch(() => null) : who;
  } catch {
    return null;
  }
}

/** The RateLimit-* headers of the tightest of `results`; throws 429 when it refuses. */
function answerLimits(c: Context<AppEnv>, results: ThrottleResult[]): void {
  const shown = tightest(results);
  c.header("RateLimit-Limit", String(shown.limit));
  c.header("RateLimit-Remaining", String(shown.remaining));
  c.header("RateLimit-Reset", String(Math.ceil(shown.resetMs / 1000)));
  if (!shown.allowed) {
    const seconds = Math.max(1, Math.ceil(shown.retryAfterMs / 1000));
    throw tooManyRequests(`Rate limit exceeded; retry in ${seconds} s`, seconds);
  }
}

const WARN_EVERY_MS = 10_000;

/**
 * The rate-limit middleware. Keys: `rate_limit:{ip}:{endpoint}` for auth routes,
 * `rate_limit:{ip}:api` for anonymous calls, `rate_limit:user:{id}:api` for signed-in callers;
 * per account, `rate_limit:email:{sha256 prefix}:{register|login}` for the e-mail a body names
 * and `rate_limit:user:{id}:{refresh|password}`.
 */
export function rateLimit(opts: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const windowMs = opts.windowMs ?? 60_000;
  const fallback = opts.fallback ?? openMemoryCache({ maxEntries: 20_000, maxBytes: 8 << 20 });
  // Auth routes are counted one by one: their limits are small and every attempt must count.
  const leases = new RateLeases();
  let lastWarnAt = -Infinity;
  const warn = (msg: string, err: unknown) => {
    const now = Date.now();
    if (now - lastWarnAt < WARN_EVERY_MS) return;
    lastWarnAt = now;
    opts.log.warn(msg, { error: err instanceof Error ? err.message : String(err) });
  };

  const generalCheck = (c: Context<AppEnv>, userId: string | null): Check =>
    userId ? { key: `rate_limit:user:${userId}:api`, limit: opts.limits.userPerMin } : {
      key: `rate_limit:${limitIp(clientIp(c, opts.trustProxy))}:api`,
      limit: opts.limits.anonPerMin,
    };

  // General traffic: one check, spent from this instance's batch when it has one (no promise of
  // its own), else from a new batch.
  const limitGeneral = (c: Context<AppEnv>, next: Next, userId: string | null) => {
    const check = generalCheck(c, userId);
    const spent = leases.spend(check.key);
    if (!spent) return general(c, next, check);
    answerLimits(c, [spent]);
    return next();
  };

  const general = async (c: Context<AppEnv>, next: Next, check: Check) => {
    let result: ThrottleResult;
    try {
      const r = await opts.cache.throttle(
        check.key,
        check.limit,
        windowMs,
        leases.take(check.key, check.limit),
      );
      result = leases.keep(check.key, r);
    } catch (err) {
      warn("rate limiter unavailable (cache down); request let through unlimited", err);
      return next();
    }
    answerLimits(c, [result]);
    await next();
  };

  const auth = async (
    c: Context<AppEnv>,
    next: Next,
    endpoint: "register" | "login" | "refresh" | "password",
  ) => {
    const limit = opts.limits.authPerMin;
    const ip = limitIp(clientIp(c, opts.trustProxy));
    const checks: Check[] = [{ key: `rate_limit:${ip}:${endpoint}`, limit }];
    const account = await accountKey(c, endpoint, opts);
    if (account) checks.push({ key: account, limit });
    let results: ThrottleResult[];
    try {
      results = await Promise.all(checks.map((k) => opts.cache.throttle(k.key, k.limit, windowMs)));
    } catch (err) {
      warn("rate limiter unavailable (cache down); auth routes limited in-process", err);
      results = await Promise.all(checks.map((k) => fallback.throttle(k.key, k.limit, windowMs)));
    }
    answerLimits(c, results);
    await next();
  };

  // Not async: a signed-in request with a batch in hand goes on without a promise of its own.
  return function rateLimitMiddleware(c, next) {
    const group = limitGroup(c.req.method, c.req.path);
    if (group.kind === "exempt") return next();
    if (group.kind === "auth") return auth(c, next, group.endpoint);
    const who = identified(c, opts);
    return who instanceof Promise
      ? who.then((userId) => limitGeneral(c, next, userId))
      : limitGeneral(c, next, who);
  };
}
