/**
 * Whether a request can carry a body, decided from its method and headers alone: reading
 * `Request.body` to find out makes a stream, a per-request cost that body-less GETs need not pay.
 *
 * @module
 */

/**
 * False only for a GET or HEAD with neither Content-Length nor Transfer-Encoding: such a request
 * has no body on the wire (HTTP/1.1 framing), and a constructed GET/HEAD Request cannot hold one.
 */
export function mayHaveBody(req: Request): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return true;
  return req.headers.has("content-length") || req.headers.has("transfer-encoding");
}
