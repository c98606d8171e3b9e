import assert from "node:assert/strict";
import { render } from "ink-testing-library";
import { App } from "../../tui/app.tsx";
import { fakeClient, fakeState, plain, settle, until } from "./fake_client.ts";

function seeded() {
  const state = fakeState();
  for (let i = 0; i < 14; i++) {
    state.cache.set(`perm:user:${String(i).padStart(2, "0")}`, {
      type: "string",
      ttl_ms: 900_000,
      value: JSON.stringify({ roles: ["admin"], n: i }),
    });
  }
  state.cache.set("session:abc", { type: "string", ttl_ms: 86_400_000, value: "SECRET-SESSION" });
  return state;
}

const CACHE = 1;

Deno.test({
  name: "tui cache screen",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await t.step("lists keys with type, TTL and size, and pages with the cursor", async () => {
      const state = seeded();
      const ui = render(<App client={fakeClient(state)} initialScreen={CACHE} />);
      let f = plain(await until(ui.lastFrame, (f) => f.includes("perm:user:00"), "first page"));
      assert.match(f, /perm:user:00\s+string\s+15m0s\s+\d+ B/);
      assert.match(f, /page 1 · more \(n\)/);
      assert.match(f, /perms\s+90\.0%\s+9\/10/, "hit ratio per namespace");
      ui.stdin.write("n");
      f = plain(await until(ui.lastFrame, (f) => f.includes("page 2"), "second page"));
      assert.ok(!f.includes("perm:user:00"));
      assert.ok(f.includes("session:abc"));
      assert.ok(state.calls.some((c) => c.startsWith("scan * ") && !c.endsWith("null")));
      ui.stdin.write("b");
      await until(ui.lastFrame, (f) => f.includes("page 1") && f.includes("perm:user:00"), "back");
      ui.unmount();
    });

    await t.step(
      "hit ratios per namespace family, the most read first, two to a line",
      async () => {
        const state = seeded();
        const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
        state.namespaces = [
          { namespace: `user:${id(1)}:permissions`, hits: 30, misses: 10, ratio: 0.75 },
          { namespace: `user:${id(2)}:permissions`, hits: 50, misses: 10, ratio: 50 / 60 },
          { namespace: `insight:${id(3)}`, hits: 1, misses: 3, ratio: 0.25 },
          { namespace: "pipeline_stages:list", hits: 0, misses: 2, ratio: 0 },
          { namespace: `insights:stats:${id(4)}`, hits: 1, misses: 0, ratio: 1 },
          { namespace: `dashboard:${id(5)}:summary`, hits: 0, misses: 0, ratio: null },
        ];
        const ui = render(<App client={fakeClient(state)} initialScreen={CACHE} />);
        const f = plain(
          await until(ui.lastFrame, (f) => f.includes("user:*:permissions"), "stats"),
        );
        assert.match(f, /read-through hit ratio per namespace \(API http:\/\/api\.test\)/);
        const lines = f.split("\n");
        const first = lines.findIndex((l) => l.includes("user:*:permissions"));
        // Two cells a line at 80 columns, two lines: the fourth cell says what is left out.
        assert.match(
          lines[first],
          /user:\*:permissions\s+80\.0%\s+80\/100\s+insight:\*\s+25\.0%\s+1\/4/,
        );
        assert.match(lines[first + 1], /pipeline_stages:list\s+0\.0%\s+0\/2\s+\+2 more/);
        assert.ok(lines.slice(first - 1, first + 2).every((l) => l.length < 80), "fits 80 columns");
        assert.ok(!f.includes(id(1)), "ids are folded into families");
        ui.unmount();
      },
    );

    await t.step("without the API's counters it says where they are", async () => {
      const state = seeded();
      state.namespaces = [];
      const ui = render(<App client={fakeClient(state)} initialScreen={CACHE} />);
      await until(
        ui.lastFrame,
        (f) => f.includes("this process reads nothing through the cache; see --api/--token"),
        "note",
      );
      ui.unmount();
    });

    await t.step("pattern prompt narrows the scan", async () => {
      const state = seeded();
      const ui = render(<App client={fakeClient(state)} initialScreen={CACHE} />);
      await until(ui.lastFrame, (f) => f.includes("perm:user:00"), "list");
      ui.stdin.write("p");
      await settle();
      for (let i = 0; i < 3; i++) ui.stdin.write("\x7f");
      await settle();
      ui.stdin.write("session:*");
      await settle();
      ui.stdin.write("\r");
      const f = plain(
        await until(ui.lastFrame, (f) => f.includes("pattern session:*"), "new pattern"),
      );
      await until(ui.lastFrame, (f) => f.includes("session:abc") && !f.includes("perm:user"), "k");
      assert.ok(f.includes("pattern session:*"));
      ui.unmount();
    });

    await t.step("value view shows a value; a secret stays redacted", async () => {
      const state = seeded();
      const ui = render(<App client={fakeClient(state)} initialScreen={CACHE} />);
      await until(ui.lastFrame, (f) => f.includes("perm:user:00"), "list");
      ui.stdin.write("\r");
      let f = plain(await until(ui.lastFrame, (f) => f.includes("esc closes"), "value"));
      assert.match(f, /"roles":\["admin"\],"n":0/);
      ui.stdin.write("\x1b");
      await until(ui.lastFrame, (f) => !f.includes("esc closes"), "closed");
      ui.stdin.write("/");
      await settle();
      ui.stdin.write("session");
      await settle();
      ui.stdin.write("\r");
      await until(ui.lastFrame, (f) => f.includes("filter: session"), "filter set");
      await settle();
      ui.stdin.write("n");
      await until(ui.lastFrame, (f) => f.includes("session:abc"), "session key");
      ui.stdin.write("\r");
      f = plain(await until(ui.lastFrame, (f) => f.includes("esc closes"), "value"));
      assert.ok(f.includes("[redacted]") && f.includes("secrets redacted"));
      assert.ok(!f.includes("SECRET-SESSION"));
      ui.unmount();
    });

    await t.step("delete one key after y; n keeps it", async () => {
      const state = seeded();
      const ui = render(<App client={fakeClient(state)} initialScreen={CACHE} />);
      await until(ui.lastFrame, (f) => f.includes("perm:user:00"), "list");
      ui.stdin.write("\x1b[B"); // down arrow: perm:user:01
      await settle();
      ui.stdin.write("d");
      await until(ui.lastFrame, (f) => f.includes("Delete cache key perm:user:01"), "confirm");
      ui.stdin.write("n");
      await until(ui.lastFrame, (f) => !f.includes("Delete cache key"), "cancelled");
      assert.ok(state.cache.has("perm:user:01"));
      await settle();
      ui.stdin.write("d");
      await until(ui.lastFrame, (f) => f.includes("Delete cache key perm:user:01"), "confirm");
      ui.stdin.write("y");
      await until(ui.lastFrame, (f) => f.includes("deleted 1 key(s): perm:user:01"), "deleted");
      assert.ok(!state.cache.has("perm:user:01"));
      ui.unmount();
    });

    await t.step("delete by pattern shows the count and needs it typed back", async () => {
      const state = seeded();
      const ui = render(<App client={fakeClient(state)} initialScreen={CACHE} />);
      await until(ui.lastFrame, (f) => f.includes("perm:user:00"), "list");
      ui.stdin.write("D");
      await until(ui.lastFrame, (f) => f.includes("15 key(s)") && f.includes("Type 15"), "count");
      ui.stdin.write("14");
      await settle();
      ui.stdin.write("\r");
      await until(ui.lastFrame, (f) => f.includes("does not match"), "mismatch");
      assert.equal(state.cache.size, 15);
      ui.stdin.write("\x7f\x7f");
      await settle();
      ui.stdin.write("15");
      await settle();
      ui.stdin.write("\r");
      await until(ui.lastFrame, (f) => f.includes("deleted 15 key(s) matching *"), "deleted");
      assert.equal(state.cache.size, 0);
      ui.unmount();
    });
  },
});
