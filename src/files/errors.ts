/**
 * The files domain's refusals beyond the shared constructors: too large (413) and a content type
 * the bucket does not take (415), as problem+json through the one error mapping.
 *
 * @module
 */
import { AppError } from "../errors.ts";

export const payloadTooLarge = (max: number) =>
  new AppError(413, "payload_too_large", "Payload too large", {
    detail: `This bucket accepts files of at most ${max} bytes`,
  });

export const unsupportedMediaType = (bucket: string, types: readonly string[]) =>
  new AppError(415, "unsupported_media_type", "Unsupported media type", {
    detail: `The ${bucket} bucket accepts only ${types.join(", ")}`,
  });
