// Memory floor of the embedded profile: a Deno process that only opens PGlite on the bench's data
// folder and reads from it, printing its resident memory. Run by main.ts as its own process.
import { openPglite } from "../src/stores/relational/pglite.ts";

const dir = Deno.args[0];
if (!dir) throw new Error("usage: rss_probe.ts <pglite folder>");
const db = await openPglite(dir);
await db.query("select count(*) from leads");
await db.query("select * from leads order by created_at desc limit 50");
const status = await Deno.readTextFile("/proc/self/status");
const kb = (f: string) => Number(status.match(new RegExp(`^${f}:\\s+(\\d+) kB`, "m"))?.[1]);
console.log(JSON.stringify({ rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 }));
await db.close();
