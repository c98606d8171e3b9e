/**
 * Applies and reverts migrations. Each file runs in its own transaction holding a transaction-level
 * advisory lock, and re-checks the bookkeeping after taking it, so two instances starting at once
 * never apply the same file twice. Edited files that were already applied stop the run.
 *
 * @module
 */
import type { RelationalStore, Transaction } from "../stores/relational/port.ts";
import type { Migration } from "./files.ts";

/** Arbitrary constant shared by every polystore instance: "polystor" in ASCII. */
const LOCK_KEY = 0x706f6c7973746f72n;

export class MigrationError extends Error {
  override readonly name = "MigrationError";
}

export interface MigrationState {
  version: number;
  name: string;
  applied_at: Date | null;
  /** False when the file changed after it was applied. */
  checksum_ok: boolean;
}

// Under the lock too: two sessions running `create table if not exists` at once can both miss
// the table and one then fails on the catalogue's unique index.
async function ensureTable(db: RelationalStore): Promise<void> {
  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`);
  });
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

async function applied(db: Pick<Transaction, "query">): Promise<Map<number, AppliedRow>> {
  const r = await db.query<AppliedRow & Record<string, unknown>>(
    "select version, name, checksum, applied_at from schema_migrations order by version",
  );
  return new Map(r.rows.map((row) => [row.version, row]));
}

/** Each known migration with whether and when it was applied. */
export async function migrationStatus(
  db: RelationalStore,
  migrations: readonly Migration[],
): Promise<MigrationState[]> {
  await ensureTable(db);
  const done = await applied(db);
  return migrations.map((m) => {
    const row = done.get(m.version);
    return {
      version: m.version,
      name: m.name,
      applied_at: row?.applied_at ?? null,
      checksum_ok: row === undefined || row.checksum === m.checksum,
    };
  });
}

function assertUnchanged(migrations: readonly Migration[], done: Map<number, AppliedRow>): void {
  const changed = migrations.filter((m) => {
    const row = done.get(m.version);
    return row !== undefined && row.checksum !== m.checksum;
  });
  if (changed.length > 0) {
    const names = changed.map((m) => `${String(m.version).padStart(4, "0")}_${m.name}`);
    throw new MigrationError(
      `applied migrations were edited afterwards: ${names.join(", ")}; ` +
        "restore them and add a new migration instead",
    );
  }
}

async function lock(tx: Transaction): Promise<void> {
  await tx.query("select pg_advisory_xact_lock($1)", [LOCK_KEY.toString()]);
}

/** Applies every pending migration (up to `to` when given); returns the versions applied. */
export async function migrateUp(
  db: RelationalStore,
  migrations: readonly Migration[],
  options: { to?: number } = {},
): Promise<number[]> {
  await ensureTable(db);
  assertUnchanged(migrations, await applied(db));
  const done: number[] = [];
  for (const m of migrations) {
    if (options.to !== undefined && m.version > options.to) break;
    const ran = await db.transaction(async (tx) => {
      await lock(tx);
      const now = await applied(tx);
      assertUnchanged(migrations, now);
      if (now.has(m.version)) return false;
      await tx.exec(m.up);
      await tx.query(
        "insert into schema_migrations (version, name, checksum) values ($1, $2, $3)",
        [m.version, m.name, m.checksum],
      );
      return true;
    });
    if (ran) done.push(m.version);
  }
  return done;
}

/** Reverts the last `steps` applied migrations, newest first; returns the versions reverted. */
export async function migrateDown(
  db: RelationalStore,
  migrations: readonly Migration[],
  steps = 1,
): Promise<number[]> {
  await ensureTable(db);
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const reverted: number[] = [];
  for (let i = 0; i < steps; i++) {
    const version = await db.transaction(async (tx) => {
      await lock(tx);
      const now = await applied(tx);
      const last = [...now.keys()].sort((a, b) => b - a)[0];
      if (last === undefined) return undefined;
      const m = byVersion.get(last);
      if (!m) throw new MigrationError(`applied migration ${last} has no file to revert it`);
      if (now.get(last)!.checksum !== m.checksum) {
        throw new MigrationError(`migration ${last} (${m.name}) changed since it was applied`);
      }
      await tx.exec(m.down);
      await tx.query("delete from schema_migrations where version = $1", [last]);
      return last;
    });
    if (version === undefined) break;
    reverted.push(version);
  }
  return reverted;
}
