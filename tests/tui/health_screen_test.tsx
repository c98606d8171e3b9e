import assert from "node:assert/strict";
import { appendSamples } from "../../tui/hooks/use_latency_history.ts";
import { fakeClient, fakeState, plain, until } from "./fake_client.ts";

// Colours are asserted here: chalk reads FORCE_COLOR once, when Ink first loads.
Deno.env.set("FORCE_COLOR", "1");
const { render } = await import("ink-testing-library");
const { App } = await import("../../tui/app.tsx");
const { sparkline } = await import("../../tui/components/sparkline.tsx");

Deno.test({
  name: "tui health screen",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await t.step("lists every store with adapter and latency", async () => {
      const ui = render(<App client={fakeClient(fakeState())} refreshMs={40} />);
      const f = await until(ui.lastFrame, (f) => f.includes("folder"), "stores");
      for (
        const s of ["relational", "documents", "graph", "cache", "objects", "pglite", "memory"]
      ) {
        assert.ok(f.includes(s), s);
      }
      assert.match(plain(f), /all stores answer/);
      ui.unmount();
    });

    await t.step(
      "a store that goes down turns red at the next refresh; the TUI keeps running",
      async () => {
        const state = fakeState();
        const ui = render(<App client={fakeClient(state)} refreshMs={40} />);
        await until(ui.lastFrame, (f) => f.includes("all stores answer"), "all up");
        state.health[3] = {
          ...state.health[3],
          status: "down",
          detail: "connect ECONNREFUSED 127.0.0.1:6390",
        };
        const f = await until(ui.lastFrame, (f) => f.includes("DOWN"), "cache down");
        assert.match(plain(f), /cache\s+DOWN/);
        assert.match(f, /ECONNREFUSED/);
        assert.match(plain(f), /1 store\(s\) down/);
        // Red: the ANSI colour code for red (31) precedes the row.
        assert.ok(f.includes("\x1b[31m\x1b[1mcache") || f.includes("\x1b[31mcache"), "red row");
        const callsBefore = state.calls.filter((c) => c === "health").length;
        state.health[3] = { ...state.health[3], status: "ok", detail: undefined };
        await until(ui.lastFrame, (f) => f.includes("all stores answer"), "back up");
        assert.ok(state.calls.filter((c) => c === "health").length > callsBefore, "kept polling");
        ui.unmount();
      },
    );

    await t.step("a failing probe call is shown and polling goes on", async () => {
      const state = fakeState();
      const client = fakeClient(state);
      let fail = true;
      const ui = render(
        <App
          client={{
            ...client,
            storeHealth: () =>
              fail ? Promise.reject(new Error("probe exploded")) : client.storeHealth(),
          }}
          refreshMs={40}
        />,
      );
      await until(ui.lastFrame, (f) => f.includes("probe exploded"), "error shown");
      fail = false;
      await until(ui.lastFrame, (f) => f.includes("pglite"), "recovered");
      ui.unmount();
    });

    await t.step("API process figures from /metrics, and an unreachable API", async () => {
      const state = fakeState();
      let requests = 0;
      state.metrics = () => {
        requests += 10;
        return Promise.resolve([
          `polystore_http_requests_total{status="200"} ${requests}`,
          `polystore_http_request_duration_seconds_bucket{le="0.005"} ${requests}`,
          `polystore_http_request_duration_seconds_bucket{le="+Inf"} ${requests}`,
          "process_resident_memory_bytes 104857600",
        ].join("\n"));
      };
      let ui = render(<App client={fakeClient(state)} refreshMs={40} />);
      const f = plain(await until(ui.lastFrame, (f) => /\d req\/s · p99 5 ms/.test(f), "figures"));
      assert.match(f, /API http:\/\/api\.test: \d+\.\d req\/s · p99 5 ms · RSS 100\.0 MiB/);
      ui.unmount();
      state.metrics = () => Promise.reject(new Error("connection refused"));
      ui = render(<App client={fakeClient(state)} refreshMs={40} />);
      await until(ui.lastFrame, (f) => f.includes("unreachable (connection refused)"), "note");
      await until(ui.lastFrame, (f) => f.includes("all stores answer"), "stores still shown");
      ui.unmount();
      ui = render(<App client={fakeClient(fakeState())} refreshMs={40} />);
      await until(ui.lastFrame, (f) => f.includes("not watched (--api URL)"), "no API");
      ui.unmount();
    });

    await t.step("sparkline and history of the last minute", () => {
      assert.equal(sparkline([1, 2, 3, null], 4), "▁▅█×");
      assert.equal(sparkline([5, 5], 2), "▁▁");
      const ok = { role: "cache", status: "ok" as const, adapter: "memory", latency_ms: 2 };
      let h = appendSamples({}, [ok], 0, 60_000);
      h = appendSamples(h, [{ ...ok, status: "down" }], 30_000, 60_000);
      h = appendSamples(h, [ok], 61_000, 60_000);
      assert.deepEqual(h.cache.map((s) => s.latency), [null, 2]);
    });
  },
});
