// Serves the folder adapter's signed URLs (MinIO serves its own): GET streams an object, PUT
// stores one, each only with a genuine, unexpired signature for that method, object, type and size.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { BlankEnv } from "hono/types";
import {
  AppError,
  badRequest,
  notFound,
  payloadTooLarge,
  type ProblemCode,
  unsupportedMediaType,
} from "../errors.ts";
import { isStoreError } from "../stores/errors.ts";
import { hasLocalSigning, type LocalSigning } from "../stores/objects/capabilities.ts";
import { SIGNED_URL_BASE_PATH } from "../stores/objects/folder.ts";
import type { ObjectStore } from "../stores/objects/port.ts";
import type { GrantRefusal } from "../stores/objects/signing.ts";
import { registerSignedUrlDocs, ROUTE_PATH } from "./signed_url_openapi.ts";

/** What the routes need from the store: the folder adapter provides it. */
export type SignedUrlStore =
  & Pick<ObjectStore, "get" | "put">
  & Pick<LocalSigning, "verifySignedRequest">;

/** Where to mount the sub-app so the store's URLs reach it. */
export const SIGNED_URL_MOUNT = SIGNED_URL_BASE_PATH;

/**
 * The sub-app for signed URLs; mount it at {@link SIGNED_URL_MOUNT}.
 *
 * Refusals are problem+json: 403 for a missing or bad signature, a URL used with another method,
 * and an expired URL (403 rather than 410, as S3 answers, so clients handle both stores alike);
 * 404 for a missing object; 413 over the signed size; 415 for another content type.
 *
 * @example
 * ```ts
 * app.route(SIGNED_URL_MOUNT, signedUrlRoutes(folderObjects));
 * ```
 */
export function signedUrlRoutes(store: SignedUrlStore): OpenAPIHono<BlankEnv> {
  // An OpenAPIHono only to carry the docs into the app's registry: there are no validators, so
  // createRouter's hook has nothing to do, and the plain env keeps it mountable on any Hono.
  const app = new OpenAPIHono<BlankEnv>();
  registerSignedUrlDocs(app);

  // Hono answers HEAD with this handler too, without the body.
  app.get(ROUTE_PATH, async (c) => {
    const { bucket, key } = await authorise(store, c);
    let object;
    try {
      object = await store.get(bucket, key);
    } catch (err) {
      if (isStoreError(err, "not_found")) throw notFound("No object at this URL");
      throw err;
    }
    const { info, body } = object;
    const head = c.req.method === "HEAD";
    if (head) await body.cancel(); // closes the file
    return new Response(head ? null : body, {
      headers: {
        "Content-Type": info.content_type,
        "Content-Length": String(info.size),
        "ETag": `"${info.etag}"`,
        "Last-Modified": info.last_modified.toUTCString(),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  });

  app.put(ROUTE_PATH, async (c) => {
    const { bucket, key, grant } = await authorise(store, c);
    const sent = c.req.header("Content-Type");
    if (grant.contentType !== undefined && !sameMediaType(sent, grant.contentType)) {
      throw unsupportedMediaType(`This URL accepts only ${grant.contentType}`);
    }
    const declared = c.req.header("Content-Length");
    const length = declared === undefined ? undefined : Number(declared);
    if (length !== undefined && !(Number.isSafeInteger(length) && length >= 0)) {
      throw badRequest("Bad Content-Length");
    }
    if (grant.maxSize !== undefined && length !== undefined && length > grant.maxSize) {
      throw tooLarge(grant.maxSize);
    }
    const raw = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (ctl) => ctl.close() });
    // Content-Length can be absent (chunked) or wrong, so the limit is also kept while streaming.
    const body = grant.maxSize === undefined ? raw : raw.pipeThrough(sizeLimit(grant.maxSize));
    let info;
    try {
      info = await store.put(bucket, key, body, {
        contentType: sent?.trim() || grant.contentType,
        ...(length !== undefined ? { size: length } : {}),
      });
    } catch (err) {
      if (err instanceof TooLarge) throw tooLarge(err.max);
      throw err;
    }
    return c.json({ bucket, key: info.key, size: info.size, etag: info.etag }, 200, {
      "ETag": `"${info.etag}"`,
    });
  });

  return app;
}

async function authorise(store: SignedUrlStore, c: Context) {
  const bucket = c.req.param("bucket") ?? "";
  const key = c.req.param("key") ?? "";
  const check = await store.verifySignedRequest({
    method: c.req.method,
    bucket,
    key,
    params: new URL(c.req.url).searchParams,
  });
  if (!check.ok) throw refusal(check.reason);
  return { bucket, key, grant: check.grant };
}

const REFUSALS: Record<GrantRefusal, [code: ProblemCode, detail: string]> = {
  missing_signature: ["signature_missing", "This URL carries no signature"],
  bad_signature: ["signature_invalid", "The URL's signature does not match"],
  wrong_method: ["method_not_signed", "The URL was not signed for this method"],
  expired: ["signed_url_expired", "The signed URL has expired"],
};

function refusal(reason: GrantRefusal): AppError {
  const [code, detail] = REFUSALS[reason];
  return new AppError(403, code, "Forbidden", { detail });
}

/** Thrown inside the upload stream when it passes the signed size. */
class TooLarge extends Error {
  constructor(readonly max: number) {
    super(`upload exceeds ${max} bytes`);
  }
}

function tooLarge(max: number): AppError {
  return payloadTooLarge(`This URL accepts at most ${max} bytes`);
}

function sizeLimit(max: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, ctl) {
      seen += chunk.length;
      if (seen > max) ctl.error(new TooLarge(max));
      else ctl.enqueue(chunk);
    },
  });
}

/** Compares media types without parameters: browsers append "; charset=…" on their own. */
function sameMediaType(sent: string | undefined, signed: string): boolean {
  const essence = (v: string) => v.split(";")[0].trim().toLowerCase();
  return sent !== undefined && essence(sent) === essence(signed);
}

/**
 * The router for {@link SIGNED_URL_MOUNT} whatever the objects adapter: the folder adapter's URLs
 * are served here; with a server adapter (MinIO, S3) the store serves its own URLs and these
 * paths answer 404.
 */
export function signedUrlRouter(objects: ObjectStore): OpenAPIHono<BlankEnv> {
  if (hasLocalSigning(objects)) return signedUrlRoutes(objects);
  const app = new OpenAPIHono<BlankEnv>();
  // Documented all the same: the document describes the API whichever adapter is configured.
  registerSignedUrlDocs(app);
  const refuse = () => {
    throw notFound("Signed URLs are served by the object store itself, not by this API");
  };
  app.get(ROUTE_PATH, refuse);
  app.put(ROUTE_PATH, refuse);
  return app;
}
