/**
 * The admin API on both profiles: admin-only; cache inspection never shows a secret and deletes
 * by pattern only after a count; a partition archive with an injected clock refuses a month inside
 * the retention window on a dry run, then moves it to the bucket and drops it; health per store;
 * a backup started over HTTP is followed to its end and audited.
 *
 * @module
 */
import assert from "node:assert/strict";
import { archivePartitions } from "../../src/ops/mod.ts";
import { BACKUP_BUCKET } from "../../src/ops/backup/parts.ts";
import { apiTest, createUser, json } from "../support/api.ts";

apiTest("admin ops API", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const director = await createUser(api, { roles: ["diretor"] });
  const tag = crypto.randomUUID().slice(0, 8);
  const get = (path: string, token = admin.token) => api.request("GET", path, { token });

  await t.step("only admin reaches /admin", async () => {
    for (
      const path of ["/api/v1/admin/cache/keys", "/api/v1/admin/backups", "/api/v1/admin/health"]
    ) {
      const res = await get(path, director.token);
      assert.equal(res.status, 403, path);
      await res.body?.cancel();
    }
    const anon = await api.request("GET", "/api/v1/admin/partitions");
    assert.equal(anon.status, 401);
    await anon.body?.cancel();
  });

  await t.step("cache inspection never shows a secret", async () => {
    const cache = api.stores.cache;
    await cache.set(
      `refresh_grace:${tag}`,
      JSON.stringify({ access_token: "SECRET-AT", refresh_token: "SECRET-RT" }),
      60_000,
    );
    await cache.set(`blacklist:jwt:${tag}`, "SECRET-JTI", 60_000);
    await cache.set(
      `opstest:${tag}:profile`,
      JSON.stringify({
        name: "Ana",
        password_hash: "SECRET-HASH",
        nested: { api_key: "SECRET-K" },
      }),
      60_000,
    );
    await cache.set(`opstest:${tag}:plain`, "visible", 60_000);

    const list = await get(`/api/v1/admin/cache/keys?pattern=*${tag}*`);
    assert.equal(list.status, 200);
    const listText = await list.text();
    assert.ok(!listText.includes("SECRET"));
    const page = JSON.parse(listText) as {
      items: { key: string; secret: boolean; ttl_ms: number }[];
    };
    assert.deepEqual(page.items.map((i) => i.key), [
      `blacklist:jwt:${tag}`,
      `opstest:${tag}:plain`,
      `opstest:${tag}:profile`,
      `refresh_grace:${tag}`,
    ]);
    assert.deepEqual(page.items.map((i) => i.secret), [true, false, false, true]);
    assert.ok(page.items.every((i) => i.ttl_ms > 0 && i.ttl_ms <= 60_000));

    for (const key of [`refresh_grace:${tag}`, `blacklist:jwt:${tag}`, `opstest:${tag}:profile`]) {
      const res = await get(`/api/v1/admin/cache/keys/${encodeURIComponent(key)}`);
      assert.equal(res.status, 200, key);
      const text = await res.text();
      assert.ok(!text.includes("SECRET"), `${key}: ${text}`);
      assert.equal(JSON.parse(text).redacted, true, key);
    }
    const plain = await json(await get(`/api/v1/admin/cache/keys/opstest:${tag}:plain`));
    assert.equal(plain.value, "visible");
    assert.equal(plain.redacted, false);

    // Paging: one key at a time walks all four.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `pattern=*${tag}*&count=1${
        cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
      }`;
      const p = await json<{ items: { key: string }[]; next_cursor: string | null }>(
        await get(`/api/v1/admin/cache/keys?${q}`),
      );
      seen.push(...p.items.map((i) => i.key));
      cursor = p.next_cursor;
    } while (cursor);
    assert.equal(seen.length, 4);
  });

  await t.step("delete by pattern counts first, then needs the count", async () => {
    const pattern = encodeURIComponent(`opstest:${tag}:*`);
    const del = (q: string) =>
      api.request("DELETE", `/api/v1/admin/cache/keys?${q}`, { token: admin.token });
    const counted = await json(await del(`pattern=${pattern}`));
    assert.deepEqual(counted, { matched: 2, deleted: 0, dry_run: true });
    assert.notEqual(await api.stores.cache.get(`opstest:${tag}:plain`), null);
    const stale = await del(`pattern=${pattern}&confirm_count=5`);
    assert.equal(stale.status, 409);
    await stale.body?.cancel();
    const done = await json(await del(`pattern=${pattern}&confirm_count=2`));
    assert.deepEqual(done, { matched: 2, deleted: 2, dry_run: false });
    assert.equal(await api.stores.cache.get(`opstest:${tag}:plain`), null);
    const one = await api.request("DELETE", `/api/v1/admin/cache/keys/blacklist:jwt:${tag}`, {
      token: admin.token,
    });
    assert.equal(one.status, 200);
    await one.body?.cancel();
    assert.equal(await api.stores.cache.get(`blacklist:jwt:${tag}`), null);
    const stats = await json(await get("/api/v1/admin/cache/stats"));
    assert.equal(stats.adapter, api.stores.cache.adapter);
    assert.ok(Array.isArray(stats.namespaces));
  });

  await t.step("partition archive: dry run refuses inside the window, then archives", async () => {
    const db = api.stores.relational;
    const month = 1 + (parseInt(tag.slice(0, 4), 16) % 12);
    const mm = String(month).padStart(2, "0");
    const name = `audit_logs_2001_${mm}`;
    await db.query("select create_monthly_partition('audit_logs', 2001, $1)", [month]);
    for (let i = 0; i < 3; i++) {
      await db.query(
        `insert into audit_logs (action, resource_type, created_at) values ($1, 'ops_test', $2)`,
        [`archive-${tag}`, new Date(Date.UTC(2001, month - 1, 10 + i))],
      );
    }
    const ctx = {
      stores: api.stores,
      config: api.app.deps.config,
      log: api.app.deps.log,
      now: Date.now,
    };
    // Two months after: inside audit_logs' 6-month hot window.
    const early = await archivePartitions(ctx, {
      dryRun: true,
      now: Date.UTC(2001, month + 1, 15),
      only: [name],
    });
    assert.equal(early.actions.length, 1);
    assert.equal(early.actions[0].action, "refuse");
    assert.match(early.actions[0].reason ?? "", /retention window/);
    assert.equal(early.actions[0].rows, 3);

    const list = await json<{ items: { name: string; rows: number; is_default: boolean }[] }>(
      await get("/api/v1/admin/partitions"),
    );
    assert.equal(list.items.find((p) => p.name === name)?.rows, 3);
    assert.ok(list.items.some((p) => p.is_default));

    // The body is optional (its defaults: a dry run of every partition); another media type is 415.
    const bare = await api.request("POST", "/api/v1/admin/partitions/archive", {
      token: admin.token,
    });
    assert.equal(bare.status, 200);
    assert.equal((await json<{ dry_run: boolean }>(bare)).dry_run, true);
    const ensured = await api.request("POST", "/api/v1/admin/partitions/ensure", {
      token: admin.token,
    });
    assert.equal(ensured.status, 200);
    assert.ok(Array.isArray((await json<{ created: string[] }>(ensured)).created));
    for (const path of ["archive", "ensure"]) {
      const text = await api.request("POST", `/api/v1/admin/partitions/${path}`, {
        token: admin.token,
        body: "dry_run=false",
        headers: { "Content-Type": "text/plain" },
      });
      assert.equal(text.status, 415, path);
      await text.body?.cancel();
    }

    // Over HTTP (today's clock) a dry run lists it to go, and changes nothing.
    const dry = await api.request("POST", "/api/v1/admin/partitions/archive", {
      token: admin.token,
      body: { dry_run: true, partitions: [name] },
    });
    assert.equal(dry.status, 200);
    const dryRun = await json<{ actions: { partition: string; action: string }[] }>(dry);
    assert.equal(dryRun.actions.find((a) => a.partition === name)?.action, "archive");
    const still = await db.query<{ p: boolean }>("select to_regclass($1) is not null as p", [name]);
    assert.equal(still.rows[0].p, true);

    // A year later (past the 6-month hot window, inside the 36-month cold one): archived,
    // verified, dropped.
    const run = await archivePartitions(ctx, {
      dryRun: false,
      now: Date.UTC(2002, month - 1, 15),
      only: [name],
    });
    const archived = run.actions.find((a) => a.action === "archive")!;
    assert.ok(!run.actions.some((a) => a.action === "expire" && a.partition === name));
    assert.equal(archived.object_key, `partitions/audit_logs/${name}.ndjson.gz`);
    assert.match(archived.sha256 ?? "", /^[0-9a-f]{64}$/);
    const gone = await db.query<{ p: boolean }>("select to_regclass($1) is not null as p", [name]);
    assert.equal(gone.rows[0].p, false);
    const obj = await api.stores.objects.get(BACKUP_BUCKET, archived.object_key!);
    const text = await new Response(
      obj.body.pipeThrough(
        new DecompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
      ),
    ).text();
    const rows = text.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(rows.length, 3);
    assert.ok(rows.every((r) => r.action === `archive-${tag}`));
    const runs = await json<{ items: { state: string; dry_run: boolean }[] }>(
      await get("/api/v1/admin/partitions/runs"),
    );
    assert.ok(runs.items.some((r) => r.state === "succeeded" && !r.dry_run));
  });

  await t.step("health per store", async () => {
    const h = await json<{ stores: { role: string; up: boolean; version: string | null }[] }>(
      await get("/api/v1/admin/health"),
    );
    assert.deepEqual(h.stores.map((s) => s.role), [
      "relational",
      "documents",
      "graph",
      "cache",
      "objects",
    ]);
    assert.ok(h.stores.every((s) => s.up));
    assert.match(h.stores[0].version ?? "", /^postgres \d+/);
  });

  await t.step("a backup over HTTP, followed to its end and audited", async () => {
    const res = await api.request("POST", "/api/v1/admin/backups", { token: admin.token });
    assert.equal(res.status, 202);
    const { id, status_url } = await json<{ id: string; status_url: string }>(res);
    // Followed through the event stream until its `end` event.
    const events = await get(`/api/v1/admin/backups/${id}/events`);
    assert.equal(events.status, 200);
    assert.match(events.headers.get("content-type") ?? "", /text\/event-stream/);
    const sse = await events.text();
    const names = [...sse.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    assert.equal(names.at(-1), "end");
    assert.ok(names.slice(0, -1).every((n) => n === "progress"));
    const last = sse.trim().split("\n").filter((l) => l.startsWith("data: ")).at(-1)!;
    const ended = JSON.parse(last.slice(6));
    assert.equal(ended.id, id);
    const run = await json(await get(status_url));
    assert.deepEqual(run, ended);
    assert.equal(run.state, "succeeded", String(run.error));
    const verify = await json(
      await api.request("POST", `/api/v1/admin/backups/${id}/verify`, {
        token: admin.token,
      }),
    );
    assert.equal(verify.ok, true);
    const list = await json<{ items: { id: string }[] }>(await get("/api/v1/admin/backups"));
    assert.ok(list.items.some((r) => r.id === id));
    const audit = await api.stores.relational.query(
      "select 1 from audit_logs where action = 'backup.start' and resource_id = $1 and user_id = $2",
      [id, admin.id],
    );
    assert.equal(audit.rows.length, 1);
  });

  await t.step(
    "metrics: store calls by port and operation, backup age, partition run",
    async () => {
      const stats = await json(await get("/api/v1/admin/cache/stats"));
      assert.equal(typeof stats.ops_per_sec, "number");
      const res = await api.request("GET", "/metrics");
      assert.equal(res.status, 200);
      const text = await res.text();
      const count = (port: string, op: string) => {
        const m = text.match(
          new RegExp(
            `^polystore_store_call_duration_seconds_count\\{port="${port}",operation="${op}"\\} (\\d+)`,
            "m",
          ),
        );
        return m ? Number(m[1]) : 0;
      };
      assert.ok(count("relational", "query") > 0, "relational queries counted");
      assert.ok(count("cache", "scan") > 0, "cache scans counted");
      assert.ok(count("objects", "put") > 0, "object puts counted");
      const age = text.match(/^polystore_backup_last_success_age_seconds (\S+)/m);
      assert.ok(age && Number(age[1]) >= 0 && Number(age[1]) < 3600, "a fresh backup's age");
      assert.match(text, /^polystore_partition_last_run_failed 0$/m);
      assert.match(text, /^polystore_outbox_backlog\{table="cache_invalidations"\} \d+$/m);
      assert.match(text, /^polystore_outbox_backlog\{table="insight_outbox"\} \d+$/m);
      assert.match(text, /^polystore_processing_queue\{state="queued"\} \d+$/m);
    },
  );

  await t.step("a failing partition run shows in /ready detail and metrics", async () => {
    const ctx = {
      stores: api.stores,
      config: api.app.deps.config,
      log: api.app.deps.log,
      now: Date.now,
    };
    await assert.rejects(
      archivePartitions(ctx, {
        dryRun: false,
        only: [`audit_logs_1999_0${tag[0] === "a" ? 1 : 2}`],
      }),
    );
    const ready = await api.request("GET", "/ready");
    const body = await json<{ jobs: { partitions: { state: string; error: string } } }>(ready);
    assert.equal(body.jobs.partitions.state, "failed");
    assert.match(body.jobs.partitions.error, /no partition/);
    const text = await (await api.request("GET", "/metrics")).text();
    assert.match(text, /^polystore_partition_last_run_failed 1$/m);
  });
});
