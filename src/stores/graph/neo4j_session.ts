/**
 * How the Neo4j adapter talks to the server: one managed transaction per call on a fresh session,
 * bounded by the configured timeout, with its own retry of what is safe to retry, and the
 * per-label uniqueness constraints created on first write.
 *
 * @module
 */
import neo4j, { type Driver, type ManagedTransaction } from "neo4j-driver";
import { withTimeout } from "../resilience.ts";
import { L } from "./neo4j_cypher.ts";
import { mapNeo4jError, neo4jRetryKind } from "./neo4j_errors.ts";
import type { NodeRef } from "./port.ts";

/** Work run inside one managed transaction. */
export type TxWork<T> = (tx: ManagedTransaction) => Promise<T>;

/** Runs transactions for the adapter; every failure leaves as a graph StoreError. */
export class Neo4jRunner {
  readonly #driver: Driver;
  readonly #timeoutMs: number;
  readonly #txConfig: { timeout: number };
  // One uniqueness constraint per label, created the first time the label is written.
  readonly #constrained = new Map<string, Promise<void>>();

  constructor(driver: Driver, timeoutMs: number) {
    this.#driver = driver;
    this.#timeoutMs = timeoutMs;
    this.#txConfig = { timeout: timeoutMs };
  }

  /** Runs `work` in a READ or WRITE transaction within the timeout (`what` names it in errors). */
  async call<T>(mode: "READ" | "WRITE", what: string, work: TxWork<T>): Promise<T> {
    const deadline = performance.now() + this.#timeoutMs;
    try {
      return await withTimeout(
        "graph",
        this.#timeoutMs,
        this.#attempt(mode, work, deadline),
        what,
      );
    } catch (err) {
      throw mapNeo4jError(err);
    }
  }

  /**
   * Runs `work` in a managed transaction on a fresh session, retrying what is safe to retry:
   * every write here is an upsert (MERGE, SET +=) or a delete, so running one twice after a
   * dropped connection leaves the same graph.
   */
  async #attempt<T>(mode: "READ" | "WRITE", work: TxWork<T>, deadline: number): Promise<T> {
    for (let n = 1;; n++) {
      const session = this.#driver.session({
        defaultAccessMode: mode === "READ" ? neo4j.session.READ : neo4j.session.WRITE,
      });
      try {
        return mode === "READ"
          ? await session.executeRead(work, this.#txConfig)
          : await session.executeWrite(work, this.#txConfig);
      } catch (err) {
        const kind = neo4jRetryKind(err);
        const delay = Math.min(500, 10 * 2 ** n) * (0.5 + Math.random() / 2);
        const again = (kind === "transient" || (kind === "connection" && n < 3)) &&
          performance.now() + delay < deadline;
        if (!again) throw err;
        await new Promise((r) => setTimeout(r, delay));
      } finally {
        // Closing waits for the transaction; after a timeout it finishes in the background.
        session.close().catch(() => {});
      }
    }
  }

  /**
   * Creates the label's uniqueness constraint on `id` once per process. Schema changes cannot
   * share a transaction with data writes, hence the separate auto-commit run.
   */
  ensureLabel(label: string): Promise<void> {
    let p = this.#constrained.get(label);
    if (!p) {
      p = this.#createConstraint(label);
      this.#constrained.set(label, p);
      p.catch(() => this.#constrained.delete(label));
    }
    return p;
  }

  async #createConstraint(label: string): Promise<void> {
    const session = this.#driver.session({ defaultAccessMode: neo4j.session.WRITE });
    try {
      await withTimeout(
        "graph",
        this.#timeoutMs,
        session.run(
          `CREATE CONSTRAINT ${`graph_${label}_id`} IF NOT EXISTS
           FOR (n:${L(label)}) REQUIRE n.id IS UNIQUE`,
        ),
        "constraint",
      );
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // Someone else's equivalent constraint (another name) already guards the label.
      if (typeof code === "string" && /AlreadyExists/.test(code)) return;
      throw mapNeo4jError(err);
    } finally {
      session.close().catch(() => {});
    }
  }
}

/** True when the node exists (inside a transaction). */
export async function exists(tx: ManagedTransaction, ref: NodeRef): Promise<boolean> {
  const r = await tx.run(`MATCH (n:${L(ref.label)} {id: $id}) RETURN count(n) AS c`, {
    id: ref.id,
  });
  return (r.records[0]?.get("c") as number) > 0;
}
