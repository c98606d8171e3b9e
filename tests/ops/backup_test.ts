/**
 * Backups on both profiles: a run over the five stores, restored into a fresh deployment with a
 * proof that every store equals the manifest; verify names a corrupted part; two concurrent starts
 * give one run and one 409; a non-empty target is refused unless forced with the id typed back; a
 * stopping instance interrupts its run and records it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { AppError } from "../../src/errors.ts";
import {
  backupStatus,
  opsContextFromDeps,
  opsDomain,
  restoreBackup,
  startBackup,
  verifyBackup,
} from "../../src/ops/mod.ts";
import type { OpsContext } from "../../src/ops/types.ts";
import { BACKUP_BUCKET } from "../../src/ops/backup/parts.ts";
import { BackupsInFlight } from "../../src/ops/backup/in_flight.ts";
import { createUser, openTestApi, type Profile, type TestApi } from "../support/api.ts";
import { serverTest } from "../support/profile.ts";
import { openFreshDeployment } from "./fresh_deployment.ts";
import { createPrivateServer } from "../support/private_servers.ts";
import { freePort } from "../support/ports.ts";

function opsCtx(api: TestApi): OpsContext {
  return { stores: api.stores, config: api.app.deps.config, log: api.app.deps.log, now: Date.now };
}

async function seed(api: TestApi, tag: string) {
  const user = await createUser(api, { roles: ["comercial"] });
  const company = await api.stores.relational.query<{ id: string }>(
    "insert into companies (name, segment) values ($1, 'ops') returning id",
    [`Ops Co ${tag}`],
  );
  const notes = api.stores.documents.collection("ops_test_notes");
  await notes.insertOne({
    _id: `note-${tag}`,
    text: "hello",
    at: new Date("2026-01-02T03:04:05Z"),
    n: 3,
  });
  await api.stores.graph.upsertNode({ label: "OpsTest", id: `a-${tag}` }, { name: "a", w: 1 });
  await api.stores.graph.upsertNode({ label: "OpsTest", id: `b-${tag}` }, { tags: ["x", "y"] });
  await api.stores.graph.upsertEdge(
    { label: "OpsTest", id: `a-${tag}` },
    "LINKS",
    { label: "OpsTest", id: `b-${tag}` },
    { strength: 0.5 },
  );
  await api.stores.objects.ensureBucket("content");
  const body = new TextEncoder().encode(`object body ${tag}`);
  await api.stores.objects.put("content", `ops/${tag}.txt`, body, { contentType: "text/plain" });
  // An insight caught between the parts of a live backup: its document is in the snapshot, but
  // its outbox row and graph node came after the relational part was read.
  const res = await api.request("POST", "/api/v1/insights", {
    token: user.token,
    body: {
      title: `Caught mid-backup ${tag}`,
      body: "written while the backup ran",
      tags: ["ops"],
    },
  });
  assert.equal(res.status, 201, await res.clone().text());
  const insightId = String((await res.json()).id);
  await api.stores.relational.query("delete from insight_outbox where aggregate_id = $1", [
    insightId,
  ]);
  await api.stores.relational.query("delete from insight_jobs where insight_id = $1", [insightId]);
  await api.stores.graph.deleteNode({ label: "Insight", id: insightId });
  return { user, companyId: company.rows[0].id, insightId };
}

async function expectAppError(p: Promise<unknown>, status: number): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${err}`);
    assert.equal(err.status, status, err.message);
    return err;
  }
  assert.fail(`expected ${status}`);
}

async function waitFinished(ctx: OpsContext, id: string) {
  for (let i = 0; i < 600; i++) {
    const run = await backupStatus(ctx, id);
    if (run.state !== "running") return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`backup ${id} still running`);
}

function scenario(profile: Profile) {
  return async (t: Deno.TestContext) => {
    const api = await openTestApi(profile);
    const neo4j = profile === "server"
      ? await createPrivateServer("neo4j", freePort(), freePort())
      : undefined;
    try {
      const ctx = opsCtx(api);
      const tag = crypto.randomUUID().slice(0, 8);
      const seeded = await seed(api, tag);
      let id = "";

      await t.step("two concurrent starts: one run and one 409", async () => {
        const results = await Promise.allSettled([startBackup(ctx), startBackup(ctx)]);
        const ok = results.filter((r) => r.status === "fulfilled");
        const refused = results.filter((r) => r.status === "rejected");
        assert.equal(ok.length, 1);
        assert.equal(refused.length, 1);
        const reason = (refused[0] as PromiseRejectedResult).reason;
        assert.ok(reason instanceof AppError && reason.status === 409, String(reason));
        id = (ok[0] as PromiseFulfilledResult<string>).value;
        const run = await waitFinished(ctx, id);
        assert.equal(run.state, "succeeded", run.error ?? "");
        for (const [role, p] of Object.entries(run.progress)) {
          assert.equal(p.state, "done", role);
        }
        assert.equal(run.progress.cache.done, 0);
        assert.ok(run.progress.relational.done >= 2);
      });

      await t.step("restore into a fresh deployment proves every store equal", async () => {
        if (neo4j) await neo4j.start();
        const fresh = await openFreshDeployment(profile, { neo4j });
        try {
          const report = await restoreBackup(fresh.ctx, id, { source: api.stores.objects });
          assert.ok(report.proof.ok, JSON.stringify(report.proof, null, 2));
          assert.deepEqual(report.proof.stores.map((s) => s.store), [
            "relational",
            "documents",
            "graph",
            "cache",
            "objects",
          ]);
          for (const s of report.proof.stores) {
            assert.equal(s.actual_count, s.expected_count, s.store);
          }
          // The seeded rows are there, field for field.
          const u = await fresh.stores.relational.query<{ email: string }>(
            "select email from users where id = $1",
            [seeded.user.id],
          );
          assert.equal(u.rows[0]?.email, seeded.user.email);
          const c = await fresh.stores.relational.query("select 1 from companies where id = $1", [
            seeded.companyId,
          ]);
          assert.equal(c.rows.length, 1);
          // The graph projection of the insight the snapshot caught mid-flight is rebuilt.
          assert.ok(
            await fresh.stores.graph.getNode({ label: "Insight", id: seeded.insightId }),
            "the caught insight is projected after the restore",
          );
          const note = await fresh.stores.documents.collection("ops_test_notes").findOne({
            _id: `note-${tag}`,
          });
          assert.ok(note?.at instanceof Date);
          assert.equal((note.at as Date).toISOString(), "2026-01-02T03:04:05.000Z");
          assert.equal(
            await fresh.stores.graph.degree({ label: "OpsTest", id: `a-${tag}` }),
            1,
          );
          const obj = await fresh.stores.objects.get("content", `ops/${tag}.txt`);
          assert.equal(await new Response(obj.body).text(), `object body ${tag}`);

          // Now the target holds data: refused unless forced with the id typed back.
          await expectAppError(restoreBackup(fresh.ctx, id, { source: api.stores.objects }), 409);
          await expectAppError(
            restoreBackup(fresh.ctx, id, {
              source: api.stores.objects,
              force: true,
              confirmId: "not-it",
            }),
            422,
          );
          const again = await restoreBackup(fresh.ctx, id, {
            source: api.stores.objects,
            force: true,
            confirmId: id,
          });
          assert.ok(again.proof.ok, JSON.stringify(again.proof, null, 2));
        } finally {
          await fresh.close();
        }
      });

      await t.step("verify passes, then names a corrupted part", async () => {
        const ok = await verifyBackup(ctx, id);
        assert.ok(ok.ok, JSON.stringify(ok.failed));
        const run = await backupStatus(ctx, id);
        const path = `${run.prefix}graph/graph.ndjson.gz`;
        const original = await api.stores.objects.get(BACKUP_BUCKET, path);
        const bytes = new Uint8Array(await new Response(original.body).arrayBuffer());
        bytes[bytes.length - 5] ^= 0xff;
        await api.stores.objects.put(BACKUP_BUCKET, path, bytes);
        const bad = await verifyBackup(ctx, id);
        assert.equal(bad.ok, false);
        assert.deepEqual(bad.failed, ["graph/graph.ndjson.gz"]);
        const part = bad.parts.find((p) => p.path === "graph/graph.ndjson.gz")!;
        assert.ok(part.reason, "a reason is given");
      });

      await t.step("a stopping instance interrupts its backup and records why", async () => {
        // An instance of its own (the API's deps with a fresh set of runs), stopped the way
        // main.ts stops it: through the ops domain's jobs.
        const deps = { ...api.app.deps, backups: new BackupsInFlight() };
        const stopJobs = await opsDomain.jobs!(deps);
        const stopping = opsContextFromDeps(deps);
        const started = await startBackup(stopping);
        const before = await backupStatus(ctx, started);
        assert.equal(before.state, "running");
        await stopJobs();
        // The stop resolves only once the run has recorded its end: no polling needed.
        const run = await backupStatus(ctx, started);
        assert.equal(run.state, "failed");
        assert.match(run.error ?? "", /interrupted: the instance running it is shutting down/);
        const stuck = Object.values(run.progress).filter((p) => p.state === "running");
        assert.deepEqual(stuck, []);
        // A stop that lands while the run's row is still being written waits for it as well.
        const racing = { ...ctx, backups: new BackupsInFlight() };
        const starting = startBackup(racing);
        const stopped = racing.backups.stop();
        const raced = await starting;
        await stopped;
        const racedRun = await backupStatus(ctx, raced);
        assert.equal(racedRun.state, "failed");
        assert.match(racedRun.error ?? "", /interrupted/);
        // A stopped instance takes no new run; the others are not blocked by the interrupted one.
        const refused = await expectAppError(startBackup(stopping), 503);
        assert.match(refused.message, /shutting down/);
        const next = await startBackup(ctx);
        assert.equal((await waitFinished(ctx, next)).state, "succeeded");
      });
    } finally {
      await neo4j?.close();
      await api.close();
    }
  };
}

Deno.test({
  name: "backup -> fresh restore -> proof, verify, one run at a time [embedded]",
  fn: scenario("embedded"),
  sanitizeOps: false,
  sanitizeResources: false,
});
serverTest(
  "backup -> fresh restore -> proof, verify, one run at a time [server]",
  ["DATABASE_URL", "MONGODB_URL", "NEO4J_URL", "REDIS_URL", "S3_ENDPOINT"],
  scenario("server"),
);

serverTest(
  "a backup made embedded restores on the server profile, and one made on servers restores embedded",
  ["DATABASE_URL", "MONGODB_URL", "NEO4J_URL", "REDIS_URL", "S3_ENDPOINT"],
  async (t) => {
    await t.step("embedded -> server", async () => {
      const api = await openTestApi("embedded");
      const neo4j = await createPrivateServer("neo4j", freePort(), freePort());
      try {
        const tag = crypto.randomUUID().slice(0, 8);
        const seeded = await seed(api, tag);
        const id = await startBackup(opsCtx(api), { wait: true });
        assert.equal((await backupStatus(opsCtx(api), id)).state, "succeeded");
        await neo4j.start();
        const fresh = await openFreshDeployment("server", { neo4j });
        try {
          assert.equal(fresh.stores.relational.adapter, "pg");
          const report = await restoreBackup(fresh.ctx, id, { source: api.stores.objects });
          assert.ok(report.proof.ok, JSON.stringify(report.proof, null, 2));
          const u = await fresh.stores.relational.query("select 1 from users where id = $1", [
            seeded.user.id,
          ]);
          assert.equal(u.rows.length, 1);
          assert.ok(await fresh.stores.graph.getNode({ label: "OpsTest", id: `b-${tag}` }));
        } finally {
          await fresh.close();
        }
      } finally {
        await neo4j.close();
        await api.close();
      }
    });

    await t.step("server -> embedded", async () => {
      const api = await openTestApi("server");
      try {
        const tag = crypto.randomUUID().slice(0, 8);
        await seed(api, tag);
        const id = await startBackup(opsCtx(api), { wait: true });
        const run = await backupStatus(opsCtx(api), id);
        assert.equal(run.state, "succeeded", run.error ?? "");
        const fresh = await openFreshDeployment("embedded");
        try {
          assert.equal(fresh.stores.relational.adapter, "pglite");
          const report = await restoreBackup(fresh.ctx, id, { source: api.stores.objects });
          assert.ok(report.proof.ok, JSON.stringify(report.proof, null, 2));
          const note = await fresh.stores.documents.collection("ops_test_notes").findOne({
            _id: `note-${tag}`,
          });
          assert.equal(note?.text, "hello");
        } finally {
          await fresh.close();
        }
      } finally {
        await api.close();
      }
    });
  },
);
