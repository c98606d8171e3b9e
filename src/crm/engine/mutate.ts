/**
 * Reads and writes of one row: create, update and delete run in one transaction with their audit
 * row; update and delete lock the row, check If-Match against its current tag (412 when stale), and
 * delete is soft where the table has deleted_at. Company-scoped callers cannot write rows outside
 * their companies, and nobody can point a row at a soft-deleted company, contact or user.
 *
 * @module
 */
import { type AuditActor, auditCreatedSql, isSecretKey, recordAudit } from "../../audit/record.ts";
import { conflict, forbidden, notFound, preconditionFailed, unprocessable } from "../../errors.ts";
import { isStoreError } from "../../stores/errors.ts";
import type { Queryable, RelationalStore, Row } from "../../stores/relational/port.ts";
import type { Resource } from "../resource.ts";
import { etagOfJson, ifMatchAllows } from "../../shared/etag.ts";
import { statementName } from "../../stores/relational/statement_name.ts";
import { assertParent, type Caller, type ParentRef, visibility } from "./scope.ts";
import { col, ident, Params, rowsOut, writeValue } from "./sql.ts";
import { ISO_MS, rowJsonSql } from "./row_json.ts";

/** Everything a write needs besides its input. */
export interface WriteContext {
  db: RelationalStore;
  caller: Caller;
  actor: AuditActor;
  now: Date;
  /** Tables whose rows are soft-deleted (deleted_at), for reference checks. */
  softDeleteTables: ReadonlySet<string>;
}

/**
 * A row's id, its JSON as Postgres writes it (row_json.ts: the answer's body, the same text on
 * every path: list, read, create, update) and the entity tag of that text.
 */
export interface TaggedRow {
  id: string;
  json: string;
  etag: string;
}

const tagged = (id: unknown, json: string): TaggedRow => ({
  id: String(id),
  json,
  etag: etagOfJson(json),
});

/** Name of the column that carries a row's JSON beside its decoded columns. */
const JSON_COLUMN = "__json";

/** The row without the JSON column added beside it, and that JSON. */
function splitJson(row: Row): { row: Row; json: string } {
  const { [JSON_COLUMN]: json, ...rest } = row;
  return { row: rest, json: json as string };
}

/** The WHERE clause that finds row `id` of `res` as `caller` may see it. */
function whereRow(res: Resource, id: string, caller: Caller, parent: ParentRef | undefined) {
  const params = new Params();
  const where = [`t.id = ${params.add(id)}`, ...visibility(res, caller, params)];
  if (parent && res.parent) where.push(`${col(res.parent.column)} = ${params.add(parent.id)}`);
  return { where: where.join(" and "), params };
}

/** The row, locked for the transaction, decoded (for the audit) and as JSON (for its tag). */
async function lockRow(
  tx: Queryable,
  res: Resource,
  id: string,
  caller: Caller,
  parent: ParentRef | undefined,
): Promise<{ row: Row; json: string }> {
  const { where, params } = whereRow(res, id, caller, parent);
  const sql = `select t.*, ${rowJsonSql(res, "t")} as ${JSON_COLUMN}
    from ${ident(res.table)} t where ${where} for update of t`;
  const r = await tx.query(sql, params.values, rowsOut(statementName("crm_lock", sql)));
  if (r.rowCount === 0) throw notFound(`No ${res.name} with id ${id}`);
  return splitJson(r.rows[0]);
}

/** The row as the caller may see it, with its ETag; 404 when missing or out of reach. */
export async function readRow(
  db: Queryable,
  res: Resource,
  id: string,
  caller: Caller,
  parent?: ParentRef,
): Promise<TaggedRow> {
  if (parent) await assertParent(db, parent, caller);
  const { where, params } = whereRow(res, id, caller, parent);
  const sql = `select ${rowJsonSql(res, "t")} as j from ${ident(res.table)} t where ${where}`;
  const r = await db.query<{ j: string }>(sql, params.values, {
    name: statementName("crm_find", sql),
  });
  if (r.rowCount === 0) throw notFound(`No ${res.name} with id ${id}`);
  return tagged(id, r.rows[0].j);
}

/**
 * 422 naming the field when a written reference points at a soft-deleted row. A reference to the
 * caller's own user is not looked up again: authentication read that row (active, not deleted) for
 * this very request, and `created_by` is on every create.
 */
async function checkReferences(
  tx: Queryable,
  res: Resource,
  values: Readonly<Record<string, unknown>>,
  soft: ReadonlySet<string>,
  caller: Caller,
) {
  for (const [name, value] of Object.entries(values)) {
    const target = res.columns[name]?.opts.references;
    if (!target || !soft.has(target) || typeof value !== "string") continue;
    if (target === "users" && value === caller.userId) continue;
    const r = await tx.query(
      `select 1 from ${ident(target)} where id = $1 and deleted_at is null`,
      [value],
    );
    if (r.rowCount === 0) {
      throw unprocessable(`${name}: referenced row does not exist`, [
        { path: name, message: "referenced row does not exist" },
      ]);
    }
  }
}

/** 403 when a company-scoped caller's write would leave the row outside their companies. */
async function checkCompany(tx: Queryable, res: Resource, id: string, caller: Caller) {
  if (caller.companyIds === null) return;
  const params = new Params();
  const where = [`t.id = ${params.add(id)}`, ...visibility(res, caller, params)];
  const r = await tx.query(
    `select 1 from ${ident(res.table)} t where ${where.join(" and ")}`,
    params.values,
  );
  if (r.rowCount === 0) throw forbidden("You may only write rows of your own companies");
}

function pick(row: Row, keys: readonly string[]): Row {
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
}

/** True when a reference in `values` must be checked (see checkReferences) before inserting. */
function needsLookups(
  res: Resource,
  values: Readonly<Record<string, unknown>>,
  ctx: WriteContext,
): boolean {
  return Object.entries(values).some(([name, value]) => {
    const target = res.columns[name]?.opts.references;
    return !!target && ctx.softDeleteTables.has(target) && typeof value === "string" &&
      !(target === "users" && value === ctx.caller.userId);
  });
}

/**
 * The audit JSON of a row of `res` that CTE `source` returns, as recordAudit writes it (the row
 * after the driver's decoding, JSON-encoded: timestamps as ISO UTC with milliseconds), or null when
 * the SQL cannot promise that: numeric and JSON columns (decoded to JS numbers and objects, and a
 * JSON column may hold secrets to scrub) and secret-looking column names.
 */
function auditJsonSql(res: Resource, source: string): string | null {
  // A function of the resource and the CTE's name: built once per pair, not per create.
  let bySource = auditJsonSqlMemo.get(res);
  if (bySource === undefined) auditJsonSqlMemo.set(res, bySource = new Map());
  const known = bySource.get(source);
  if (known !== undefined) return known;
  const sql = buildAuditJsonSql(res, source);
  bySource.set(source, sql);
  return sql;
}

const auditJsonSqlMemo = new WeakMap<Resource, Map<string, string | null>>();

function buildAuditJsonSql(res: Resource, source: string): string | null {
  const times: string[] = [];
  for (const [name, column] of Object.entries(res.columns)) {
    if (column.kind === "numeric" || column.kind === "jsonb" || isSecretKey(name)) return null;
    if (column.kind === "timestamptz") {
      times.push(`'${name}', to_char(${source}.${ident(name)} at time zone 'UTC', ${ISO_MS})`);
    }
  }
  const json = `to_jsonb(${source})`;
  return times.length ? `${json} || jsonb_build_object(${times.join(", ")})` : json;
}

/**
 * The insert and its audit row as one statement: one round trip, atomic without a transaction
 * block. `newValues` is the audit JSON's SQL (auditJsonSql).
 */
async function createInOneStatement(
  ctx: WriteContext,
  res: Resource,
  values: Readonly<Record<string, unknown>>,
  newValues: string,
): Promise<TaggedRow> {
  const { insert, params } = insertStatement(res, values, false);
  const audit = auditCreatedSql((v) => params.add(v), ctx.actor, res.table, "ins", newValues);
  const sql = `with ins as (${insert}), audit as (${audit})
    select ins.id, ${rowJsonSql(res, "ins")} as j from ins`;
  // Named: a resource's creates share a handful of texts (which columns a client sends), and
  // parsing and planning the two inserts every time cost more than running them.
  const r = await ctx.db.query<{ id: unknown; j: string }>(sql, params.values, {
    name: statementName("crm_create", sql),
  });
  return tagged(r.rows[0].id, r.rows[0].j);
}

/**
 * The insert of `values` into the resource's table, returning the new row, and its JSON in
 * JSON_COLUMN when `withJson`.
 */
function insertStatement(
  res: Resource,
  values: Readonly<Record<string, unknown>>,
  withJson: boolean,
) {
  const params = new Params();
  const names = Object.keys(values);
  const placeholders = names.map((n) => writeValue(params, res.columns[n].kind, values[n]));
  const json = withJson ? `, ${rowJsonSql(res, ident(res.table))} as ${JSON_COLUMN}` : "";
  const insert = `insert into ${ident(res.table)} (${names.map(ident).join(", ")})
       values (${placeholders.join(", ")}) returning *${json}`;
  return { insert, params };
}

/** The audit row of a create, in the creating transaction. */
async function auditCreate(
  tx: Queryable,
  ctx: WriteContext,
  res: Resource,
  created: Record<string, unknown>,
) {
  await recordAudit(tx, ctx.actor, {
    action: "create",
    resourceType: res.table,
    resourceId: String(created.id),
    newValues: created,
  });
}

/** Inserts a row from validated input, plus server-set columns; audited. */
export async function createRow(
  ctx: WriteContext,
  res: Resource,
  input: Readonly<Record<string, unknown>>,
  parent?: ParentRef,
): Promise<TaggedRow> {
  const values: Record<string, unknown> = { ...input };
  for (const [name, column] of Object.entries(res.columns)) {
    if (column.opts.setToCaller) values[name] = ctx.caller.userId;
    else if (column.opts.defaultsToCaller && values[name] === undefined) {
      values[name] = ctx.caller.userId;
    }
  }
  if (parent && res.parent) values[res.parent.column] = parent.id;
  if (res.derive) Object.assign(values, res.derive(input, { op: "create", now: ctx.now }));

  // One statement when nothing needs checking first and the audit JSON can be built in SQL;
  // otherwise a transaction, whose checks are no-ops where there is nothing to check.
  const newValues = auditJsonSql(res, "ins");
  if (
    newValues !== null && !parent && ctx.caller.companyIds === null &&
    !needsLookups(res, values, ctx)
  ) {
    return await createInOneStatement(ctx, res, values, newValues);
  }

  return await ctx.db.transaction(async (tx) => {
    if (parent) await assertParent(tx, parent, ctx.caller);
    await checkReferences(tx, res, values, ctx.softDeleteTables, ctx.caller);
    const { insert, params } = insertStatement(res, values, true);
    const { row, json } = splitJson((await tx.query(insert, params.values, rowsOut())).rows[0]);
    await checkCompany(tx, res, String(row.id), ctx.caller);
    await auditCreate(tx, ctx, res, row);
    return tagged(row.id, json);
  });
}

/** Applies a validated partial update, honouring If-Match; audited with old and new values. */
export async function updateRow(
  ctx: WriteContext,
  res: Resource,
  id: string,
  input: Readonly<Record<string, unknown>>,
  ifMatch: string | undefined,
  parent?: ParentRef,
): Promise<TaggedRow> {
  const values: Record<string, unknown> = { ...input };
  if (res.derive) Object.assign(values, res.derive(input, { op: "update", now: ctx.now }));

  return await ctx.db.transaction(async (tx) => {
    if (parent) await assertParent(tx, parent, ctx.caller);
    const { row: old, json: oldJson } = await lockRow(tx, res, id, ctx.caller, parent);
    if (!ifMatchAllows(ifMatch, etagOfJson(oldJson))) throw preconditionFailed();
    await checkReferences(tx, res, values, ctx.softDeleteTables, ctx.caller);
    const params = new Params();
    const names = Object.keys(values);
    const sets = names.map((n) =>
      `${ident(n)} = ${writeValue(params, res.columns[n].kind, values[n])}`
    );
    const update = `update ${ident(res.table)} set ${sets.join(", ")} where id = ${
      params.add(id)
    } returning *, ${rowJsonSql(res, ident(res.table))} as ${JSON_COLUMN}`;
    const r = await tx.query(update, params.values, rowsOut(statementName("crm_update", update)));
    const { row: updated, json } = splitJson(r.rows[0]);
    await checkCompany(tx, res, id, ctx.caller);
    await recordAudit(tx, ctx.actor, {
      action: "update",
      resourceType: res.table,
      resourceId: id,
      oldValues: pick(old, names),
      newValues: pick(updated, names),
    });
    return tagged(id, json);
  });
}

/**
 * Deletes a row, honouring If-Match: sets deleted_at where the table has it, removes it
 * otherwise (409 while other rows still reference it); audited with the old values.
 */
export async function deleteRow(
  ctx: WriteContext,
  res: Resource,
  id: string,
  ifMatch: string | undefined,
  parent?: ParentRef,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    if (parent) await assertParent(tx, parent, ctx.caller);
    const { row: old, json: oldJson } = await lockRow(tx, res, id, ctx.caller, parent);
    if (!ifMatchAllows(ifMatch, etagOfJson(oldJson))) throw preconditionFailed();
    let newValues: Row | null = null;
    if (res.softDelete) {
      const r = await tx.query(
        `update ${ident(res.table)} set deleted_at = now() where id = $1 returning deleted_at`,
        [id],
        rowsOut(),
      );
      newValues = r.rows[0];
    } else {
      try {
        await tx.query(`delete from ${ident(res.table)} where id = $1`, [id]);
      } catch (err) {
        // On a delete, a foreign-key failure can only mean other rows still point here.
        if (isStoreError(err, "invalid")) {
          throw conflict(`This ${res.name} is still referenced by other rows`);
        }
        throw err;
      }
    }
    await recordAudit(tx, ctx.actor, {
      action: "delete",
      resourceType: res.table,
      resourceId: id,
      oldValues: old,
      newValues,
    });
  });
}
