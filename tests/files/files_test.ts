// Files on both profiles: upload by signed URL and completion, direct streamed upload, list,
// download, soft delete; refusals (wrong role, other company, too large, wrong type, altered or
// expired URL, traversal names, mismatched bytes); the sweep's purge, lifecycle expiry with an
// injected clock, and orphans both ways.
import assert from "node:assert/strict";
import { apiTest, createUser, json, type TestApi, type TestUser } from "../support/api.ts";
import { ensureStandardBuckets } from "../../src/stores/objects/buckets.ts";
import { sweepFiles } from "../../src/files/sweep.ts";

const DAY = 24 * 3600 * 1000;
const PDF = new TextEncoder().encode("%PDF-1.4\n" + "x".repeat(3000) + "\n%%EOF\n");

const encodeHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return encodeHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

/** Sends to a signed URL: the API's own (folder adapter) or the object store's (MinIO). */
async function toSigned(api: TestApi, url: string, init: RequestInit): Promise<Response> {
  const base = api.app.deps.config.publicUrl;
  if (url.startsWith(base)) return await api.app.request(url.slice(base.length), init);
  return await fetch(url, init);
}

async function company(api: TestApi): Promise<string> {
  const r = await api.stores.relational.query<{ id: string }>(
    "insert into companies (name) values ($1) returning id",
    [`Files Co ${crypto.randomUUID()}`],
  );
  return r.rows[0].id;
}

async function contract(api: TestApi, companyId: string): Promise<string> {
  const r = await api.stores.relational.query<{ id: string }>(
    `insert into contracts (contract_number, company_id, title, total_value)
     values ($1, $2, 'Support', 1000) returning id`,
    [`C-${crypto.randomUUID().slice(0, 12)}`, companyId],
  );
  return r.rows[0].id;
}

async function invoice(api: TestApi, companyId: string): Promise<string> {
  const r = await api.stores.relational.query<{ id: string }>(
    `insert into invoices (invoice_number, company_id, subtotal, total, due_date)
     values ($1, $2, 100, 100, current_date + 30) returning id`,
    [`I-${crypto.randomUUID().slice(0, 12)}`, companyId],
  );
  return r.rows[0].id;
}

async function uploadContract(
  api: TestApi,
  user: TestUser,
  contractId: string,
  bytes: Uint8Array<ArrayBuffer>,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; url: string; key: string }> {
  const res = await api.request("POST", "/api/v1/files/uploads", {
    token: user.token,
    body: {
      bucket: "contracts",
      entity_type: "contract",
      entity_id: contractId,
      filename: "Contrato 001.pdf",
      content_type: "application/pdf",
      size: bytes.length,
      ...extra,
    },
  });
  assert.equal(res.status, 201, await res.clone().text());
  return await json(res);
}

async function fileRows(api: TestApi, entityId: string): Promise<number> {
  const r = await api.stores.relational.query(
    "select 1 from files where entity_id = $1 and deleted_at is null",
    [entityId],
  );
  return r.rowCount;
}

apiTest("files: upload, complete, list, download, delete and refusals", async (t, api) => {
  await ensureStandardBuckets(api.stores.objects);
  const coA = await company(api);
  const coB = await company(api);
  const contractA = await contract(api, coA);
  const invoiceA = await invoice(api, coA);
  const sales = await createUser(api, { roles: ["comercial"] });
  const director = await createUser(api, { roles: ["diretor"] });
  const agent = await createUser(api, { roles: ["agente_ia"] });
  const clientA = await createUser(api, { roles: ["cliente"], companyIds: [coA] });
  const clientB = await createUser(api, { roles: ["cliente"], companyIds: [coB] });
  let fileId = "";

  await t.step(
    "signed upload then complete records the file under the key convention",
    async () => {
      const ticket = await uploadContract(api, sales, contractA, PDF, {
        sha256: await sha256(PDF),
      });
      assert.match(
        ticket.key,
        new RegExp(`^\\d{4}/\\d{2}/contract/${contractA}/Contrato_001\\.pdf$`),
      );
      const put = await toSigned(api, ticket.url, {
        method: "PUT",
        headers: { "Content-Type": "application/pdf" },
        body: PDF,
      });
      assert.equal(put.status, 200, await put.text());
      const done = await api.request("POST", `/api/v1/files/uploads/${ticket.id}/complete`, {
        token: sales.token,
      });
      assert.equal(done.status, 201, await done.clone().text());
      const file = await json(done);
      assert.equal(file.size, PDF.length);
      assert.equal(file.sha256, await sha256(PDF));
      assert.equal(file.content_type, "application/pdf");
      fileId = String(file.id);
      // Completing twice finds no pending upload.
      const again = await api.request("POST", `/api/v1/files/uploads/${ticket.id}/complete`, {
        token: sales.token,
      });
      assert.equal(again.status, 404);
      await again.body?.cancel();
    },
  );

  await t.step(
    "list and read follow the entity: its company's cliente yes, another no",
    async () => {
      const path = `/api/v1/files?entity_type=contract&entity_id=${contractA}`;
      for (const user of [sales, clientA]) {
        const res = await api.request("GET", path, { token: user.token });
        assert.equal(res.status, 200);
        const body = await json<{ items: { id: string }[] }>(res);
        assert.deepEqual(body.items.map((i) => i.id), [fileId]);
      }
      const other = await api.request("GET", path, { token: clientB.token });
      assert.equal(other.status, 404);
      await other.body?.cancel();
      const read = await api.request("GET", `/api/v1/files/${fileId}`, { token: clientB.token });
      assert.equal(read.status, 404);
      await read.body?.cancel();
      const unknown = await api.request("GET", `${path}&bucket=x`, { token: sales.token });
      assert.equal(unknown.status, 422);
      await unknown.body?.cancel();
    },
  );

  await t.step("download redirects to a signed URL that serves the bytes", async () => {
    for (const user of [sales, clientA]) {
      const res = await api.request("GET", `/api/v1/files/${fileId}/download`, {
        token: user.token,
      });
      assert.equal(res.status, 302);
      const got = await toSigned(api, res.headers.get("Location")!, { method: "GET" });
      assert.equal(got.status, 200);
      assert.deepEqual(new Uint8Array(await got.arrayBuffer()), PDF);
    }
    const other = await api.request("GET", `/api/v1/files/${fileId}/download`, {
      token: clientB.token,
    });
    assert.equal(other.status, 404);
    await other.body?.cancel();
  });

  await t.step("an altered or expired signed URL is refused", async () => {
    const res = await api.request("GET", `/api/v1/files/${fileId}/download`, {
      token: sales.token,
      headers: { Accept: "application/json" },
    });
    const { url } = await json<{ url: string }>(res);
    const altered = new URL(url);
    const sigName = altered.searchParams.has("sig") ? "sig" : "X-Amz-Signature";
    const sig = altered.searchParams.get(sigName)!;
    altered.searchParams.set(sigName, (sig[0] === "a" ? "b" : "a") + sig.slice(1));
    const bad = await toSigned(api, altered.toString(), { method: "GET" });
    assert.equal(bad.status, 403);
    await bad.body?.cancel();
    const row = await api.stores.relational.query<{ key: string }>(
      "select key from files where id = $1",
      [fileId],
    );
    const short = await api.stores.objects.signedGetUrl("contracts", row.rows[0].key, 1);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await toSigned(api, short, { method: "GET" });
    assert.equal(expired.status, 403);
    await expired.body?.cancel();
  });

  await t.step(
    "refusals: wrong role, other company, too large, wrong type, traversal",
    async () => {
      const base = {
        bucket: "contracts",
        entity_type: "contract",
        entity_id: contractA,
        filename: "a.pdf",
        content_type: "application/pdf",
        size: 10,
      };
      const cases: [TestUser, Record<string, unknown>, number][] = [
        [agent, {}, 403],
        [clientA, {}, 403], // cliente reads contracts, never writes them
        [sales, { size: 26 * 1024 * 1024 }, 413],
        [sales, { content_type: "image/png" }, 415],
        [sales, { filename: "../../etc/passwd" }, 422],
        [sales, { filename: ".." }, 422],
        [sales, { bucket: "backups" }, 422],
        [sales, { content_type: "pdf" }, 422],
        [sales, { content_type: "application/pdf\n; x=1" }, 422],
        [sales, { entity_id: crypto.randomUUID() }, 404],
        [sales, { bucket: "avatars", content_type: "image/png" }, 403],
      ];
      for (const [user, change, status] of cases) {
        const res = await api.request("POST", "/api/v1/files/uploads", {
          token: user.token,
          body: { ...base, ...change },
        });
        assert.equal(res.status, status, `${JSON.stringify(change)}: ${await res.text()}`);
        assert.equal(res.headers.get("Content-Type"), "application/problem+json");
      }
    },
  );

  await t.step("a media type is read case-insensitively, parameters allowed", async () => {
    const res = await api.request("POST", "/api/v1/files/uploads", {
      token: sales.token,
      body: {
        bucket: "contracts",
        entity_type: "contract",
        entity_id: contractA,
        filename: "upper.pdf",
        content_type: "Application/PDF; version=1.7",
        size: 10,
      },
    });
    assert.equal(res.status, 201, await res.text());
  });

  await t.step(
    "bytes that do not match the declared sha256 leave no row and no object",
    async () => {
      const other = new TextEncoder().encode("%PDF-forged".padEnd(PDF.length, "!"));
      const ticket = await uploadContract(api, sales, contractA, PDF, {
        sha256: await sha256(PDF),
      });
      const put = await toSigned(api, ticket.url, {
        method: "PUT",
        headers: { "Content-Type": "application/pdf" },
        body: other,
      });
      assert.equal(put.status, 200);
      await put.body?.cancel();
      const done = await api.request("POST", `/api/v1/files/uploads/${ticket.id}/complete`, {
        token: sales.token,
      });
      assert.equal(done.status, 422);
      await done.body?.cancel();
      assert.equal(await api.stores.objects.stat("contracts", ticket.key), null);
      assert.equal(await fileRows(api, contractA), 1);
    },
  );

  await t.step("direct PUT streams a receipt; its company's cliente may download it", async () => {
    const path = `/api/v1/files/receipts/invoice/${invoiceA}/nfe%2012345.pdf`;
    const res = await api.request("PUT", path, {
      token: director.token,
      headers: { "Content-Type": "application/pdf" },
      body: new TextDecoder().decode(PDF),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const file = await json(res);
    assert.match(String(file.key), new RegExp(`/invoice/${invoiceA}/nfe_12345\\.pdf$`));
    assert.equal(file.sha256, await sha256(PDF));
    const dl = await api.request("GET", `/api/v1/files/${file.id}/download`, {
      token: clientA.token,
    });
    assert.equal(dl.status, 302);
    const refused = await api.request("GET", `/api/v1/files/${file.id}`, {
      token: clientB.token,
    });
    assert.equal(refused.status, 404);
    await refused.body?.cancel();
    const wrongType = await api.request("PUT", path, {
      token: director.token,
      headers: { "Content-Type": "text/html" },
      body: "<p>",
    });
    assert.equal(wrongType.status, 415);
    await wrongType.body?.cancel();
  });

  await t.step("an interrupted direct upload leaves no row", async () => {
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (n++ < 3) ctl.enqueue(new Uint8Array(1000));
        else ctl.error(new Error("client went away"));
      },
    });
    const before = await fileRows(api, invoiceA);
    const res = await api.app.request(`/api/v1/files/receipts/invoice/${invoiceA}/cut.pdf`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${director.token}`, "Content-Type": "application/pdf" },
      body,
      duplex: "half",
    } as RequestInit);
    assert.ok(res.status >= 400);
    await res.body?.cancel();
    assert.equal(await fileRows(api, invoiceA), before);
  });

  await t.step("avatars: the user's own, served at a public URL", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const path = `/api/v1/files/avatars/user/${sales.id}/me.png`;
    const mine = await api.app.request(path, {
      method: "PUT",
      headers: { Authorization: `Bearer ${sales.token}`, "Content-Type": "image/png" },
      body: png,
    });
    assert.equal(mine.status, 201, await mine.clone().text());
    const file = await json(mine);
    assert.equal(file.key, `users/${sales.id}/me.png`);
    const theirs = await api.request("PUT", path, {
      token: director.token,
      headers: { "Content-Type": "image/png" },
      body: "x",
    });
    assert.equal(theirs.status, 403);
    await theirs.body?.cancel();
    const dl = await api.request("GET", `/api/v1/files/${file.id}/download`, {
      token: sales.token,
    });
    assert.equal(dl.status, 302);
    const location = dl.headers.get("Location")!;
    assert.ok(!/sig=|X-Amz-Signature/.test(location), location);
    const anon = await toSigned(api, location, { method: "GET" });
    assert.equal(anon.status, 200);
    assert.equal((await anon.arrayBuffer()).byteLength, png.length);
  });

  await t.step("delete is soft; the sweep removes the object", async () => {
    const row = await api.stores.relational.query<{ key: string }>(
      "select key from files where id = $1",
      [fileId],
    );
    const wrong = await api.request("DELETE", `/api/v1/files/${fileId}`, { token: clientA.token });
    assert.equal(wrong.status, 403);
    await wrong.body?.cancel();
    const res = await api.request("DELETE", `/api/v1/files/${fileId}`, { token: sales.token });
    assert.equal(res.status, 204);
    const gone = await api.request("GET", `/api/v1/files/${fileId}`, { token: sales.token });
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
    assert.notEqual(await api.stores.objects.stat("contracts", row.rows[0].key), null);
    const report = await sweepFiles(sweepDeps(api), Date.now(), { removeOrphans: false });
    assert.ok(report !== null && report.purged >= 1);
    assert.equal(await api.stores.objects.stat("contracts", row.rows[0].key), null);
    const audit = await api.stores.relational.query(
      "select action from audit_logs where resource_id = $1 order by created_at",
      [fileId],
    );
    assert.deepEqual(audit.rows.map((r) => r.action), [
      "file.upload_started",
      "file.create",
      "file.delete",
    ]);
  });
});

function sweepDeps(api: TestApi) {
  return {
    db: api.stores.relational,
    objects: api.stores.objects,
    cache: api.stores.cache,
    log: api.app.deps.log,
  };
}

apiTest("files: sweep finds orphans both ways and applies lifecycle", async (t, api) => {
  await ensureStandardBuckets(api.stores.objects);
  const coA = await company(api);
  const contractA = await contract(api, coA);
  const sales = await createUser(api, { roles: ["comercial"] });

  await t.step("an object with no row, and a row with no object", async () => {
    const strayKey = `2026/01/contract/${contractA}/stray.pdf`;
    await api.stores.objects.put("contracts", strayKey, "stray", {
      contentType: "application/pdf",
    });
    const res = await api.request("PUT", `/api/v1/files/contracts/contract/${contractA}/kept.pdf`, {
      token: sales.token,
      headers: { "Content-Type": "application/pdf" },
      body: "%PDF-kept",
    });
    assert.equal(res.status, 201);
    const kept = await json(res);
    const lostRes = await api.request(
      "PUT",
      `/api/v1/files/contracts/contract/${contractA}/lost.pdf`,
      {
        token: sales.token,
        headers: { "Content-Type": "application/pdf" },
        body: "%PDF-lost",
      },
    );
    const lost = await json(lostRes);
    await api.stores.objects.remove("contracts", String(lost.key));

    // A young stray may be an upload completing right now: not yet an orphan.
    const early = await sweepFiles(sweepDeps(api), Date.now(), { removeOrphans: false });
    assert.ok(early !== null && !early.orphanObjects.includes(`contracts/${strayKey}`));
    assert.ok(early.orphanRows.includes(String(lost.id)));

    const later = Date.now() + 2 * 3600 * 1000;
    const report = await sweepFiles(sweepDeps(api), later, { removeOrphans: true });
    assert.ok(report !== null);
    assert.ok(report.orphanObjects.includes(`contracts/${strayKey}`));
    assert.ok(!report.orphanObjects.includes(`contracts/${kept.key}`));
    assert.ok(report.orphanRows.includes(String(lost.id)));
    assert.equal(await api.stores.objects.stat("contracts", strayKey), null);
    assert.notEqual(await api.stores.objects.stat("contracts", String(kept.key)), null);
    const gone = await api.request("GET", `/api/v1/files/${lost.id}`, { token: sales.token });
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
  });

  await t.step("one instance sweeps at a time", async () => {
    const token = await api.stores.cache.acquireLock("lock:files:sweep", 60_000);
    assert.ok(token !== null);
    try {
      assert.equal(await sweepFiles(sweepDeps(api), Date.now(), { removeOrphans: false }), null);
    } finally {
      await api.stores.cache.releaseLock("lock:files:sweep", token);
    }
  });

  await t.step("lifecycle: temp objects expire after a day", async () => {
    assert.deepEqual(await api.stores.objects.getLifecycle("temp"), [
      { prefix: "", expireDays: 1 },
    ]);
    assert.deepEqual(await api.stores.objects.getLifecycle("contracts"), []);
    if (api.profile === "server") return; // MinIO applies the rule itself, on its own clock
    const key = `2026/01/import/${crypto.randomUUID()}/rows.csv`;
    await api.stores.objects.put("temp", key, "a,b\n", { contentType: "text/csv" });
    const soon = await sweepFiles(sweepDeps(api), Date.now() + DAY / 2, { removeOrphans: false });
    assert.ok(soon !== null);
    assert.notEqual(await api.stores.objects.stat("temp", key), null);
    const late = await sweepFiles(sweepDeps(api), Date.now() + 2 * DAY, { removeOrphans: false });
    assert.ok(late !== null && late.expired >= 1);
    assert.equal(await api.stores.objects.stat("temp", key), null);
  });
}, { FILES_DIRECT_MAX_BYTES: "1048576" });

apiTest("files: direct uploads over the direct limit are refused", async (_t, api) => {
  await ensureStandardBuckets(api.stores.objects);
  const contractA = await contract(api, await company(api));
  const sales = await createUser(api, { roles: ["comercial"] });
  const res = await api.request("PUT", `/api/v1/files/contracts/contract/${contractA}/big.pdf`, {
    token: sales.token,
    headers: { "Content-Type": "application/pdf" },
    body: "x".repeat(2048),
  });
  assert.equal(res.status, 413);
  await res.body?.cancel();
  assert.equal(await fileRows(api, contractA), 0);
}, { FILES_DIRECT_MAX_BYTES: "1024" });
