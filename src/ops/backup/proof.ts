/**
 * The proof after a restore: each part's items recomputed from the live stores (count and content
 * digest equal the manifest's), derived data rebuilt (the insight graph projection), then
 * cross-store invariants. Invariants skip themselves when what
 * they check is absent, so new ones can be added to PROOF_INVARIANTS as stores gain data.
 *
 * @module
 */
import type { Manifest, OpsContext, ProofReport, StoreProof, StoreRole } from "../types.ts";
import type { InvariantResult } from "../types.ts";
import { SetDigest } from "./digest.ts";
import { inventoryDigestOf, liveInventory } from "./objects.ts";
import { dumpTable, listTables } from "./relational.ts";
import { ROLES } from "./catalogue.ts";
import { consistencyReport, repairConsistency } from "../../insights/mod.ts";

/** One cross-store check: returns ok, or skipped when its table or collection is absent. */
export interface Invariant {
  name: string;
  check(ctx: OpsContext): Promise<Omit<InvariantResult, "name">>;
}

async function tableHasColumns(ctx: OpsContext, table: string, cols: string[]): Promise<boolean> {
  const r = await ctx.stores.relational.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = $1 AND column_name = ANY($2::text[])`,
    [table, cols],
  );
  return Number(r.rows[0].n) === cols.length;
}

/** Of `ids`, those a pending insight outbox row still owes to the graph. */
async function pendingProjections(ctx: OpsContext, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const r = await ctx.stores.relational.query<{ id: string }>(
    `SELECT DISTINCT aggregate_id::text AS id FROM insight_outbox
     WHERE processed_at IS NULL AND aggregate_id = ANY($1::uuid[])`,
    [ids],
  );
  return new Set(r.rows.map((row) => row.id));
}

/** The built-in invariants; the lead's merge may append more. */
export const PROOF_INVARIANTS: Invariant[] = [
  {
    // A backup taken while the projector had a backlog restores that backlog too, so an insight
    // still owed to the graph by a pending outbox row is on its way, not lost.
    name: "every live insight has its graph node or a pending projection",
    async check(ctx) {
      const names = await ctx.stores.documents.listCollections();
      if (!names.includes("insights")) return { ok: true, skipped: true, detail: "no insights" };
      // The insights domain's own drift check: live documents against the graph's Insight nodes.
      const unprojected = (await consistencyReport(ctx.stores)).missing_in_graph
        .filter((id) => !id.startsWith("relationship:"));
      const outbox = await tableHasColumns(ctx, "insight_outbox", ["aggregate_id", "processed_at"]);
      const owed = outbox ? await pendingProjections(ctx, unprojected) : new Set<string>();
      const missing = unprojected.length - owed.size;
      if (missing > 0) {
        return { ok: false, skipped: false, detail: `${missing} insights without a graph node` };
      }
      return owed.size > 0
        ? { ok: true, skipped: false, detail: `${owed.size} insights still to be projected` }
        : { ok: true, skipped: false };
    },
  },
  {
    // A deleted file's object may already be swept; only live rows promise their bytes.
    name: "every live files row has its object",
    async check(ctx) {
      if (!(await tableHasColumns(ctx, "files", ["bucket", "key"]))) {
        return { ok: true, skipped: true, detail: "no files table with bucket and key" };
      }
      let missing = 0;
      let after = "";
      while (true) {
        const r = await ctx.stores.relational.query<{ id: string; bucket: string; key: string }>(
          `SELECT id::text AS id, bucket, key FROM files
           WHERE deleted_at IS NULL AND id::text > $1 ORDER BY id::text LIMIT 500`,
          [after],
        );
        // Sixteen stats in flight: one round trip each, but not one after another.
        for (let i = 0; i < r.rows.length; i += 16) {
          const found = await Promise.all(
            r.rows.slice(i, i + 16).map((f) => ctx.stores.objects.stat(f.bucket, f.key)),
          );
          missing += found.filter((info) => !info).length;
        }
        if (r.rows.length < 500) break;
        after = r.rows[r.rows.length - 1].id;
      }
      return missing === 0
        ? { ok: true, skipped: false }
        : { ok: false, skipped: false, detail: `${missing} files rows without an object` };
    },
  },
];

async function digestOf(
  lines: AsyncIterable<string>,
  pick?: (line: string) => string,
): Promise<SetDigest> {
  const d = new SetDigest();
  for await (const chunk of lines) {
    for (const line of chunk.split("\n")) {
      if (line.trim() === "") continue;
      if (pick) d.add(pick(line));
      else d.addJsonLine(line);
    }
  }
  return d;
}

/** Recomputes every part from the live stores and runs the invariants. */
export async function proveRestore(
  ctx: OpsContext,
  manifest: Manifest,
  invariants: readonly Invariant[] = PROOF_INVARIANTS,
): Promise<ProofReport> {
  const { stores } = ctx;
  const tables = new Map((await listTables(stores.relational)).map((t) => [t.name, t]));
  const live = new Map<string, SetDigest>();
  for (const p of manifest.parts) {
    let d: SetDigest;
    switch (p.store) {
      case "relational": {
        const t = tables.get(p.name);
        d = t ? await digestOf(dumpTable(stores.relational, t)) : new SetDigest();
        break;
      }
      case "documents":
        d = await digestOf(stores.documents.collection(p.name).exportNdjson());
        break;
      case "graph":
        d = await digestOf(stores.graph.exportNdjson());
        break;
      case "objects":
        d = await digestOf(liveInventory(stores.objects), inventoryDigestOf);
        break;
      default:
        d = new SetDigest();
    }
    live.set(p.path, d);
  }
  const storeProofs: StoreProof[] = ROLES.map((role: StoreRole) => {
    const mine = manifest.parts.filter((p) => p.store === role);
    const mismatched = mine.filter((p) => {
      const d = live.get(p.path)!;
      return d.count !== p.count || d.hex() !== p.content_digest;
    }).map((p) => p.path);
    return {
      store: role,
      ok: mismatched.length === 0,
      expected_count: mine.reduce((a, p) => a + p.count, 0),
      actual_count: mine.reduce((a, p) => a + live.get(p.path)!.count, 0),
      mismatched,
    };
  });
  // Parts are read one store after another while the API may be writing, so the snapshot can
  // hold an insight document whose outbox row and graph node came after the relational part.
  // The graph is a projection of the documents: rebuild what drifted before judging invariants.
  if ((await stores.documents.listCollections()).includes("insights")) {
    const { repaired } = await repairConsistency(stores, ctx.log);
    if (repaired > 0) ctx.log.info("restore re-projected insights to the graph", { repaired });
  }
  const checks: InvariantResult[] = [];
  for (const inv of invariants) {
    try {
      checks.push({ name: inv.name, ...(await inv.check(ctx)) });
    } catch (err) {
      checks.push({ name: inv.name, ok: false, skipped: false, detail: String(err) });
    }
  }
  return {
    ok: storeProofs.every((s) => s.ok) && checks.every((c) => c.ok),
    stores: storeProofs,
    invariants: checks,
  };
}
