import assert from "node:assert/strict";
import { render } from "ink-testing-library";
import { App } from "../../tui/app.tsx";
import type { ConsistencyReport } from "../../tui/ops_client.ts";
import { enter, fakeClient, fakeState, plain, settle, until } from "./fake_client.ts";

const PARTITIONS = 2;
const BACKUPS = 3;
const CONSISTENCY = 4;

function withPartitions() {
  const state = fakeState();
  state.partitions = [
    ["agent_logs_2024_01", "2024-01-01", "2024-02-01", 120],
    ["agent_logs_2026_11", "2026-11-01", "2026-12-01", 40],
    ["agent_logs_2026_12", "2026-12-01", "2027-01-01", 3],
  ].map(([name, from, to, rows]) => ({
    table: "agent_logs",
    name: String(name),
    from: String(from),
    to: String(to),
    rows: Number(rows),
    size_bytes: 8192,
    is_default: false,
  }));
  state.partitions.push({
    table: "agent_logs",
    name: "agent_logs_default",
    from: null,
    to: null,
    rows: 7,
    size_bytes: 8192,
    is_default: true,
  });
  return state;
}

Deno.test({
  name: "tui operations screens",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await t.step("partitions: ranges, rows, default rows; ensure months ahead", async () => {
      const state = withPartitions();
      const ui = render(<App client={fakeClient(state)} initialScreen={PARTITIONS} />);
      const f = plain(await until(ui.lastFrame, (f) => f.includes("agent_logs_2024_01"), "list"));
      assert.match(f, /agent_logs_2024_01\s+2024-01-01\.\.2024-02-01\s+120/);
      assert.match(f, /agent_logs_default\s+DEFAULT\s+7/);
      assert.match(f, /rows waiting in default partitions: 7/);
      ui.stdin.write("e");
      await until(ui.lastFrame, (f) => f.includes("months ahead: 6"), "prompt");
      ui.stdin.write("\x7f");
      await settle();
      await enter(ui, "3");
      await until(ui.lastFrame, (f) => f.includes("created 1: agent_logs_new_3"), "ensured");
      assert.ok(state.calls.includes("ensure 3"));
      ui.unmount();
    });

    await t.step("partitions: archive shows the dry run, then needs 'archive' typed", async () => {
      const state = withPartitions();
      const ui = render(<App client={fakeClient(state)} initialScreen={PARTITIONS} />);
      await until(ui.lastFrame, (f) => f.includes("agent_logs_2024_01"), "list");
      ui.stdin.write("a");
      const f = plain(await until(ui.lastFrame, (f) => f.includes("Type archive"), "dry run"));
      assert.match(f, /agent_logs_2024_01 \(120 rows\)/);
      assert.match(f, /refused agent_logs_2026_11: inside retention window/);
      assert.deepEqual(state.calls.filter((c) => c.startsWith("archive")), ["archive dry=true"]);
      ui.stdin.write("\x1b");
      await until(ui.lastFrame, (f) => !f.includes("Type archive"), "cancelled");
      assert.equal(state.partitions.length, 4, "nothing dropped on cancel");
      await settle();
      ui.stdin.write("a");
      await until(ui.lastFrame, (f) => f.includes("Type archive"), "dry run again");
      await enter(ui, "archive");
      await until(ui.lastFrame, (f) => f.includes("archived and dropped 1 partition(s)"), "done");
      const after = plain(
        await until(ui.lastFrame, (f) => !f.includes("agent_logs_2024_01"), "gone"),
      );
      assert.ok(after.includes("agent_logs_2026_11"));
      ui.unmount();
    });

    await t.step("backups: start shows live progress per store until it finishes", async () => {
      const state = fakeState();
      const ui = render(<App client={fakeClient(state)} initialScreen={BACKUPS} />);
      await until(ui.lastFrame, (f) => f.includes("no backups yet"), "empty");
      ui.stdin.write("s");
      const mid = plain(
        await until(ui.lastFrame, (f) => /relational\s+█+░+ 2\/4 running/.test(f), "progress"),
      );
      for (const s of ["documents", "graph", "cache", "objects"]) assert.ok(mid.includes(s));
      const f = plain(await until(ui.lastFrame, (f) => f.includes("backup b1 finished"), "done"));
      assert.match(f, /relational\s+█+ 4\/4 done/);
      await until(ui.lastFrame, (f) => /b1\s+succeeded\s+\S+ ago\s+4\.0 KiB\s+-/.test(f), "row");
      ui.unmount();
    });

    await t.step("backups: a failed run shows its reason", async () => {
      const state = fakeState();
      state.failBackup = "graph: connection refused";
      const ui = render(<App client={fakeClient(state)} initialScreen={BACKUPS} />);
      await until(ui.lastFrame, (f) => f.includes("no backups yet"), "empty");
      ui.stdin.write("s");
      await until(
        ui.lastFrame,
        (f) => f.includes("b1 failed: graph: connection refused"),
        "failure reason",
      );
      ui.unmount();
    });

    await t.step("backups: verify, then restore with the id typed back", async () => {
      const state = fakeState();
      const client = fakeClient(state);
      await client.startBackup();
      while ((await client.backupStatus("b1")).status === "running");
      const ui = render(<App client={client} initialScreen={BACKUPS} />);
      await until(ui.lastFrame, (f) => f.includes("succeeded"), "list");
      ui.stdin.write("v");
      await until(ui.lastFrame, (f) => f.includes("backup b1 verified"), "verified");
      await until(ui.lastFrame, (f) => /succeeded.*\bok\b/.test(f), "verify column");
      ui.stdin.write("R");
      await until(ui.lastFrame, (f) => f.includes("Type b1 to confirm"), "restore confirm");
      await enter(ui, "b2");
      await until(ui.lastFrame, (f) => f.includes("does not match"), "mismatch");
      assert.ok(!state.calls.some((c) => c.startsWith("restore")));
      ui.stdin.write("\x7f\x7f");
      await settle();
      await enter(ui, "b1");
      await until(
        ui.lastFrame,
        (f) => f.includes("restore b1: target deployment is not empty"),
        "refusal reason",
      );
      await settle();
      ui.stdin.write("F");
      await until(ui.lastFrame, (f) => f.includes("--force"), "force confirm");
      await enter(ui, "b1");
      await until(ui.lastFrame, (f) => f.includes("restored b1: restored 5 stores"), "restored");
      assert.ok(state.calls.includes("restore b1 force=true confirm=b1"));
      ui.unmount();
    });

    await t.step("read-only: no start, archive, ensure or restore", async () => {
      const state = withPartitions();
      const ui = render(<App client={fakeClient(state)} initialScreen={BACKUPS} readOnly />);
      await until(ui.lastFrame, (f) => f.includes("no backups yet"), "empty");
      const f = plain(ui.lastFrame()!);
      assert.ok(!f.includes("start backup") && !f.includes("restore") && f.includes("verify"));
      ui.stdin.write("s");
      ui.stdin.write("3");
      await until(ui.lastFrame, (f) => f.includes("agent_logs_2024_01"), "partitions");
      ui.stdin.write("a");
      ui.stdin.write("e");
      await settle();
      assert.ok(!plain(ui.lastFrame()!).includes("months ahead:"));
      assert.deepEqual(state.calls.filter((c) => c !== "health"), []);
      ui.unmount();
    });

    await t.step("consistency: not installed", async () => {
      const ui = render(<App client={fakeClient(fakeState())} initialScreen={CONSISTENCY} />);
      await until(ui.lastFrame, (f) => f.includes("consistency service not installed"), "note");
      ui.unmount();
    });

    await t.step("consistency: backlog, lag, drift and a confirmed repair", async () => {
      const state = fakeState();
      let drift = 3;
      const report = (): ConsistencyReport => ({
        outbox_backlog: 12,
        oldest_outbox_age_ms: 95_000,
        missing_in_graph: drift ? ["i-1", "i-2"] : [],
        missing_in_documents: [],
        version_mismatches: drift ? ["i-9"] : [],
        drift,
        checked_at: "2026-12-05T10:00:00Z",
      });
      state.consistency = {
        report: () => Promise.resolve(report()),
        repair: () => {
          const repaired = drift;
          drift = 0;
          return Promise.resolve({ repaired, report: report() });
        },
      };
      const ui = render(<App client={fakeClient(state)} initialScreen={CONSISTENCY} />);
      const f = plain(await until(ui.lastFrame, (f) => f.includes("outbox backlog"), "report"));
      assert.match(f, /outbox backlog\s+12\s+oldest 1m35s/);
      assert.match(f, /drift\s+3/);
      assert.match(f, /missing in graph\s+2\s+i-1, i-2/);
      ui.stdin.write("x");
      await until(ui.lastFrame, (f) => f.includes("Repair drift now? (3"), "confirm");
      ui.stdin.write("y");
      await until(ui.lastFrame, (f) => f.includes("repaired 3 item(s); drift now 0"), "repaired");
      ui.unmount();
    });
  },
});
