/**
 * The one place that reads the environment. Every setting of design section 2 is parsed here
 * once with zod; a bad value stops start-up with one line naming the variable.
 *
 * @module
 */
import { PGLITE_SHARED_BUFFERS_DEFAULT_MB } from "./stores/relational/session.ts";
import { z } from "zod";

const optionalUrl = (schemes: readonly string[]) =>
  z.string().trim().optional().transform((v) => (v === "" ? undefined : v)).refine(
    (v) => v === undefined || schemes.some((s) => v.startsWith(`${s}://`)),
    { message: `must start with ${schemes.map((s) => `${s}://`).join(" or ")}` },
  );

const intIn = (min: number, max: number, fallback: number) =>
  z.string().trim().optional().transform((v, ctx) => {
    if (v === undefined || v === "") return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });

const bool = (fallback: boolean) =>
  z.string().trim().toLowerCase().optional().transform((v, ctx) => {
    if (v === undefined || v === "") return fallback;
    if (v === "true" || v === "1") return true;
    if (v === "false" || v === "0") return false;
    ctx.addIssue({ code: "custom", message: "must be true, false, 1 or 0" });
    return z.NEVER;
  });

const csv = z.string().optional().transform((v) =>
  (v ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0)
);

/** FILES_LIMITS: per-bucket overrides of the upload size limit and the allowed content types. */
const filesLimits = z.string().trim().optional().transform((v, ctx) => {
  if (v === undefined || v === "") return {};
  let raw: unknown;
  try {
    raw = JSON.parse(v);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be a JSON object" });
    return z.NEVER;
  }
  const parsed = z.record(
    z.string().regex(/^[a-z0-9-]{3,63}$/),
    z.strictObject({
      max_bytes: z.number().int().min(1).max(5 * 1024 ** 4).optional(),
      types: z.array(z.string().regex(/^[a-z0-9!#$&^_.+-]+\/(\*|[a-z0-9!#$&^_.+-]+)$|^\*\/\*$/i))
        .optional(),
    }),
  ).safeParse(raw);
  if (!parsed.success) {
    ctx.addIssue({
      code: "custom",
      message: 'must map bucket names to {"max_bytes": n, "types": ["type/subtype", ...]}',
    });
    return z.NEVER;
  }
  return parsed.data;
});
const dailyAt = (fallback: string) =>
  z.string().trim().toLowerCase().optional().transform((v, ctx) => {
    const text = v === undefined || v === "" ? fallback : v;
    if (text === "off") return null;
    const m = text.match(/^([01]\d|2[0-3]):([0-5]\d)$/);
    if (!m) {
      ctx.addIssue({ code: "custom", message: 'must be HH:MM (UTC) or "off"' });
      return z.NEVER;
    }
    return { hour: Number(m[1]), minute: Number(m[2]) };
  });

/** The raw environment: names exactly as users set them. */
export const EnvSchema = z.object({
  PORT: intIn(1, 65535, 8000),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().trim().min(1).default("./data"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  PUBLIC_URL: optionalUrl(["http", "https"]),
  CORS_ORIGINS: csv,
  BODY_LIMIT_BYTES: intIn(1024, 100 * 1024 * 1024, 1024 * 1024),
  // Only behind a proxy that sets X-Forwarded-For: otherwise clients could pick their own IP.
  TRUST_PROXY: bool(false),

  DATABASE_URL: optionalUrl(["postgres", "postgresql", "memory"]),
  // Embedded Postgres's buffer cache: resident memory that once filled stays filled.
  PGLITE_SHARED_BUFFERS_MB: intIn(16, 4096, PGLITE_SHARED_BUFFERS_DEFAULT_MB),
  // A URL that is not a transaction-pooling PgBouncer, for LISTEN (account changes).
  DATABASE_LISTEN_URL: optionalUrl(["postgres", "postgresql"]),
  DB_POOL_SIZE: intIn(1, 200, 10),
  // Connections carrying statements outside transactions, pipelined; 0 sends them through the pool.
  DB_PIPELINE_LANES: intIn(0, 32, 2),
  // How long a lane's oldest statement may wait for new ones to queue behind it (0: none).
  DB_PIPELINE_STALL_MS: intIn(0, 1000, 0),
  DB_IDLE_TIMEOUT_MS: intIn(100, 3_600_000, 30_000),
  DB_STATEMENT_TIMEOUT_MS: intIn(100, 600_000, 15_000),
  MONGODB_URL: optionalUrl(["mongodb", "mongodb+srv"]),
  MONGODB_DB: z.string().trim().min(1).default("polystore"),
  NEO4J_URL: optionalUrl(["neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"]),
  NEO4J_USER: z.string().default("neo4j"),
  NEO4J_PASSWORD: z.string().default(""),
  REDIS_URL: optionalUrl([
    "redis",
    "rediss",
    "redis+sentinel",
    "rediss+sentinel",
    "redis+cluster",
    "rediss+cluster",
  ]),
  S3_ENDPOINT: optionalUrl(["http", "https"]),
  S3_ACCESS_KEY: z.string().default(""),
  S3_SECRET_KEY: z.string().default(""),
  S3_REGION: z.string().default("us-east-1"),
  // Where browsers reach the S3 endpoint (public avatars); S3_ENDPOINT when unset.
  S3_PUBLIC_URL: optionalUrl(["http", "https"]),
  FILES_LIMITS: filesLimits,
  FILES_DIRECT_MAX_BYTES: intIn(1, 100 * 1024 * 1024, 10 * 1024 * 1024),
  FILES_URL_TTL_SECONDS: intIn(60, 7 * 24 * 3600, 900),
  FILES_SWEEP_EVERY_MS: intIn(1000, 24 * 3600 * 1000, 3600 * 1000),
  STORE_TIMEOUT_MS: intIn(50, 120_000, 5_000),
  // How often free C heap pages go back to the system (src/system/memory_return.ts); 0 = never.
  MEMORY_TRIM_EVERY_MS: intIn(0, 3_600_000, 2_000),

  JWT_SECRET: z.string().optional().refine((v) => v === undefined || v.length >= 32, {
    message: "must be at least 32 characters",
  }),
  ADMIN_EMAIL: z.string().trim().toLowerCase().email().optional(),
  ADMIN_PASSWORD: z.string().min(12).optional(),
  RATE_LIMIT_ANON_PER_MIN: intIn(1, 1_000_000, 120),
  RATE_LIMIT_USER_PER_MIN: intIn(1, 1_000_000, 600),
  RATE_LIMIT_AUTH_PER_MIN: intIn(1, 1_000_000, 10),
  INSIGHTS_POLL_MS: intIn(10, 60_000, 100),
  INSIGHTS_MAX_ATTEMPTS: intIn(1, 20, 3),
  INSIGHTS_MAX_BACKOFF_MS: intIn(10, 3_600_000, 5_000),
  INSIGHTS_AUDIO_MAX_BYTES: intIn(1024, 500_000_000, 25_000_000),

  // Ops schedules, daily at HH:MM UTC, or "off".
  BACKUP_SCHEDULE: dailyAt("03:00"),
  // Fraction of requests written to the api_request_logs collection (0 = off).
  REQUEST_LOG_SAMPLE: z.string().trim().optional().transform((v, ctx) => {
    if (v === undefined || v === "") return 0;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 1) {
      ctx.addIssue({ code: "custom", message: "must be a number from 0 to 1" });
      return z.NEVER;
    }
    return n;
  }),
  PARTITION_SCHEDULE: dailyAt("04:00"),
});

export type Env = z.infer<typeof EnvSchema>;

/** Settings as the code uses them, grouped by concern. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  logLevel: Env["LOG_LEVEL"];
  publicUrl: string;
  corsOrigins: string[];
  bodyLimitBytes: number;
  /** Take the client IP from X-Forwarded-For (rate limits, audit). */
  trustProxy: boolean;
  storeTimeoutMs: number;
  /** How often the C allocator's free pages are handed back (ms; 0: never). */
  memoryTrimEveryMs: number;
  relational: {
    url: string | undefined;
    /** Where LISTEN connects when `url` goes through a transaction pooler; default `url`. */
    listenUrl: string | undefined;
    /** shared_buffers of the embedded PGlite, in MB. */
    pgliteSharedBuffersMb: number;
    poolSize: number;
    /** Pipelined connections for statements outside transactions (0: through the pool). */
    pipelineLanes: number;
    /** How long a lane's oldest statement may wait for new ones to queue behind it (ms). */
    pipelineStallMs: number;
    idleTimeoutMs: number;
    statementTimeoutMs: number;
  };
  documents: { url: string | undefined; db: string };
  graph: { url: string | undefined; user: string; password: string };
  cache: { url: string | undefined };
  objects: { endpoint: string | undefined; accessKey: string; secretKey: string; region: string };
  auth: {
    /** Undefined in a purely embedded run until `main.ts` loads or creates one in DATA_DIR. */
    jwtSecret: string | undefined;
    adminEmail: string | undefined;
    adminPassword: string | undefined;
  };
  /**
   * Requests per minute: anonymous callers per IP, signed-in callers per user, and the auth group
   * (register, login, refresh, password change) per IP and, for login, per e-mail.
   */
  rateLimits: { anonPerMin: number; userPerMin: number; authPerMin: number };
  /** The files domain: limit overrides, direct-upload size, signed URL lifetime, sweep period. */
  files: {
    limits: Record<string, { max_bytes?: number; types?: string[] }>;
    directMaxBytes: number;
    urlTtlSeconds: number;
    sweepEveryMs: number;
    /** Base URL of public objects on S3 (avatars); undefined with the folder adapter. */
    publicObjectsUrl: string | undefined;
  };
  /** Insight jobs: queue and outbox poll interval, processing attempts, audio upload cap. */
  insights: { pollMs: number; maxAttempts: number; maxBackoffMs: number; audioMaxBytes: number };
  /** Daily ops jobs (UTC); null is off. Only started by main.ts through the ops domain's jobs. */
  ops: {
    backupAt: { hour: number; minute: number } | null;
    partitionsAt: { hour: number; minute: number } | null;
    /** Fraction of requests logged to the api_request_logs collection; 0 is off. */
    requestLogSample: number;
  };
}

/** Raised when the environment does not parse; the message is one line per bad variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Parses `env` (normally `Deno.env.toObject()`) into a Config or throws a ConfigError. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join("; ")}`);
  }
  const e = parsed.data;
  const usesServer = [e.DATABASE_URL, e.MONGODB_URL, e.NEO4J_URL, e.REDIS_URL, e.S3_ENDPOINT]
    .some((u) => u !== undefined && !u.startsWith("memory://"));
  if (usesServer && e.JWT_SECRET === undefined) {
    throw new ConfigError(
      "invalid configuration: JWT_SECRET: required when any server store is configured",
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`,
    corsOrigins: e.CORS_ORIGINS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY,
    storeTimeoutMs: e.STORE_TIMEOUT_MS,
    memoryTrimEveryMs: e.MEMORY_TRIM_EVERY_MS,
    relational: {
      url: e.DATABASE_URL,
      listenUrl: e.DATABASE_LISTEN_URL,
      pgliteSharedBuffersMb: e.PGLITE_SHARED_BUFFERS_MB,
      poolSize: e.DB_POOL_SIZE,
      pipelineLanes: e.DB_PIPELINE_LANES,
      pipelineStallMs: e.DB_PIPELINE_STALL_MS,
      idleTimeoutMs: e.DB_IDLE_TIMEOUT_MS,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    },
    documents: { url: e.MONGODB_URL, db: e.MONGODB_DB },
    graph: { url: e.NEO4J_URL, user: e.NEO4J_USER, password: e.NEO4J_PASSWORD },
    cache: { url: e.REDIS_URL },
    objects: {
      endpoint: e.S3_ENDPOINT,
      accessKey: e.S3_ACCESS_KEY,
      secretKey: e.S3_SECRET_KEY,
      region: e.S3_REGION,
    },
    auth: { jwtSecret: e.JWT_SECRET, adminEmail: e.ADMIN_EMAIL, adminPassword: e.ADMIN_PASSWORD },
    rateLimits: {
      anonPerMin: e.RATE_LIMIT_ANON_PER_MIN,
      userPerMin: e.RATE_LIMIT_USER_PER_MIN,
      authPerMin: e.RATE_LIMIT_AUTH_PER_MIN,
    },
    files: {
      limits: e.FILES_LIMITS,
      directMaxBytes: e.FILES_DIRECT_MAX_BYTES,
      urlTtlSeconds: e.FILES_URL_TTL_SECONDS,
      sweepEveryMs: e.FILES_SWEEP_EVERY_MS,
      publicObjectsUrl: (e.S3_PUBLIC_URL ?? e.S3_ENDPOINT)?.replace(/\/+$/, ""),
    },
    insights: {
      pollMs: e.INSIGHTS_POLL_MS,
      maxAttempts: e.INSIGHTS_MAX_ATTEMPTS,
      maxBackoffMs: e.INSIGHTS_MAX_BACKOFF_MS,
      audioMaxBytes: e.INSIGHTS_AUDIO_MAX_BYTES,
    },
    ops: {
      backupAt: e.BACKUP_SCHEDULE,
      partitionsAt: e.PARTITION_SCHEDULE,
      requestLogSample: e.REQUEST_LOG_SAMPLE,
    },
  };
}
