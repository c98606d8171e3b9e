/**
 * The files domain's refusals worded for its buckets, built on the shared constructors so they
 * map through the one error middleware.
 *
 * @module
 */
import { payloadTooLarge, unsupportedMediaType } from "../errors.ts";

export const fileTooLarge = (max: number) =>
  payloadTooLarge(`This bucket accepts files of at most ${max} bytes`);

export const typeNotAccepted = (bucket: string, types: readonly string[]) =>
  unsupportedMediaType(`The ${bucket} bucket accepts only ${types.join(", ")}`);
