/**
 * Statements outside a transaction travel pipelined over a few long-lived connections ("lanes"):
 * what one tick of the event loop asks goes out on one lane in one socket write, and the answers
 * come back in one read. A statement through npm:pg's pool costs the API ~35-45 us of CPU, most
 * of it a socket write and a timer per statement; through the lanes, ~15-25 us (docs/bench.md).
 *
 * @module
 */
import net from "node:net";
import pg from "pg";

/**
 * A socket that holds what is written in one tick and sends it with one writev when the tick's
 * synchronous work and microtasks are done. npm:pg corks around each statement's messages; here
 * the first cork of a tick holds the socket until a microtask lets it go, so the statements of
 * many requests share the write.
 */
class TickSocket extends net.Socket {
  #held = false;

  override cork(): void {
    if (this.#held) return;
    this.#held = true;
    super.cork();
    queueMicrotask(() => {
      this.#held = false;
      super.uncork();
    });
  }

  override uncork(): void {}
}

export interface LaneOptions {
  url: string;
  lanes: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  /** Session start-up settings (`options` of the connection string). */
  startupOptions: string;
  types: pg.CustomTypesConfig;
  /** Where a tick's statements go when no lane may take them (the pool). */
  overflow: (config: Config) => Promise<Result>;
  /**
   * How long a lane's oldest unanswered statement may have waited for the lane to still take a
   * new tick's statements behind it. 0 (default): only an idle lane does, so no statement waits
   * behind one asked in an earlier tick.
   */
  stallMs?: number;
}

type Config = pg.QueryConfig<unknown[]>;
type Result = pg.QueryResult<pg.QueryResultRow>;

/** One pipelined connection, and when (performance.now()) its unanswered statements were sent. */
interface Lane {
  client: pg.Client | null;
  sentAt: number[];
}

/** How often overdue statements are looked for. */
const SWEEP_MS = 1000;

/**
 * Runs statements pipelined over `lanes` connections. A statement waits behind those sent before it
 * on its lane, so a new tick's statements take a lane only while its oldest unanswered statement is
 * younger than `stallMs` (by default: only an idle lane); when no lane qualifies they go to
 * `overflow` (the pool), and a slow report never holds up the quick reads asked after it. A lane
 * whose oldest statement is past the statement timeout plus a second (the server would have
 * cancelled it: the server or the network is gone) is cut, which fails everything waiting on it as
 * unavailable; one timer checks all lanes, instead of a timer per statement.
 */
export class PipelineLanes {
  readonly #options: LaneOptions;
  readonly #lanes: Lane[];
  /** Where this tick's statements go, once the tick's first one chose. */
  #tickTarget: Lane | "overflow" | null = null;
  #next = 0;
  readonly #stallMs: number;
  readonly #overdueMs: number;
  readonly #sweeper: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(options: LaneOptions) {
    this.#options = options;
    this.#lanes = Array.from({ length: Math.max(1, options.lanes) }, () => ({
      client: null,
      sentAt: [],
    }));
    this.#stallMs = options.stallMs ?? 0;
    this.#overdueMs = options.statementTimeoutMs + 1000;
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_MS);
    // The sweep must not keep a finished process alive.
    Deno.unrefTimer(this.#sweeper as unknown as number);
  }

  /** Runs one statement (extended protocol) on this tick's lane, or the overflow. */
  query(config: Config): Promise<Result> {
    if (this.#closed) return Promise.reject(new Error("Connection terminated: lanes closed"));
    const now = performance.now();
    const lane = this.#pick(now);
    if (lane === "overflow") return this.#options.overflow(config);
    const client = lane.client ?? this.#open(lane);
    const sentAt = lane.sentAt;
    sentAt.push(now);
    // Answers come back in the order the statements went out.
    const done = () => void sentAt.shift();
    const answer = client.query(config);
    answer.then(done, done);
    return answer;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    await Promise.all(this.#lanes.map(async (lane) => {
      const client = lane.client;
      lane.client = null;
      await client?.end().catch(() => {});
    }));
  }

  // The lane with the fewest statements waiting among those that may take more, taken by every
  // statement of this tick.
  #pick(now: number): Lane | "overflow" {
    if (this.#tickTarget) return this.#tickTarget;
    const lanes = this.#lanes;
    const start = this.#next++ % lanes.length;
    let best: Lane | undefined;
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[(start + i) % lanes.length];
      const oldest = lane.sentAt[0];
      if (oldest !== undefined && now - oldest >= this.#stallMs) continue;
      if (best === undefined || lane.sentAt.length < best.sentAt.length) best = lane;
      if (best.sentAt.length === 0) break;
    }
    this.#tickTarget = best ?? "overflow";
    queueMicrotask(() => this.#tickTarget = null);
    return this.#tickTarget;
  }

  // Statements asked while it connects wait in the client and go out once it is ready; a failed
  // connect or a lost connection fails them, and the lane's next statement opens a new one.
  #open(lane: Lane): pg.Client {
    const o = this.#options;
    const client = new pg.Client({
      connectionString: o.url,
      pipeline: true,
      stream: () => new TickSocket(),
      connectionTimeoutMillis: o.connectTimeoutMs,
      statement_timeout: o.statementTimeoutMs,
      application_name: "polystore",
      options: o.startupOptions,
      types: o.types,
    });
    const drop = () => {
      if (lane.client !== client) return;
      lane.client = null;
      lane.sentAt = [];
    };
    client.on("error", drop);
    client.on("end", drop);
    lane.client = client;
    lane.sentAt = [];
    client.connect().catch(drop);
    return client;
  }

  #sweep(): void {
    const now = performance.now();
    for (const lane of this.#lanes) {
      const oldest = lane.sentAt[0];
      if (lane.client === null || oldest === undefined || now - oldest < this.#overdueMs) continue;
      const client = lane.client;
      lane.client = null;
      lane.sentAt = [];
      // Destroying the socket fails every statement waiting on it ("Connection terminated").
      (client as unknown as { connection: { stream: net.Socket } }).connection.stream.destroy();
    }
  }
}
