// OpenAPI declarations of the signed-URL routes. They are registered beside plain handlers, not
// through app.openapi: see registerSignedUrlDocs for why.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Env } from "hono";
import { ProblemSchema } from "../shared/openapi.ts";

/**
 * The Hono path both signed-URL routers serve. `{.+}` lets the key span "/" segments; OpenAPI
 * has no such pattern, so the documented path is {@link DOC_PATH} with the key described.
 */
export const ROUTE_PATH = "/:bucket/:key{.+}";
const DOC_PATH = "/{bucket}/{key}";

const tags = ["files"];

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

const Binary = z.string().openapi({ format: "binary" });

const ObjectParams = z.object({
  bucket: z.string().openapi({
    param: { name: "bucket", in: "path" },
    description: "Bucket name: 3-63 lowercase letters, digits or hyphens",
    example: "temp",
  }),
  key: z.string().openapi({
    param: { name: "key", in: "path" },
    description: "Object key: the rest of the path, so it may hold '/' (segments percent-encoded)",
    example: "2026/11/export/7/report.csv",
  }),
});

// Documented as the signer writes them; the handler checks them itself so that a missing or
// malformed one is a 403 refusal (as S3 answers), not a 422.
const signature = {
  expires: z.string().regex(/^\d{1,12}$/).openapi({
    description: "Unix seconds after which the URL is refused (403 signed_url_expired)",
    example: "1767225600",
  }),
  sig: z.string().regex(/^[0-9a-fA-F]{64}$/).openapi({
    description: "HMAC-SHA256 over method, bucket, key, expires, ct and max, in hex",
  }),
};

const GetQuery = z.object({
  method: z.literal("GET").openapi({ description: "The method the URL was signed for" }),
  ...signature,
});

const PutQuery = z.object({
  method: z.literal("PUT").openapi({ description: "The method the URL was signed for" }),
  ...signature,
  ct: z.string().optional().openapi({
    description: "The Content-Type the upload must carry, when the URL was signed with one",
  }),
  max: z.string().regex(/^\d{1,15}$/).optional().openapi({
    description: "The largest body accepted, in bytes, when the URL was signed with one",
  }),
});

const StoredObjectSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  size: z.number().int(),
  etag: z.string(),
}).openapi("StoredObject");

const etagHeader = { description: "The object's MD5, quoted", schema: { type: "string" } } as const;

const refused = problem(
  "Missing or bad signature, a URL signed for another method, or an expired URL",
);
const notServed = "with a server object store (MinIO, S3) the store serves its own signed URLs " +
  "and these paths always answer 404.";

const getRoute = createRoute({
  method: "get",
  path: DOC_PATH,
  tags,
  summary: "Download through a signed URL",
  description: "The URL's signature is the credential: no access token. HEAD answers the same " +
    `headers without the body. Only with the folder objects adapter; ${notServed}`,
  request: { params: ObjectParams, query: GetQuery },
  responses: {
    200: {
      description: "The object's bytes, streamed",
      headers: {
        "Content-Type": { description: "The stored content type", schema: { type: "string" } },
        "Content-Length": { description: "Size in bytes", schema: { type: "integer" } },
        ETag: etagHeader,
        "Last-Modified": { description: "When it was stored", schema: { type: "string" } },
      },
      content: { "*/*": { schema: Binary } },
    },
    403: refused,
    404: problem("No object at this URL, or signed URLs are not served by this API"),
    503: problem("The object store is not answering"),
  },
});

const putRoute = createRoute({
  method: "put",
  path: DOC_PATH,
  tags,
  summary: "Upload through a signed URL",
  description: "The URL's signature is the credential: no access token. The body is stored as " +
    "sent, streamed. Only with the folder objects adapter; " + notServed,
  request: {
    params: ObjectParams,
    query: PutQuery,
    body: {
      required: false,
      description: "The object's bytes. When the URL has `ct` the Content-Type must be that " +
        "type (parameters such as charset aside); when it has `max` the body, whether " +
        "Content-Length is sent or it is chunked, must not exceed it.",
      content: { "*/*": { schema: Binary } },
    },
  },
  responses: {
    200: {
      description: "Stored",
      headers: { ETag: etagHeader },
      content: { "application/json": { schema: StoredObjectSchema } },
    },
    400: problem("Content-Length is not a byte count"),
    403: refused,
    404: problem("No such bucket, or signed URLs are not served by this API"),
    409: problem("The key clashes with a stored key that is a folder of keys, or inside one"),
    413: problem("The body is larger than the URL's `max` or the API's body limit"),
    415: problem("The Content-Type is not the one the URL was signed for"),
    422: problem("The body is shorter than its Content-Length, or the key cannot be stored"),
    503: problem("The object store is not answering"),
  },
});

/**
 * Adds both routes to `app`'s OpenAPI registry; `app.route` carries them to the app's document.
 * The handlers stay plain: app.openapi would derive the Hono path from {@link DOC_PATH}, losing
 * the `{.+}` that lets keys hold "/", and its query validator would answer 422 where a signed
 * URL's refusal is 403.
 */
export function registerSignedUrlDocs<E extends Env>(app: OpenAPIHono<E>): void {
  app.openAPIRegistry.registerPath(getRoute);
  app.openAPIRegistry.registerPath(putRoute);
}
