/**
 * A resource is one table exposed as REST: its columns (from the DDL), what may be filtered,
 * sorted and searched, who may touch it, and how a company-scoped caller is narrowed. defineResource
 * derives from that one definition the zod schemas the routes validate with and document.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { isoDate, isoDateTime, NO_NUL, noNulMessage } from "../shared/openapi.ts";
import type { Column, Kind } from "./columns.ts";
import type { RoutePermission } from "../http/route_permissions.ts";

/** Query strings: every parameter an optional string (Postgres parses filter values). */
export type QuerySchema = z.ZodObject<Record<string, z.ZodOptional<z.ZodType<string>>>>;

export type Op = "list" | "read" | "create" | "update" | "delete";
export const ALL_OPS: readonly Op[] = ["list", "read", "create", "update", "delete"];

/** eq: `?col=v`; range: `?col_gte=a&col_lte=b`; both: all three. */
export type FilterMode = "eq" | "range" | "both";

/**
 * How a row leads to its company: the row's own column (`company_id`, or `id` for companies), or a
 * column pointing at a parent table that holds the company (sprints -> projects.company_id).
 */
export type CompanyPath =
  | { column: string }
  | { column: string; via: { table: string; column: string } };

/** Server-set values added to a write, e.g. notifications.read_at when is_read changes. */
export type Derive = (
  input: Readonly<Record<string, unknown>>,
  ctx: { op: "create" | "update"; now: Date },
) => Record<string, unknown>;

export interface ResourceSpec {
  /** Table name; also the audit `resource_type`. */
  table: string;
  /** URL segment, e.g. "content-pieces". */
  path: string;
  /** OpenAPI component name of a row, e.g. "ContentPiece". */
  name: string;
  /** OpenAPI tag (group). */
  tag: string;
  /** Resource name in the role permission JSON (README, Permissions). */
  permission: string;
  /** Every column of the table, as in sql/*.up.sql. */
  columns: Record<string, Column>;
  filters?: Record<string, FilterMode>;
  /** Columns a list may be sorted by. */
  sorts: readonly string[];
  /** e.g. "-created_at"; must name a column in `sorts`. */
  defaultSort: string;
  /** Trigram-indexed column searched by `q`. */
  search?: string;
  /** Present when company-scoped callers (cliente) may see rows of their companies. */
  company?: CompanyPath;
  /** Column that must equal the caller's user id (their own rows only). */
  owner?: string;
  /** Nested under `/{parent.path}/{id}/{path}`; `column` holds the parent's id. */
  parent?: { path: string; table: string; column: string };
  /** Path parameter of a row's id (default "id"; nested resources need another name). */
  idParam?: string;
  ops?: readonly Op[];
  /** Overrides of the default [permission, action] per operation. */
  permissions?: Partial<Record<Op, RoutePermission>>;
  /**
   * Caches the unfiltered first page of the list (pipeline stages); with `filtered`, also every
   * first page of a filtered or sorted list. `key` is the cache namespace every write of the
   * resource invalidates and the start of its pages' keys (engine/list_cache.ts).
   */
  listCache?: { key: string; ttlMs: number; filtered?: boolean };
  derive?: Derive;
}

/** A resource with its derived schemas. */
export interface Resource extends ResourceSpec {
  ops: readonly Op[];
  idParam: string;
  softDelete: boolean;
  rowSchema: z.ZodType<Record<string, unknown>>;
  createSchema: z.ZodType<Record<string, unknown>>;
  patchSchema: z.ZodType<Record<string, unknown>>;
  querySchema: QuerySchema;
  /** Query parameter -> column and comparison, for the SQL builder. */
  filterParams: ReadonlyMap<string, { column: string; op: "eq" | "gte" | "lte" }>;
  permissionFor(op: Op): RoutePermission;
}

function outputSchema(col: Column): z.ZodType {
  const base: Record<Kind, () => z.ZodType> = {
    text: () => z.string(),
    uuid: () => z.guid(),
    int: () => z.number().int(),
    numeric: () => z.number(),
    bool: () => z.boolean(),
    date: () => z.iso.date(),
    timestamptz: () => z.iso.datetime({ offset: true }),
    jsonb: () => z.record(z.string(), z.unknown()),
    "text[]": () => z.array(z.string()),
    enum: () => z.enum(col.enumValues as [string, ...string[]]),
  };
  const s = base[col.kind]();
  return col.nullable ? s.nullable() : s;
}

const INT4_PATTERN =
  /^-?(?:\d{1,9}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])$/;

/** Query-string form of a filter value; kept as text, Postgres parses it as the column's type. */
function queryValueSchema(col: Column): z.ZodType<string> {
  switch (col.kind) {
    case "uuid":
      return z.guid();
    case "int":
      // An int4: -2147483647 to 2147483647 (a pattern, since the value stays text for the SQL).
      return z.string().regex(INT4_PATTERN, "expected an integer within -2147483647..2147483647");
    case "numeric":
      return z.string().regex(/^-?\d{1,15}(\.\d{1,6})?$/, "expected a number");
    case "bool":
      return z.enum(["true", "false"]);
    case "date":
      return isoDate();
    case "timestamptz":
      return z.union([isoDateTime(), isoDate()]);
    case "enum":
      return z.enum(col.enumValues as [string, ...string[]]);
    case "text":
    case "text[]":
      return z.string().min(1).max(500).regex(NO_NUL, noNulMessage);
    case "jsonb":
      throw new Error("jsonb columns cannot be filtered");
  }
}

function writeSchema(col: Column, optional: boolean): z.ZodType {
  let s = col.value;
  if (col.nullable) s = s.nullable();
  return optional ? s.optional() : s;
}

/** Validates a spec against itself (typos in column names fail at start-up, not per request). */
function checkSpec(spec: ResourceSpec): void {
  const has = (c: string) => c in spec.columns;
  const where = `resource ${spec.path}`;
  for (const c of Object.keys(spec.filters ?? {})) {
    if (!has(c)) throw new Error(`${where}: filter on unknown column ${c}`);
  }
  for (const c of spec.sorts) if (!has(c)) throw new Error(`${where}: sort on unknown column ${c}`);
  if (!spec.sorts.includes(spec.defaultSort.replace(/^-/, ""))) {
    throw new Error(`${where}: default sort ${spec.defaultSort} is not in sorts`);
  }
  for (const c of [spec.search, spec.owner, spec.company?.column, spec.parent?.column]) {
    if (c !== undefined && !has(c)) throw new Error(`${where}: unknown column ${c}`);
  }
  if (!has("id") || !has("created_at")) throw new Error(`${where}: needs id and created_at`);
}

/**
 * Builds a Resource (schemas, filter map, permissions) from its spec; listing it in
 * src/crm/registry/mod.ts gives it list, create, read, update and delete routes.
 *
 * @example
 * ```ts
 * import { createdAt, idColumn, text, updatedAt } from "./columns.ts";
 * import { defineResource } from "./resource.ts";
 * export const tags = defineResource({
 *   table: "tags",
 *   path: "tags",
 *   name: "Tag",
 *   tag: "tags",
 *   permission: "tags",
 *   columns: {
 *     id: idColumn(),
 *     name: text(50).required(),
 *     created_at: createdAt(),
 *     updated_at: updatedAt(),
 *   },
 *   sorts: ["created_at", "name"],
 *   defaultSort: "-created_at",
 * });
 * ```
 */
export function defineResource(spec: ResourceSpec): Resource {
  checkSpec(spec);
  const cols = Object.entries(spec.columns);
  const parentColumn = spec.parent?.column;

  const row: Record<string, z.ZodType> = {};
  for (const [name, col] of cols) row[name] = outputSchema(col);

  const create: Record<string, z.ZodType> = {};
  const patch: Record<string, z.ZodType> = {};
  for (const [name, col] of cols) {
    if (name === parentColumn || col.writable === "never") continue;
    create[name] = writeSchema(col, !col.isRequired);
    if (col.writable === "always") patch[name] = writeSchema(col, true);
  }

  const filterParams = new Map<string, { column: string; op: "eq" | "gte" | "lte" }>();
  const query: Record<string, z.ZodOptional<z.ZodType<string>>> = {
    // An integer 1-200 (documented as such), handed on as text like every other parameter.
    limit: z.coerce.number().int().min(1).max(200).transform(String).optional().openapi({
      description: "Page size, 1-200 (default 50)",
    }),
    cursor: z.string().min(1).max(2000).regex(/^[A-Za-z0-9_-]+$/, "not a cursor from this API")
      .optional().openapi({
        description: "Opaque cursor (base64url) from the previous page's next_cursor, with the " +
          "same sort and q",
      }),
    sort: z.enum(spec.sorts.flatMap((s) => [s, `-${s}`]) as [string, ...string[]]).optional()
      .openapi({ description: `Sort field; "-" for descending (default ${spec.defaultSort})` }),
  };
  if (spec.search) {
    query.q = z.string().min(1).max(200).regex(NO_NUL, noNulMessage).optional().openapi({
      description: `Fuzzy search on ${spec.search} (pg_trgm); ordered by similarity unless sorted`,
    });
  }
  for (const [name, mode] of Object.entries(spec.filters ?? {})) {
    const col = spec.columns[name];
    const v = queryValueSchema(col).optional();
    if (mode !== "range") {
      query[name] = v;
      filterParams.set(name, { column: name, op: "eq" });
    }
    if (mode !== "eq") {
      query[`${name}_gte`] = v;
      query[`${name}_lte`] = v;
      filterParams.set(`${name}_gte`, { column: name, op: "gte" });
      filterParams.set(`${name}_lte`, { column: name, op: "lte" });
    }
  }

  const ops = spec.ops ?? ALL_OPS;
  const actionOf: Record<Op, "read" | "create" | "update" | "delete"> = {
    list: "read",
    read: "read",
    create: "create",
    update: "update",
    delete: "delete",
  };

  return {
    ...spec,
    ops,
    idParam: spec.idParam ?? "id",
    softDelete: "deleted_at" in spec.columns,
    rowSchema: z.object(row).openapi(spec.name) as unknown as z.ZodType<Record<string, unknown>>,
    createSchema: z.strictObject(create).openapi(`${spec.name}Create`) as unknown as z.ZodType<
      Record<string, unknown>
    >,
    patchSchema: z.strictObject(patch)
      .refine((o) => Object.keys(o).length > 0, "give at least one field to change")
      .openapi(`${spec.name}Patch`, { minProperties: 1 }) as unknown as z.ZodType<
        Record<string, unknown>
      >,
    querySchema: z.strictObject(query) as unknown as QuerySchema,
    filterParams,
    permissionFor: (op) => spec.permissions?.[op] ?? [spec.permission, actionOf[op]],
  };
}
