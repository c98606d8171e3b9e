/**
 * NDJSON backup lines for the documents port: one document per line, Dates as `{"$date": iso}`,
 * so a backup taken from MongoDB restores into the JSONB adapter and back.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import type { Doc, NewDoc } from "./port.ts";
import { decodeValue, encodeValue } from "./value_codec.ts";

/** One document as an NDJSON line, ending in "\n", with `_id` first. */
export function toNdjsonLine(doc: Doc): string {
  const { _id, ...rest } = doc;
  const body = encodeValue(rest, "document") as Record<string, unknown>;
  return JSON.stringify({ _id, ...body }) + "\n";
}

/** Parses one NDJSON line into a document ready to insert. */
export function fromNdjsonLine(line: string, lineNo: number): NewDoc {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new StoreError("invalid", "documents", `NDJSON line ${lineNo}: not JSON`, { cause: err });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new StoreError("invalid", "documents", `NDJSON line ${lineNo}: not an object`);
  }
  return decodeValue(parsed) as NewDoc;
}

/**
 * Reads NDJSON from `lines` and hands documents on in batches of `size`. Each chunk must end on a
 * line boundary (a chunk may hold several lines); blank lines are skipped.
 */
export async function* ndjsonBatches(
  lines: AsyncIterable<string>,
  size: number,
): AsyncGenerator<NewDoc[]> {
  let batch: NewDoc[] = [];
  let lineNo = 0;
  for await (const chunk of lines) {
    const parts = chunk.split("\n");
    if (parts.at(-1) === "") parts.pop();
    for (const line of parts) {
      lineNo++;
      if (line.trim() === "") continue;
      batch.push(fromNdjsonLine(line, lineNo));
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}
