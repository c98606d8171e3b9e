/**
 * One instrumenting decorator for every port: each async call on a store (and on a documents
 * collection) reports its role, operation, duration and outcome to an observer, so metrics come
 * from one place instead of every adapter. Streams and sync methods pass through unobserved.
 *
 * @module
 */
import type { Stores } from "./types.ts";
import { STORE_ROLES } from "./types.ts";

/** Told of every observed call: port (role), operation (method), seconds taken, and success. */
export type StoreObserver = (port: string, operation: string, seconds: number, ok: boolean) => void;

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}

function wrap<T extends object>(target: T, port: string, observe: StoreObserver, prefix = ""): T {
  // One wrapper per method, made on first use: a property read must not allocate a closure.
  const wrappers = new Map<string, { fn: unknown; wrapped: unknown }>();
  const make = (fn: (...a: unknown[]) => unknown, t: T, prop: string) => {
    const operation = prefix + prop;
    return (...args: unknown[]) => {
      const started = performance.now();
      let out: unknown;
      try {
        out = fn.apply(t, args);
      } catch (err) {
        observe(port, operation, (performance.now() - started) / 1000, false);
        throw err;
      }
      if (prop === "collection" && port === "documents" && out && typeof out === "object") {
        return wrap(out as object, port, observe, "collection.");
      }
      if (!isPromise(out)) return out;
      return out.then(
        (v) => {
          observe(port, operation, (performance.now() - started) / 1000, true);
          return v;
        },
        (err) => {
          observe(port, operation, (performance.now() - started) / 1000, false);
          throw err;
        },
      );
    };
  };
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      const known = wrappers.get(prop);
      if (known !== undefined && known.fn === value) return known.wrapped;
      const wrapped = make(value as (...a: unknown[]) => unknown, t, prop);
      wrappers.set(prop, { fn: value, wrapped });
      return wrapped;
    },
  });
}

/** The same stores, each call observed. The originals stay usable (and unobserved). */
export function instrumentStores<S extends Stores>(stores: S, observe: StoreObserver): S {
  const out = { ...stores };
  for (const role of STORE_ROLES) {
    (out as Stores)[role] = wrap(stores[role] as object, role, observe) as never;
  }
  return out;
}
