// A second app over a test API's stores, as another instance would be, with some stores replaced
// (a dead cache, say) and/or its own clock; requests take JSON, and its log lines are kept.
import { createApp } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import type { TestApi } from "./api.ts";

export interface SecondAppOptions {
  stores?: Partial<TestApi["stores"]>;
  now?: () => number;
}

export function secondApp(api: TestApi, options: SecondAppOptions = {}) {
  const logs: Record<string, unknown>[] = [];
  const app = createApp({ ...api.stores, ...options.stores }, api.app.deps.config, {
    logger: createLogger("debug", (l) => logs.push(JSON.parse(l))),
    now: options.now,
  });
  const request = (method: string, path: string, opts: { body?: unknown; token?: string } = {}) =>
    Promise.resolve(app.request(path, {
      method,
      headers: {
        ...(opts.body === undefined ? {} : { "Content-Type": "application/json" }),
        ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    }));
  const warned = (re: RegExp) => logs.some((l) => l.level === "warn" && re.test(String(l.msg)));
  return { app, request, warned, logs };
}
