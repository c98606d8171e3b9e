import assert from "node:assert/strict";
import { startTuiPane } from "./tmux.ts";

// The real `deno task tui` in an 80x24 pseudo-terminal over an embedded deployment in a temp
// DATA_DIR: every screen, a backup started and followed to the end, help, quit.
Deno.test({
  name: "tui in a pty on the embedded profile: every screen, a backup to the end",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "polystore-tui-" });
    const pane = await startTuiPane({ DATA_DIR: dataDir }, ["--refresh", "1000"]);
    try {
      // PGlite's first start (WASM compile, migrations) can take a while on a busy machine.
      let s = await pane.waitFor("all stores answer", 120_000);
      assert.match(s, /relational\s+up\s+pglite/);
      assert.match(s, /objects\s+up\s+folder/);
      await pane.keys("Tab");
      await pane.waitFor("pattern *");
      await pane.waitFor(/\d+ keys · /);
      await pane.keys("3");
      await pane.waitFor(/partition\(s\) · rows waiting in default partitions/);
      await pane.keys("5");
      s = await pane.waitFor(/drift\s+\d+/);
      assert.match(s, /outbox backlog\s+0\s+oldest -/);
      await pane.keys("x");
      await pane.waitFor("Repair drift now? (0 item(s) differ)");
      await pane.keys("y");
      await pane.waitFor("repaired 0 item(s); drift now 0", 60_000);
      await pane.keys("4");
      await pane.waitFor("no backups yet");
      await pane.keys("s");
      s = await pane.waitFor(/backup \S+ finished/, 120_000);
      assert.match(s, /relational\s+█+ \d+\/\d+ done/);
      assert.match(s, /objects\s+█+ \d+\/\d+ done/);
      s = await pane.waitFor(/succeeded\s+\S+ ago/);
      await pane.keys("v");
      await pane.waitFor(/verified: every checksum/, 60_000);
      await pane.waitFor(/succeeded\s+\S+ ago\s+[\d.]+ \S+ ok/);
      await pane.keys("?");
      s = await pane.waitFor("Help");
      assert.match(s, /restore --force/);
      await pane.keys("Escape");
      await pane.keys("q");
      await pane.waitFor("TUI-EXITED-0", 20_000);
    } finally {
      await pane.close();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
