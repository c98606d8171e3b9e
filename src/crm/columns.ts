/**
 * Column descriptors mirroring the DDL: each knows its SQL kind, the zod schema a written value must
 * pass (lengths, ranges, enums, formats), whether it is nullable or required, and who may write it.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { emailString, isoDate, isoDateTime, NO_NUL, noNulMessage } from "../shared/openapi.ts";

/** The SQL families the engine knows how to filter, sort and bind. */
export type Kind =
  | "text"
  | "uuid"
  | "int"
  | "numeric"
  | "bool"
  | "date"
  | "timestamptz"
  | "jsonb"
  | "text[]"
  | "enum";

/**
 * Who writes a column: the client on create and update, the client on create only, or the server
 * alone (ids, timestamps, counters maintained elsewhere).
 */
export type Writable = "always" | "create" | "never";

/** One column of a resource's table. Immutable; the builder methods return copies. */
export class Column {
  constructor(
    readonly kind: Kind,
    /** Schema of a non-null value written by a client. */
    readonly value: z.ZodType,
    readonly opts: {
      nullable: boolean;
      required: boolean;
      writable: Writable;
      /** Set to the caller's user id on create when the client leaves it out. */
      defaultsToCaller: boolean;
      /** Set to the caller's user id on create, never by the client. */
      setToCaller: boolean;
      /** Referenced table, for the soft-delete check on writes. */
      references?: string;
      enumValues?: readonly string[];
    } = {
      nullable: true,
      required: false,
      writable: "always",
      defaultsToCaller: false,
      setToCaller: false,
    },
  ) {}

  private with(patch: Partial<Column["opts"]>): Column {
    return new Column(this.kind, this.value, { ...this.opts, ...patch });
  }

  /** NOT NULL without a default: the client must give it on create (text: non-empty). */
  required(): Column {
    const value = this.kind === "text" ? (this.value as StringSchema).min(1) : this.value;
    return new Column(this.kind, value, { ...this.opts, nullable: false, required: true });
  }
  /** NOT NULL with a default: optional on create, never null. */
  notNull(): Column {
    return this.with({ nullable: false, required: false });
  }
  /** Written by the server only. */
  readOnly(): Column {
    return this.with({ writable: "never", required: false });
  }
  /** Given on create, fixed afterwards. */
  createOnly(): Column {
    return this.with({ writable: "create" });
  }
  /** Foreign key to `table` (checked against soft-deleted rows there). */
  references(table: string): Column {
    return this.with({ references: table });
  }
  /** Defaults to the caller's user id on create (e.g. deals.owned_by). */
  defaultsToCaller(): Column {
    return this.with({ defaultsToCaller: true, required: false });
  }
  /** Always the caller's user id on create (created_by); the client cannot set it. */
  setToCaller(): Column {
    return this.with({ setToCaller: true, writable: "never", required: false });
  }

  get nullable(): boolean {
    return this.opts.nullable;
  }
  get isRequired(): boolean {
    return this.opts.required;
  }
  get writable(): Writable {
    return this.opts.writable;
  }
  get enumValues(): readonly string[] | undefined {
    return this.opts.enumValues;
  }
}

const INT4_MAX = 2_147_483_647;

type StringSchema = z.ZodString | z.ZodStringFormat;

/** varchar(max) or text (max undefined), optionally with a format (e-mail, URL, pattern). */
export function text(max?: number, format?: StringSchema): Column {
  let s: StringSchema = format ?? z.string().regex(NO_NUL, noNulMessage);
  if (max !== undefined) s = s.max(max);
  return new Column("text", s);
}

/** A varchar holding an e-mail address. */
export const email = (max = 255) => text(max, emailString(max));
/** A varchar holding an absolute http(s) URL. */
export const url = (max = 500) => text(max, z.url({ protocol: /^https?$/ }));
/** ISO 4217 currency code, e.g. BRL. */
export const currency = () => text(3, z.string().regex(/^[A-Z]{3}$/, "expected a code like BRL"));
/** URL-safe identifier: lowercase letters and digits joined by - or _. */
export const slug = (max = 100) =>
  text(max, z.string().regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, "expected a slug like my-name"));
/** #RRGGBB colour. */
export const color = () => text(7, z.string().regex(/^#[0-9A-Fa-f]{6}$/, "expected #RRGGBB"));

export const uuid = () => new Column("uuid", z.guid());

/** integer with the CHECK bounds of the table, if any. */
export function int(min = -INT4_MAX - 1, max = INT4_MAX): Column {
  return new Column("int", z.number().int().min(min).max(max));
}

/**
 * decimal(precision, scale): at most `scale` decimals and an absolute value below
 * 10^(precision - scale), within [min, max] when the table (or plain sense, for money) bounds it.
 */
export function decimal(precision: number, scale: number, min?: number, max?: number): Column {
  const limit = 10 ** (precision - scale);
  const factor = 10 ** scale;
  let s = z.number().gt(-limit).lt(limit);
  if (min !== undefined) s = s.min(min);
  if (max !== undefined) s = s.max(max);
  // A multiple of 10^-scale up to float rounding, relative to the size (JSON Schema's multipleOf,
  // which the document states, so that a client's 9999999999.99 is not refused for its last bit).
  const checked = s.refine((v) => {
    const x = v * factor;
    return Math.abs(Math.round(x) - x) <= 8 * Number.EPSILON * Math.max(1, Math.abs(x));
  }, `at most ${scale} decimal places`).openapi({ multipleOf: 10 ** -scale });
  return new Column("numeric", checked);
}

/** Money: decimal(12, 2), never negative. */
export const money = () => decimal(12, 2, 0);

export const bool = () => new Column("bool", z.boolean());
/** date as "YYYY-MM-DD". */
export const date = () => new Column("date", isoDate());
/** timestamptz as an ISO 8601 date-time with an offset or Z. */
export const timestamp = () => new Column("timestamptz", isoDateTime());
/** jsonb holding an object. */
export const jsonObject = () => new Column("jsonb", z.record(z.string(), z.unknown()));
/** text[]: at most 100 items of at most `maxItem` characters. */
export const textArray = (maxItem = 200) =>
  new Column(
    "text[]",
    z.array(z.string().min(1).max(maxItem).regex(NO_NUL, noNulMessage)).max(100),
  );

/** A Postgres enum type or a varchar with CHECK (col IN (...)). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): Column {
  return new Column("enum", z.enum(values), {
    nullable: true,
    required: false,
    writable: "always",
    defaultsToCaller: false,
    setToCaller: false,
    enumValues: values,
  });
}

/** The columns every table has: id, and created_at (and usually updated_at). */
export const idColumn = () => uuid().notNull().readOnly();
export const createdAt = () => timestamp().notNull().readOnly();
export const updatedAt = () => timestamp().notNull().readOnly();
export const deletedAt = () => timestamp().readOnly();
