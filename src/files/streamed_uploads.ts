/**
 * Requests whose bodies the upload routes stream and limit themselves (per bucket, per signed
 * URL), so the app's general body limit must not cut them off first.
 *
 * @module
 */
import { SIGNED_URL_BASE_PATH } from "../stores/objects/folder.ts";

/** True for PUT uploads: signed object URLs and direct file uploads. */
export function isStreamedUpload(method: string, path: string): boolean {
  return method === "PUT" &&
    (path.startsWith(`${SIGNED_URL_BASE_PATH}/`) || path.startsWith("/api/v1/files/"));
}
