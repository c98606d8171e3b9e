/**
 * Parses REDIS_URL into what ioredis needs: a plain redis:// or rediss:// URL goes to ioredis as
 * is, while the multi-host Cluster and Sentinel forms (which the URL class cannot parse) are ours.
 *
 * @module
 */
import { StoreError } from "../errors.ts";

/** One host and port of a Cluster seed list or a Sentinel list. */
export interface RedisHost {
  host: string;
  port: number;
}

/** Where and how to reach Redis, by topology. */
export type RedisTarget =
  | { kind: "standalone"; url: string }
  | {
    kind: "cluster";
    nodes: RedisHost[];
    username?: string;
    password?: string;
    tls: boolean;
  }
  | {
    kind: "sentinel";
    sentinels: RedisHost[];
    /** The master group name the sentinels watch. */
    name: string;
    db: number;
    username?: string;
    password?: string;
    tls: boolean;
  };

const MULTI = /^(rediss?)\+(cluster|sentinel):\/\/(?:([^@/]*)@)?([^/?#]+)(\/[^?#]*)?$/;

/**
 * Reads a Redis URL:
 * - `redis://[user:pass@]host:port[/db]` and `rediss://…` (TLS): standalone;
 * - `redis+cluster://[user:pass@]h1:p1,h2:p2`: Cluster seed nodes (default port 6379);
 * - `redis+sentinel://[user:pass@]h1:p1,h2:p2/mastername[/db]`: Sentinels (default port 26379),
 *   the credentials being those of the master.
 * `rediss+cluster` and `rediss+sentinel` turn on TLS. Errors never echo the URL (it may hold a
 * password).
 *
 * @example
 * parseRedisUrl("redis+sentinel://s1:26379,s2:26380/mymaster");
 * // { kind: "sentinel", sentinels: [{host:"s1",port:26379},{host:"s2",port:26380}], name: "mymaster", db: 0, tls: false }
 */
export function parseRedisUrl(url: string): RedisTarget {
  const text = url.trim();
  if (/^rediss?:\/\//.test(text)) return { kind: "standalone", url: text };
  const m = text.match(MULTI);
  if (!m) {
    throw invalid(
      "REDIS_URL must be redis://, rediss://, redis+cluster://h1:p1,h2:p2 or " +
        "redis+sentinel://h1:p1,h2:p2/mastername",
    );
  }
  const [, scheme, topology, userinfo, hostList, path = ""] = m;
  const tls = scheme === "rediss";
  const creds = parseUserinfo(userinfo);
  if (topology === "cluster") {
    if (path !== "" && path !== "/") {
      throw invalid("a redis+cluster URL takes no path: Redis Cluster has only database 0");
    }
    return { kind: "cluster", nodes: parseHosts(hostList, 6379), ...creds, tls };
  }
  const parts = path.split("/").filter((p) => p !== "");
  if (parts.length === 0 || parts.length > 2) {
    throw invalid("a redis+sentinel URL needs the master name as its path: /mastername[/db]");
  }
  const name = decode(parts[0]);
  const db = parts.length === 2 ? Number(parts[1]) : 0;
  if (!Number.isInteger(db) || db < 0) throw invalid("the database in a Redis URL is a number");
  return { kind: "sentinel", sentinels: parseHosts(hostList, 26379), name, db, ...creds, tls };
}

function parseUserinfo(userinfo: string | undefined): { username?: string; password?: string } {
  if (userinfo === undefined || userinfo === "") return {};
  const colon = userinfo.indexOf(":");
  const user = decode(colon === -1 ? userinfo : userinfo.slice(0, colon));
  const out: { username?: string; password?: string } = {};
  // `redis://:secret@host` is password-only auth, as in the standalone form.
  if (colon === -1) {
    if (user !== "") out.password = user;
    return out;
  }
  if (user !== "") out.username = user;
  out.password = decode(userinfo.slice(colon + 1));
  return out;
}

function parseHosts(list: string, defaultPort: number): RedisHost[] {
  return list.split(",").map((raw) => {
    const item = raw.trim();
    // `[::1]:6379`: brackets keep the IPv6 colons apart from the port.
    const m = item.match(/^\[([^\]]+)\](?::(\d+))?$/) ?? item.match(/^([^:[\]]+)(?::(\d+))?$/);
    if (!m) throw invalid("each Redis host must be host or host:port");
    const port = m[2] === undefined ? defaultPort : Number(m[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw invalid("a Redis port must be a number from 1 to 65535");
    }
    return { host: m[1], port };
  });
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw invalid("REDIS_URL has a malformed percent-escape");
  }
}

function invalid(message: string): StoreError {
  return new StoreError("invalid", "cache", message);
}
