/**
 * Generates a resource's routes from its definition: list, create, read, update (PATCH) and
 * delete, each a createRoute so /openapi.json documents it, all served by the one generic engine.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requestActor } from "../audit/record.ts";
import { principalOf } from "../http/guard.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { listRows, PageSchema } from "./engine/list.ts";
import { listCacheKey, plainListKey } from "./engine/list_cache.ts";
import { createRow, deleteRow, readRow, updateRow, type WriteContext } from "./engine/mutate.ts";
import { callerOf, type ParentRef } from "./engine/scope.ts";
import { IfMatchHeader, problems, security } from "../shared/openapi.ts";
import { collectionParams, itemParams, RowHeaders } from "./openapi_common.ts";
import { collectionPath, itemPath, rowUrl } from "./paths.ts";
import { resourceByTable, SOFT_DELETE_TABLES } from "./registry/mod.ts";
import type { Resource } from "./resource.ts";
import type { Row } from "../stores/relational/port.ts";
import { jsonText } from "../http/json_text.ts";

/** The engine's view of the request: who, from where, and when. */
export function writeContext(c: Context<AppEnv>, deps: Deps): WriteContext {
  return {
    db: deps.stores.relational,
    caller: callerOf(principalOf(c)),
    actor: requestActor(c, deps),
    now: new Date(deps.now()),
    softDeleteTables: SOFT_DELETE_TABLES,
  };
}

/** What a 409 means on a resource route. */
const CONFLICT = "A unique field is taken, or the row is still referenced";

function parentOf(res: Resource, params: Record<string, string>): ParentRef | undefined {
  return res.parent ? { res: resourceByTable(res.parent.table), id: params.id } : undefined;
}

/** Registers every operation `res` allows on `app`. */
export function registerResource(app: OpenAPIHono<AppEnv>, deps: Deps, res: Resource): void {
  const tags = [res.tag];
  const rowContent = { "application/json": { schema: res.rowSchema } };
  // A write moves the namespace's generation, which hides every cached page of the resource at
  // once. With filtered pages cached, writes are frequent and the pages many: all are left to
  // expire (a delete would cost every write a cache command); a lone plain page is dropped.
  const plainKey = plainListKey(res);
  const afterChange = async () => {
    const cache = res.listCache;
    if (!cache || plainKey === null) return;
    await deps.cached.invalidate(cache.key, cache.filtered ? {} : { keys: [plainKey] });
  };

  if (res.ops.includes("list")) {
    const pageBody = z.object({
      items: z.array(res.rowSchema),
      next_cursor: z.string().nullable(),
    });
    const route = createRoute({
      method: "get",
      path: collectionPath(res),
      tags,
      security,
      summary: `List ${res.path}`,
      description: "Filters, `sort`, `limit` (1-200, default 50) and an opaque `cursor`.",
      request: { params: collectionParams(res), query: res.querySchema },
      responses: {
        200: {
          description: "One page",
          content: { "application/json": { schema: pageBody } },
        },
        ...problems(401, 403, 404, 422),
      },
    });
    app.openapi(route, async (c) => {
      const query = c.req.valid("query");
      // Validated when the collection is nested (its only parameter); the value is the raw one.
      const params = c.req.param();
      const caller = callerOf(principalOf(c));
      const parent = parentOf(res, params);
      const load = () => listRows(deps.stores.relational, res, query, caller, parent);
      const key = listCacheKey(res, query, caller, parent !== undefined);
      const page = res.listCache && key !== null
        ? (await deps.cached.get(
          res.listCache.key,
          key,
          res.listCache.ttlMs,
          PageSchema,
          load,
          { local: true },
        )).value
        : await load();
      // The page is JSON text already (engine/list.ts), cached or not.
      return jsonText<z.infer<typeof pageBody>, 200>(c, page.json, 200);
    });
  }

  if (res.ops.includes("create")) {
    const route = createRoute({
      method: "post",
      path: collectionPath(res),
      tags,
      security,
      summary: `Create a ${res.name}`,
      request: {
        params: collectionParams(res),
        body: { required: true, content: { "application/json": { schema: res.createSchema } } },
      },
      responses: {
        201: {
          description: "Created",
          headers: {
            ...RowHeaders,
            Location: { description: "URL of the new row", schema: { type: "string" } },
          },
          content: rowContent,
        },
        ...problems(401, 403, 404, [409, CONFLICT], 422),
      },
    });
    app.openapi(route, async (c) => {
      const parent = parentOf(res, c.req.param());
      const { id, json, etag } = await createRow(
        writeContext(c, deps),
        res,
        c.req.valid("json"),
        parent,
      );
      await afterChange();
      c.header("Location", rowUrl(res, id, parent?.id));
      c.header("ETag", etag);
      // The body is the row's JSON, written by Postgres, and the text its ETag was computed on.
      return jsonText<Row, 201>(c, json, 201);
    });
  }

  if (res.ops.includes("read")) {
    const route = createRoute({
      method: "get",
      path: itemPath(res),
      tags,
      security,
      summary: `Read a ${res.name}`,
      request: { params: itemParams(res) },
      responses: {
        200: { description: "The row", headers: RowHeaders, content: rowContent },
        ...problems(401, 403, 404, 422),
      },
    });
    app.openapi(route, async (c) => {
      const params = c.req.valid("param");
      const { json, etag } = await readRow(
        deps.stores.relational,
        res,
        params[res.idParam],
        callerOf(principalOf(c)),
        parentOf(res, params),
      );
      c.header("ETag", etag);
      // The body is the row's JSON, written by Postgres, and the text its ETag was computed on.
      return jsonText<Row, 200>(c, json, 200);
    });
  }

  if (res.ops.includes("update")) {
    const route = createRoute({
      method: "patch",
      path: itemPath(res),
      tags,
      security,
      summary: `Update a ${res.name} (partial)`,
      request: {
        params: itemParams(res),
        headers: IfMatchHeader,
        body: { required: true, content: { "application/json": { schema: res.patchSchema } } },
      },
      responses: {
        200: { description: "The updated row", headers: RowHeaders, content: rowContent },
        ...problems(401, 403, 404, [409, CONFLICT], 412, 422),
      },
    });
    app.openapi(route, async (c) => {
      const params = c.req.valid("param");
      const { json, etag } = await updateRow(
        writeContext(c, deps),
        res,
        params[res.idParam],
        c.req.valid("json"),
        c.req.header("If-Match"),
        parentOf(res, params),
      );
      await afterChange();
      c.header("ETag", etag);
      // The body is the row's JSON, written by Postgres, and the text its ETag was computed on.
      return jsonText<Row, 200>(c, json, 200);
    });
  }

  if (res.ops.includes("delete")) {
    const route = createRoute({
      method: "delete",
      path: itemPath(res),
      tags,
      security,
      summary: res.softDelete ? `Delete a ${res.name} (soft)` : `Delete a ${res.name}`,
      request: { params: itemParams(res), headers: IfMatchHeader },
      responses: {
        204: { description: "Deleted" },
        ...problems(401, 403, 404, [409, CONFLICT], 412, 422),
      },
    });
    app.openapi(route, async (c) => {
      const params = c.req.valid("param");
      await deleteRow(
        writeContext(c, deps),
        res,
        params[res.idParam],
        c.req.header("If-Match"),
        parentOf(res, params),
      );
      await afterChange();
      return c.body(null, 204);
    });
  }
}
