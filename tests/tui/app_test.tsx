import assert from "node:assert/strict";
import { render } from "ink-testing-library";
import { App } from "../../tui/app.tsx";
import { fakeClient, fakeState, settle, until } from "./fake_client.ts";

Deno.test({
  name: "tui app shell: screens, keys, filter, help, quit",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await t.step("tab and number keys switch screens; the footer shows the keys", async () => {
      const state = fakeState();
      const ui = render(<App client={fakeClient(state)} refreshMs={50} />);
      await until(ui.lastFrame, (f) => f.includes("relational") && f.includes("pglite"), "health");
      assert.match(ui.lastFrame()!, /q quit/);
      ui.stdin.write("\t");
      await until(ui.lastFrame, (f) => f.includes("pattern") && f.includes("*"), "cache screen");
      ui.stdin.write("1");
      await until(ui.lastFrame, (f) => f.includes("last minute"), "health again");
      ui.unmount();
    });

    await t.step("/ filter stays set across screens and refreshes", async () => {
      const state = fakeState();
      const ui = render(<App client={fakeClient(state)} refreshMs={50} />);
      await until(ui.lastFrame, (f) => f.includes("objects"), "health");
      ui.stdin.write("/");
      await settle();
      for (const ch of "graph") ui.stdin.write(ch);
      await settle();
      ui.stdin.write("\r");
      let f = await until(ui.lastFrame, (f) => f.includes("filter: graph"), "filter line");
      assert.ok(!f.includes("relational"), "filtered out");
      await settle();
      ui.stdin.write("\t");
      await until(ui.lastFrame, (f) => f.includes("pattern"), "cache");
      ui.stdin.write("1");
      await settle();
      ui.stdin.write("r");
      f = await until(ui.lastFrame, (f) => f.includes("filter: graph"), "filter kept");
      assert.ok(f.includes("postgres-graph") && !f.includes("relational"));
      ui.unmount();
    });

    await t.step("typing q into the filter does not quit", async () => {
      const ui = render(<App client={fakeClient(fakeState())} refreshMs={50} />);
      await until(ui.lastFrame, (f) => f.includes("objects"), "health");
      ui.stdin.write("/");
      await settle();
      ui.stdin.write("q");
      await settle();
      const f = await until(ui.lastFrame, (f) => f.includes("filter / q"), "q typed");
      assert.ok(f.includes("Health"));
      ui.unmount();
    });

    await t.step("? shows every key; esc closes", async () => {
      const ui = render(<App client={fakeClient(fakeState())} refreshMs={50} initialScreen={1} />);
      await until(ui.lastFrame, (f) => f.includes("pattern"), "cache");
      ui.stdin.write("?");
      const f = await until(ui.lastFrame, (f) => f.includes("Help"), "help");
      for (const k of ["tab", "1-5", "/", "refresh", "quit", "view value", "delete pattern"]) {
        assert.ok(f.includes(k), `help names ${k}`);
      }
      ui.stdin.write("\x1b");
      await until(ui.lastFrame, (f) => !f.includes("Help"), "help closed");
      ui.unmount();
    });

    await t.step("--read-only hides destructive keys and ignores them", async () => {
      const state = fakeState();
      state.cache.set("perm:1", { type: "string", ttl_ms: 60_000, value: "{}" });
      const ui = render(
        <App client={fakeClient(state)} refreshMs={50} initialScreen={1} readOnly />,
      );
      const f = await until(ui.lastFrame, (f) => f.includes("perm:1"), "key listed");
      assert.ok(f.includes("read-only"));
      assert.ok(!f.includes("delete"), "no delete hint");
      ui.stdin.write("d");
      await settle();
      assert.ok(!ui.lastFrame()!.includes("Delete cache key"));
      assert.ok(state.cache.has("perm:1"));
      ui.unmount();
    });

    await t.step("q quits", async () => {
      const ui = render(<App client={fakeClient(fakeState())} refreshMs={50} />);
      await until(ui.lastFrame, (f) => f.includes("objects"), "health");
      ui.stdin.write("q");
      await settle();
      // After exit, Ink stops rendering: a new key changes nothing.
      const before = ui.frames.length;
      ui.stdin.write("\t");
      await settle();
      assert.equal(ui.frames.length, before);
      ui.unmount();
    });
  },
});
