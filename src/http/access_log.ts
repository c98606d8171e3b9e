/**
 * One JSON log line per request: method, path, status, duration, request id, user when known.
 * The line is only built when the logger would keep it, and with no redaction pass: none of its
 * fields can hold a secret.
 *
 * @module
 */
import type { Context } from "hono";
import type { Logger } from "../log.ts";
import type { AppEnv } from "./types.ts";

/** Writes the line of an answered request (`started` from `performance.now()`). */
export type AccessLine = (c: Context<AppEnv>, started: number) => void;

export function accessLog(log: Logger): AccessLine {
  const infoOn = log.enabled?.("info") ?? true;
  return function accessLine(c, started) {
    const status = c.res.status;
    if (status < 500 && !infoOn) return;
    const id = c.get("requestId");
    const method = c.req.method;
    const path = c.req.path;
    const ms = Math.round((performance.now() - started) * 100) / 100;
    const user = c.get("principal")?.userId;
    if (status >= 500 || !log.trusted) {
      const fields = { request_id: id, method, path, status, duration_ms: ms, user_id: user };
      if (status >= 500) log.error("request", fields);
      else log.info("request", fields);
      return;
    }
    // The same text JSON.stringify gives for those fields, built without the object.
    log.trusted(
      "info",
      "request",
      `{"request_id":${JSON.stringify(id)},"method":${JSON.stringify(method)},"path":${
        JSON.stringify(path)
      },"status":${status},"duration_ms":${ms}${
        user === undefined ? "" : `,"user_id":${JSON.stringify(user)}`
      }}`,
    );
  };
}
