/**
 * The outermost layer: names the request (X-Request-Id), runs the steps that wrap every answer
 * (405s, answer headers), then counts, times and logs the answer. One middleware rather than
 * one per concern, because every layer of hono's chain costs two promises on every request.
 *
 * @module
 */
import type { Context, ErrorHandler, MiddlewareHandler } from "hono";
import type { AccessLine } from "./access_log.ts";
import type { HttpMetrics } from "./metrics.ts";
import { pickRequestId } from "./request_id.ts";
import type { AppEnv } from "./types.ts";

/** Work around the rest of the chain, run inside the outer layer rather than as a layer. */
export interface AnswerStep {
  /** An answer given before any route runs (the later steps and the chain are then skipped). */
  early?(c: Context<AppEnv>): Response | Promise<Response | void> | null | undefined;
  /** Finishes the answer; steps finish in reverse order, as nested layers would. */
  finish?(c: Context<AppEnv>): Promise<void> | void;
}

/** Runs `steps` around `next` as nested layers would: earlies in order, finishes in reverse. */
async function runSteps(
  steps: readonly AnswerStep[],
  c: Context<AppEnv>,
  next: () => Promise<void>,
): Promise<void> {
  let ran = steps.length;
  let answered = false;
  for (let i = 0; i < steps.length; i++) {
    const early = steps[i].early?.(c);
    if (early) {
      const res = await early;
      if (res instanceof Response) c.res = res;
      ran = i + 1;
      answered = true;
      break;
    }
  }
  if (!answered) await next();
  for (let i = ran - 1; i >= 0; i--) {
    const done = steps[i].finish?.(c);
    if (done) await done;
  }
}

/** One step as a layer of its own (test apps, the bench's layer costs); hono maps its errors. */
export function stepLayer(step: AnswerStep): MiddlewareHandler<AppEnv> {
  const steps = [step];
  return function stepLayer(c, next) {
    return runSteps(steps, c, next);
  };
}

export interface ObserveOptions {
  /** Steps in the order nested layers would have them, outermost first. */
  steps?: readonly AnswerStep[];
  /** Maps an error thrown by a step, as hono does for a layer's (required with steps). */
  onError?: ErrorHandler<AppEnv>;
}

export function observeRequests(
  accessLine: AccessLine,
  metrics: HttpMetrics,
  options: ObserveOptions = {},
): MiddlewareHandler<AppEnv> {
  const steps = options.steps ?? [];
  const onError = options.onError;
  return async function observeRequests(c, next) {
    const started = performance.now();
    const id = pickRequestId(c.req.header("X-Request-Id"));
    c.set("requestId", id);
    // An error thrown below has become an answer (app.onError) by the time next() returns.
    if (steps.length === 0) await next();
    else {
      try {
        await runSteps(steps, c, next);
      } catch (err) {
        if (!(err instanceof Error) || !onError) throw err;
        c.error = err;
        c.res = await onError(err, c);
      }
    }
    c.res.headers.set("X-Request-Id", id);
    metrics.record(c, started);
    accessLine(c, started);
  };
}
