// The PocketBase peer of `deno task bench --peer=pocketbase` (issue 15, item 6): PocketBase built
// with Go from the Go module proxy (skipped with a note when Go is absent), loaded with the same
// 10k companies and one signed-in user, and driven by the same wrk script as polystore: view by
// id, a page of 20 filtered and sorted, and a create. The bench alternates each run with the
// same scenario on polystore's embedded profile and prints polystore / PocketBase per row.
import { sleep } from "./exec.ts";
import type { Plan } from "./wrk.ts";

/** The PocketBase release built: the newest one whose go.mod this machine's Go accepts. */
export const POCKETBASE_VERSION = "v0.36.8";
const MODULE = "github.com/pocketbase/pocketbase/examples/base";
const SEGMENTS = ["varejo", "industria", "saude", "educacao", "financas", "agro", "tech", "midia"];
const ADMIN = { email: "bench-admin@bench.pocketbase.test", password: "bench-admin-password-1" };
const USER = { email: "bench-user@bench.pocketbase.test", password: "bench-user-password-1" };

function goBinary(): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").concat("/usr/local/go/bin")) {
    try {
      if (Deno.statSync(`${dir}/go`).isFile) return `${dir}/go`;
    } catch {
      // not here
    }
  }
  return null;
}

/** The PocketBase binary (built once into the bench's tool cache), or a reason it is not there. */
export async function buildPocketbase(): Promise<{ bin: string } | { skipped: string }> {
  const home = Deno.env.get("HOME") ?? "/tmp";
  const dir = `${home}/.cache/polystore/bin/pocketbase-${POCKETBASE_VERSION}`;
  const bin = `${dir}/base`;
  try {
    if (Deno.statSync(bin).isFile) return { bin };
  } catch {
    // not built yet
  }
  const go = goBinary();
  if (go === null) return { skipped: "Go is not installed: the PocketBase peer was not built" };
  const out = await new Deno.Command(go, {
    args: ["install", `${MODULE}@${POCKETBASE_VERSION}`],
    env: { GOBIN: dir, GOFLAGS: "-buildvcs=false" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" / ");
    return { skipped: `go install ${MODULE}@${POCKETBASE_VERSION} failed: ${err}` };
  }
  return { bin };
}

/** A running PocketBase with the bench data loaded. */
export interface PocketbasePeer {
  baseUrl: string;
  /** The signed-in user's token, and a sample of company ids. */
  token: string;
  companyIds: string[];
  stop(): Promise<void>;
}

async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers["Authorization"] = token;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`PocketBase ${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** Starts PocketBase on `port` with a fresh data folder and loads `companies` companies. */
export async function startPocketbase(
  bin: string,
  workDir: string,
  port: number,
  companies: number,
): Promise<PocketbasePeer> {
  const dataDir = `${workDir}/pb_data`;
  await Deno.mkdir(dataDir, { recursive: true });
  const upsert = await new Deno.Command(bin, {
    args: ["superuser", "upsert", ADMIN.email, ADMIN.password, `--dir=${dataDir}`],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!upsert.success) throw new Error(new TextDecoder().decode(upsert.stderr));
  const log = await Deno.open(`${workDir}/pocketbase.log`, { create: true, write: true });
  const child = new Deno.Command(bin, {
    args: ["serve", `--http=127.0.0.1:${port}`, `--dir=${dataDir}`],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  // Drained into a file so it never blocks on a full pipe.
  void child.stdout.pipeTo(log.writable).catch(() => {});
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
  };
  try {
    for (let i = 0;; i++) {
      try {
        const res = await fetch(`${baseUrl}/api/health`);
        await res.body?.cancel();
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (i > 600) throw new Error("PocketBase did not answer /api/health in 60 s");
      await sleep(100);
    }
    const admin = await call(baseUrl, "POST", "/api/collections/_superusers/auth-with-password", {
      identity: ADMIN.email,
      password: ADMIN.password,
    });
    const adminToken = String(admin.token);
    const signedIn = "@request.auth.id != ''";
    await call(baseUrl, "POST", "/api/collections", {
      name: "companies",
      type: "base",
      listRule: signedIn,
      viewRule: signedIn,
      createRule: signedIn,
      fields: [
        { name: "name", type: "text", required: true },
        { name: "cnpj", type: "text" },
        { name: "segment", type: "text" },
        { name: "size", type: "text" },
        { name: "address_city", type: "text" },
        { name: "source", type: "text" },
        { name: "created", type: "autodate", onCreate: true },
        { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
      ],
      indexes: ["CREATE INDEX idx_companies_segment_created ON companies (segment, created)"],
    }, adminToken);
    // Loaded through its own API (batch requests), as a client would.
    await call(baseUrl, "PATCH", "/api/settings", {
      batch: { enabled: true, maxRequests: 500, timeout: 30, maxBodySize: 0 },
    }, adminToken);
    const ids: string[] = [];
    for (let start = 1; start <= companies; start += 500) {
      const requests = [];
      for (let g = start; g < Math.min(start + 500, companies + 1); g++) {
        requests.push({
          method: "POST",
          url: "/api/collections/companies/records",
          body: {
            name: `Empresa ${g}`,
            cnpj: String(g).padStart(14, "0"),
            segment: SEGMENTS[g % 8],
            size: ["micro", "pequena", "media", "grande"][g % 4],
            address_city: ["Sao Paulo", "Rio de Janeiro", "Curitiba", "Recife"][g % 4],
            source: ["site", "indicacao", "evento", "linkedin"][g % 4],
          },
        });
      }
      const res = await fetch(`${baseUrl}/api/batch`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: adminToken },
        body: JSON.stringify({ requests }),
      });
      const out = await res.json() as { body?: { id?: string } }[];
      if (!res.ok) throw new Error(`PocketBase batch: ${res.status} ${JSON.stringify(out)}`);
      for (const r of out) if (r.body?.id && ids.length < 2_000) ids.push(r.body.id);
    }
    await call(baseUrl, "POST", "/api/collections/users/records", {
      email: USER.email,
      password: USER.password,
      passwordConfirm: USER.password,
    }, adminToken);
    const user = await call(baseUrl, "POST", "/api/collections/users/auth-with-password", {
      identity: USER.email,
      password: USER.password,
    });
    return { baseUrl, token: String(user.token), companyIds: ids, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One side-by-side scenario: the same request shape on polystore and on PocketBase. */
export interface PeerScenario {
  name: string;
  description: string;
  polystore(tokens: string[], companyIds: string[]): Plan;
  pocketbase(peer: PocketbasePeer): Plan;
}

const COMPANIES = "/api/collections/companies/records";

export const PEER_SCENARIOS: PeerScenario[] = [
  {
    name: "view_by_id",
    description: "one company by id (2,000 ids)",
    polystore: (tokens, ids) => ({
      tokens,
      requests: ids.map((id) => ({ method: "GET", path: `/api/v1/companies/${id}` })),
    }),
    pocketbase: (pb) => ({
      tokens: [pb.token],
      requests: pb.companyIds.map((id) => ({ method: "GET", path: `${COMPANIES}/${id}` })),
    }),
  },
  {
    name: "list_20",
    description: "20 companies of one segment, newest first",
    polystore: (tokens) => ({
      tokens,
      requests: SEGMENTS.map((s) => ({
        method: "GET",
        path: `/api/v1/companies?segment=${s}&limit=20&sort=-created_at`,
      })),
    }),
    // skipTotal: polystore pages by cursor without a count, so PocketBase is spared its count too.
    pocketbase: (pb) => ({
      tokens: [pb.token],
      requests: SEGMENTS.map((s) => ({
        method: "GET",
        path: `${COMPANIES}?filter=${encodeURIComponent(`segment='${s}'`)}&sort=-created` +
          `&perPage=20&skipTotal=1`,
      })),
    }),
  },
  {
    name: "create",
    description: "create a company (polystore: insert + audit row in one transaction)",
    polystore: (tokens) => ({
      tokens,
      requests: [{
        method: "POST",
        path: "/api/v1/companies",
        body: JSON.stringify({
          name: "Peer Nova {run}{seq}",
          cnpj: "{run}{seq}",
          segment: "tech",
          size: "micro",
          source: "bench",
        }),
      }],
    }),
    pocketbase: (pb) => ({
      tokens: [pb.token],
      requests: [{
        method: "POST",
        path: COMPANIES,
        body: JSON.stringify({
          name: "Peer Nova {run}{seq}",
          cnpj: "{run}{seq}",
          segment: "tech",
          size: "micro",
          source: "bench",
        }),
      }],
    }),
  },
];
