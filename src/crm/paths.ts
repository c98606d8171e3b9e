/**
 * URL paths of a resource: OpenAPI form ("/leads/{id}/interactions") for createRoute, and Hono
 * form under /api/v1 ("/api/v1/leads/:id/interactions") for the permission table.
 *
 * @module
 */
import type { Resource } from "./resource.ts";

/** Where the routes are mounted (src/app.ts). */
export const API_PREFIX = "/api/v1";

/** The collection path: `/{path}`, or `/{parent}/{id}/{path}` when nested. */
export function collectionPath(res: Resource): string {
  return res.parent ? `/${res.parent.path}/{id}/${res.path}` : `/${res.path}`;
}

/** The path of one row. */
export function itemPath(res: Resource): string {
  return `${collectionPath(res)}/{${res.idParam}}`;
}

/** OpenAPI path -> the Hono key the guard looks up, e.g. "/api/v1/companies/:id". */
export function honoPath(openapiPath: string): string {
  return API_PREFIX + openapiPath.replace(/\{([a-z_]+)\}/g, ":$1");
}

/** The public URL of a row, for Location headers. */
export function rowUrl(res: Resource, id: string, parentId?: string): string {
  const base = res.parent ? `/${res.parent.path}/${parentId}/${res.path}` : `/${res.path}`;
  return `${API_PREFIX}${base}/${id}`;
}
