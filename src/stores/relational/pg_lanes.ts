/**
 * Statements outside a transaction travel pipelined over a few long-lived connections ("lanes"):
 * what one tick of the event loop asks goes out on one lane in one socket write, and the answers
 * come back in one read. A statement through npm:pg's pool costs the API ~35-45 us of CPU, most
 * of it a socket write and a timer per statement; pipelined and gathered, ~15 us (docs/bench.md).
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
}

type Config = pg.QueryConfig<unknown[]>;
type Result = pg.QueryResult<pg.QueryResultRow>;

/** One pipelined connection, and the sweep ticks at which its unanswered statements were sent. */
interface Lane {
  client: pg.Client | null;
  sent: number[];
}

/** How often overdue statements are looked for; a statement's deadline is rounded up to this. */
const SWEEP_MS = 1000;

/**
 * Runs statements pipelined over `lanes` connections. A lane whose oldest unanswered statement is
 * past the statement timeout plus a second (the server would have cancelled it: the server or the
 * network is gone) is cut, which fails everything waiting on it as unavailable; one timer checks
 * all lanes, instead of a timer per statement.
 */
export class PipelineLanes {
  readonly #options: LaneOptions;
  readonly #lanes: Lane[];
  #tickLane: Lane | null = null;
  #next = 0;
  #sweeps = 0;
  readonly #overdueAfter: number;
  readonly #sweeper: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(options: LaneOptions) {
    this.#options = options;
    this.#lanes = Array.from({ length: Math.max(1, options.lanes) }, () => ({
      client: null,
      sent: [],
    }));
    this.#overdueAfter = Math.ceil((options.statementTimeoutMs + 1000) / SWEEP_MS) + 1;
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_MS);
    // The sweep must not keep a finished process alive.
    Deno.unrefTimer(this.#sweeper as unknown as number);
  }

  /** Runs one statement (extended protocol) on this tick's lane. */
  query(config: Config): Promise<Result> {
    if (this.#closed) return Promise.reject(new Error("Connection terminated: lanes closed"));
    const lane = this.#pick();
    const client = lane.client ?? this.#open(lane);
    const sent = lane.sent;
    sent.push(this.#sweeps);
    const done = () => void sent.shift();
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

  // The lane with the fewest statements waiting, taken by every statement of this tick.
  #pick(): Lane {
    if (this.#tickLane) return this.#tickLane;
    const lanes = this.#lanes;
    const start = this.#next++ % lanes.length;
    let best = lanes[start];
    for (let i = 1; i < lanes.length && best.sent.length > 0; i++) {
      const lane = lanes[(start + i) % lanes.length];
      if (lane.sent.length < best.sent.length) best = lane;
    }
    this.#tickLane = best;
    queueMicrotask(() => this.#tickLane = null);
    return best;
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
      lane.sent = [];
    };
    client.on("error", drop);
    client.on("end", drop);
    lane.client = client;
    lane.sent = [];
    client.connect().catch(drop);
    return client;
  }

  #sweep(): void {
    const now = ++this.#sweeps;
    for (const lane of this.#lanes) {
      const oldest = lane.sent[0];
      if (lane.client === null || oldest === undefined || now - oldest < this.#overdueAfter) {
        continue;
      }
      const client = lane.client;
      lane.client = null;
      lane.sent = [];
      // Destroying the socket fails every statement waiting on it ("Connection terminated").
      (client as unknown as { connection: { stream: net.Socket } }).connection.stream.destroy();
    }
  }
}
