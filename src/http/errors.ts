/**
 * The one place errors become responses: AppErrors as they are, StoreErrors by code (404, 409,
 * 422, 503 with Retry-After), Hono's HTTP exceptions (malformed JSON, body too large) by status,
 * anything else as a bare 500 whose details go to the log only; unknown paths 404, and known paths
 * asked with another method 405 with Allow (route paths matched by hono's trie router, as hono's
 * own method-not-allowed does, multi-segment keys included); as in OpenAPI, a concrete path such as
 * /insights/audio is matched before a templated one such as /insights/{id}.
 *
 * @module
 */
import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { TrieRouter } from "hono/router/trie-router";
import {
  AppError,
  conflict,
  type FieldError,
  internalError,
  malformedRequest,
  methodNotAllowed,
  notFound,
  payloadTooLarge,
  serviceUnavailable,
  unauthorized,
  unprocessable,
} from "../errors.ts";
import { StoreError } from "../stores/errors.ts";
import type { Logger } from "../log.ts";
import { stepLayer } from "./observe.ts";
import { problemResponse } from "./problem.ts";
import type { AppEnv } from "./types.ts";

/** Converts any thrown value to the AppError the client should see. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof StoreError) return fromStoreError(err);
  if (err instanceof HTTPException) return fromHttpException(err);
  return internalError();
}

function fromStoreError(err: StoreError): AppError {
  const errors: FieldError[] | undefined = err.field
    ? [{ path: err.field, message: err.message }]
    : undefined;
  switch (err.code) {
    case "not_found":
      return notFound(err.message);
    case "conflict":
      return conflict(
        err.field ? `${err.field} already exists` : "The request conflicts with stored data",
        errors,
      );
    case "invalid":
      return unprocessable(
        err.field ? `${err.field}: ${err.message}` : "The stored data refused this value",
        errors,
      );
    case "timeout":
    case "unavailable":
      return serviceUnavailable(`The ${err.store} store is not answering; try again shortly`);
  }
}

function fromHttpException(err: HTTPException): AppError {
  const status = err.status;
  if (status === 413) return payloadTooLarge();
  if (status === 400) {
    return malformedRequest(
      /json/i.test(err.message) ? "The request body is not valid JSON" : err.message,
    );
  }
  if (status === 401) return unauthorized(err.message);
  return new AppError(status, "http_error", err.message || "Error", { detail: err.message });
}

/** Hono onError handler that logs server-side failures with the request id. */
export function errorHandler(log: Logger): ErrorHandler {
  return (err: unknown, c: Context) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) {
      log.error("request failed", {
        request_id: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        stack: err instanceof Error && !(err instanceof AppError) ? err.stack : undefined,
        cause: err instanceof StoreError && err.cause instanceof Error
          ? err.cause.message
          : undefined,
      });
    }
    return problemResponse(c, appErr);
  };
}

/** 404 problem+json for a path no route serves. */
export function notFoundHandler(): NotFoundHandler {
  return (c) => problemResponse(c, notFound(`No route for ${c.req.path}`));
}

/** C0 controls and DEL: no route serves a path holding them, whatever the method. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** One route path with the methods registered on it and which of its segments are literal. */
interface PathMethods {
  literal: boolean[];
  methods: string[];
}

/** Route paths as segments ("/a/:id" -> ["a", ":id"]). */
function segmentsOf(path: string): string[] {
  return path.split("/").filter(Boolean);
}

/** Route paths in a router that matches a request path to all the paths it fits. */
function pathRouter(byPath: Map<string, Set<string>>): TrieRouter<PathMethods> {
  const router = new TrieRouter<PathMethods>();
  for (const [path, methods] of byPath) {
    const literal = segmentsOf(path).map((s) => !s.startsWith(":") && s !== "*");
    router.add("ALL", path, { literal, methods: [...methods] });
  }
  return router;
}

/** The methods each route path serves (HEAD wherever GET is). */
function methodsByPath(routes: readonly { method: string; path: string }[]) {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    if (r.method === "ALL" || r.method === "HEAD") continue;
    const methods = byPath.get(r.path) ?? new Set<string>();
    methods.add(r.method);
    if (r.method === "GET") methods.add("HEAD");
    byPath.set(r.path, methods);
  }
  return byPath;
}

/**
 * The request segments that can make one route path shadow another: "depth:literal" for every
 * literal segment at a depth where some route path has a parameter (or, for a parameter that may
 * span segments, at that depth or deeper). A request naming none of them fits at most one path
 * per depth pattern, so the router need not be asked.
 */
function shadowingSegments(paths: readonly string[]): Set<string> {
  const literals: [number, string][] = [];
  const open = new Set<number>();
  let openFrom = Infinity;
  for (const path of paths) {
    segmentsOf(path).forEach((s, d) => {
      if (s.startsWith(":") || s.includes("*")) {
        open.add(d);
        // A pattern (":key{.+}") or a wildcard may cover the segments after it.
        if (s.includes("{") || s.includes("*")) openFrom = Math.min(openFrom, d);
      } else literals.push([d, s]);
    });
  }
  const found = new Set<string>();
  for (const [d, s] of literals) if (open.has(d) || d >= openFrom) found.add(`${d}:${s}`);
  return found;
}

/** Whether `path` names one of `segments` at its depth. */
function namesShadowingSegment(segments: Set<string>, path: string): boolean {
  let d = 0;
  let from = 1;
  while (from <= path.length) {
    let to = path.indexOf("/", from);
    if (to === -1) to = path.length;
    if (to > from) {
      if (segments.has(`${d}:${path.slice(from, to)}`)) return true;
      d++;
    }
    from = to + 1;
  }
  return false;
}

/** Positive when `a` is the more concrete: a literal segment where `b` has a parameter, first. */
function specificity(a: PathMethods, b: PathMethods): number {
  const n = Math.max(a.literal.length, b.literal.length);
  for (let i = 0; i < n; i++) {
    const x = a.literal[i] ?? false;
    const y = b.literal[i] ?? false;
    if (x !== y) return x ? 1 : -1;
  }
  return 0;
}

/**
 * The methods of the most concrete route path that fits `path` when a less concrete one would
 * otherwise answer `method` (PUT /insights/audio is not PUT /insights/{id}); null otherwise.
 */
function shadowedMethod(router: TrieRouter<PathMethods>, method: string, path: string) {
  const fits = router.match("ALL", path)[0].map(([p]) => p);
  if (fits.length < 2) return null;
  const best = fits.reduce((a, b) => specificity(b, a) > 0 ? b : a);
  // Paths as concrete as the best one (/relationships/{insight_id}, /relationships/{id}) are one.
  const top = fits.filter((p) => specificity(p, best) === 0);
  if (top.some((p) => p.methods.includes(method))) return null;
  if (!fits.some((p) => p.methods.includes(method))) return null;
  return [...new Set(top.flatMap((p) => p.methods))];
}

/** An app whose routes are read (a hono app once every route is registered). */
type RoutedApp = { routes: readonly { method: string; path: string }[] };

/** The two halves of the 405 answers, for a layer that runs them around the rest of the chain. */
export interface MethodChecks {
  /** 405 before any route runs, when a less concrete path would answer the method; else null. */
  early(c: Context): Response | null;
  /** Turns the 404 of a path that routes serve under other methods into 405 with Allow. */
  finish(c: Context): void;
}

/**
 * Turns the 404 of a path that some route serves under another method into 405 problem+json with
 * Allow (HEAD included wherever GET is), and answers 405 too when only a less concrete path than
 * the one the request names serves its method. A path with control characters stays 404: no
 * method is allowed on it, so no Allow list is offered. For the top-level app: its routes are
 * read on first use, once all are registered.
 */
export function methodChecks(app: RoutedApp) {
  // Built on first use, once every route is registered.
  let paths: { router: TrieRouter<PathMethods>; shadowing: Set<string> } | undefined;
  const pathsOf = () => {
    if (paths === undefined) {
      const byPath = methodsByPath(app.routes);
      paths = { router: pathRouter(byPath), shadowing: shadowingSegments([...byPath.keys()]) };
    }
    return paths;
  };
  return {
    early(c) {
      if (c.req.method === "OPTIONS") return null;
      const path = c.req.path;
      const { router, shadowing } = pathsOf();
      if (!namesShadowingSegment(shadowing, path) || CONTROL.test(path)) return null;
      const allowed = shadowedMethod(router, c.req.method, path);
      return allowed ? problemResponse(c, methodNotAllowed(c.req.method, allowed)) : null;
    },
    finish(c) {
      if (c.res.status !== 404 || c.error) return;
      const path = c.req.path;
      if (CONTROL.test(path)) return;
      const allowed = new Set<string>();
      for (const [p] of pathsOf().router.match("ALL", path)[0]) {
        for (const m of p.methods) allowed.add(m);
      }
      if (allowed.size === 0 || allowed.has(c.req.method)) return;
      // The new answer takes over the old one's headers: none of these may carry over.
      c.res.headers.delete("Allow");
      c.res.headers.delete("Content-Length");
      c.res = problemResponse(c, methodNotAllowed(c.req.method, [...allowed]));
    },
  } satisfies MethodChecks;
}

/** The same checks as a layer of their own (test apps; the API runs them in its outer layer). */
export function methodNotAllowedProblems(app: RoutedApp): MiddlewareHandler<AppEnv> {
  return stepLayer(methodChecks(app));
}
