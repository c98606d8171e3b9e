/**
 * What the folder adapter knows about an object besides its bytes (content type, etag, metadata,
 * time) and about a bucket (public read, lifecycle), kept as small JSON files beside the data.
 *
 * @module
 */
import { fs, mapFsError } from "./folder_errors.ts";
import type { FolderLayout } from "./folder_layout.ts";
import { DEFAULT_CONTENT_TYPE, validateRules } from "./keys.ts";
import type { LifecycleRule, ObjectInfo } from "./port.ts";

export interface BucketConfig {
  created_at: string;
  public_read: boolean;
  lifecycle: LifecycleRule[];
}

export interface Sidecar {
  size: number;
  etag: string;
  content_type: string;
  last_modified: string;
  metadata: Record<string, string>;
}

export function toInfo(bucket: string, key: string, s: Sidecar): ObjectInfo {
  return {
    bucket,
    key,
    size: s.size,
    content_type: s.content_type,
    etag: s.etag,
    last_modified: new Date(s.last_modified),
    metadata: { ...s.metadata },
  };
}

function isSidecar(v: unknown): v is Sidecar {
  if (typeof v !== "object" || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.size === "number" && typeof s.etag === "string" &&
    typeof s.content_type === "string" && typeof s.last_modified === "string" &&
    typeof s.metadata === "object" && s.metadata !== null;
}

/** The sidecar of `key`, or null when missing or unreadable. */
export async function readSidecar(
  layout: FolderLayout,
  bucket: string,
  key: string,
): Promise<Sidecar | null> {
  try {
    const path = await layout.existingFile("meta", bucket, key);
    if (path === null) return null;
    const v = JSON.parse(await Deno.readTextFile(path));
    return isSidecar(v) ? v : null;
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof Deno.errors.NotFound) return null;
    throw mapFsError(err, key);
  }
}

/** Info from the sidecar; from the file alone when the sidecar is missing or stale. */
export async function infoOf(
  layout: FolderLayout,
  bucket: string,
  key: string,
  st: Deno.FileInfo,
): Promise<ObjectInfo> {
  const sidecar = await readSidecar(layout, bucket, key);
  if (sidecar !== null && sidecar.size === st.size) return toInfo(bucket, key, sidecar);
  const mtime = st.mtime ?? new Date(0);
  return {
    bucket,
    key,
    size: st.size,
    content_type: DEFAULT_CONTENT_TYPE,
    etag: `${st.size.toString(16)}-${mtime.getTime().toString(16)}`,
    last_modified: mtime,
    metadata: {},
  };
}

export async function readConfig(
  layout: FolderLayout,
  bucket: string,
): Promise<BucketConfig | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(layout.configPath(bucket));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw mapFsError(err, bucket);
  }
  const v = JSON.parse(text) as Partial<BucketConfig>;
  return {
    created_at: String(v.created_at ?? ""),
    public_read: v.public_read === true,
    // Read from disk, where a hand edit may have put anything: checked like any input.
    lifecycle: Array.isArray(v.lifecycle) ? validateRules(v.lifecycle) : [],
  };
}

export async function writeConfig(
  layout: FolderLayout,
  bucket: string,
  cfg: BucketConfig,
): Promise<void> {
  const tmp = layout.tmpPath();
  try {
    await Deno.writeTextFile(tmp, JSON.stringify(cfg, null, 2));
    await Deno.rename(tmp, layout.configPath(bucket));
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw mapFsError(err, bucket);
  }
}

/** Writes the sidecar to a temp file, ready to be moved into place. */
export async function writeSidecarTmp(path: string, sidecar: Sidecar): Promise<void> {
  await fs(() => Deno.writeTextFile(path, JSON.stringify(sidecar)));
}
