// Audio upload on both profiles: 202 with a pending insight whose status_reason says no
// transcriber is configured, the file kept in the temp bucket, nothing queued; refusals for a
// wrong type, an oversized file, a missing file, an unknown field and no token; other methods on
// the path are 405.
import assert from "node:assert/strict";
import { apiTest, createUser, json } from "../support/api.ts";
import type { Insight } from "../../src/insights/schemas.ts";

const form = (bytes: number, type: string, title?: string) => {
  const f = new FormData();
  f.append("file", new File([new Uint8Array(bytes).fill(7)], "note.wav", { type }));
  if (title) f.append("title", title);
  return f;
};

apiTest("insights: audio upload", async (t, api) => {
  const user = await createUser(api);

  await t.step("202 with a pending insight and the audio in the temp bucket", async () => {
    const res = await api.request("POST", "/api/v1/insights/audio", {
      token: user.token,
      body: form(1000, "audio/wav", "Standup recording"),
    });
    const ins = await json<Insight>(res);
    assert.equal(res.status, 202, JSON.stringify(ins));
    assert.equal(ins.status, "pending");
    assert.equal(ins.title, "Standup recording");
    assert.equal(ins.source, "audio");
    assert.match(ins.status_reason ?? "", /no transcriber is configured/);
    assert.ok(ins.audio_key?.startsWith("temp/"));
    const info = await api.stores.objects.stat("temp", ins.audio_key!.slice("temp/".length));
    assert.equal(info?.size, 1000);
    const jobs = await api.stores.relational.query(
      "select 1 from insight_jobs where insight_id = $1",
      [ins.id],
    );
    assert.equal(jobs.rowCount, 0, "nothing to process until a transcriber exists");
  });

  await t.step("wrong type, too big, no file: 422; no token: 401", async () => {
    const cases: [FormData, string][] = [
      [form(10, "text/plain"), "file"],
      [form(4096, "audio/mpeg"), "file"],
      [new FormData(), "file"],
    ];
    for (const [body, path] of cases) {
      const res = await api.request("POST", "/api/v1/insights/audio", { token: user.token, body });
      const p = await json<{ errors?: { path: string }[] }>(res);
      assert.equal(res.status, 422, JSON.stringify(p));
      assert.ok(p.errors?.some((e) => e.path === path), JSON.stringify(p));
    }
    const res = await api.request("POST", "/api/v1/insights/audio", {
      body: form(10, "audio/wav"),
    });
    assert.equal(res.status, 401);
    await res.body?.cancel();
  });

  await t.step("a field besides file and title is 422, naming it", async () => {
    const body = form(10, "audio/wav", "with extra");
    body.append("colour", "red");
    const res = await api.request("POST", "/api/v1/insights/audio", { token: user.token, body });
    const p = await json<{ errors?: { path: string }[] }>(res);
    assert.equal(res.status, 422, JSON.stringify(p));
    assert.ok(p.errors?.some((e) => e.path === "colour"), JSON.stringify(p));
  });

  await t.step(
    "other methods on /insights/audio are 405, not the /insights/{id} routes",
    async () => {
      for (const method of ["PUT", "PATCH", "DELETE", "GET"]) {
        const res = await api.request(method, "/api/v1/insights/audio", { token: user.token });
        assert.equal(res.status, 405, method);
        assert.equal(res.headers.get("Allow"), "POST", method);
        await res.body?.cancel();
      }
    },
  );
}, { INSIGHTS_AUDIO_MAX_BYTES: "2048" });
