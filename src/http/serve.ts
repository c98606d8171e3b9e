/**
 * Serving the app with a graceful stop: on a stop signal the listener closes and requests already
 * being handled get their whole answer before `finished` resolves.
 *
 * @module
 */

/** A running server. */
export interface Served {
  /** The address it listens on (port 0 in the options picks a free one). */
  addr: Deno.NetAddr;
  /** Stops accepting and drains in-flight requests; later calls are no-ops. */
  stop(): Promise<void>;
  /** Resolves once the server has stopped and its last in-flight request has been answered. */
  finished: Promise<void>;
}

export interface ServeOptions {
  port: number;
  hostname: string;
  onListen?: (addr: Deno.NetAddr) => void;
}

/**
 * Serves `handler` until `stop()`.
 *
 * @example
 * const served = serve((req) => app.fetch(req), { port: 8000, hostname: "127.0.0.1" });
 * Deno.addSignalListener("SIGTERM", () => void served.stop());
 * await served.finished;
 */
export function serve(
  handler: (
    req: Request,
    info: Deno.ServeHandlerInfo<Deno.NetAddr>,
  ) => Response | Promise<Response>,
  options: ServeOptions,
): Served {
  const server = Deno.serve({
    port: options.port,
    hostname: options.hostname,
    onListen: (addr) => options.onListen?.(addr),
  }, handler);
  let stopping: Promise<void> | undefined;
  return {
    addr: server.addr,
    // shutdown() lets in-flight handlers finish; aborting a `signal` given to Deno.serve would
    // instead cut them off mid-answer (seen with Deno 2.9: the client gets a closed connection).
    stop: () => (stopping ??= server.shutdown()),
    finished: server.finished,
  };
}
