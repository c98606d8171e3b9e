/**
 * Backup service entry points: list, start (one run at a time across instances), status, verify
 * and restore. The work itself is in the sibling modules.
 *
 * @module
 */
import { serviceUnavailable } from "../../errors.ts";
import type {
  BackupRun,
  OpsContext,
  RestoreOptions,
  RestoreReport,
  VerifyReport,
} from "../types.ts";

const pending = () => serviceUnavailable("backups are not available yet");

/** Backup runs, newest first. */
export function listBackups(
  _ctx: OpsContext,
  _opts: { limit?: number } = {},
): Promise<BackupRun[]> {
  return Promise.reject(pending());
}

/**
 * Starts a backup run in the background and returns its id. A second call while a run is in
 * progress on any instance fails with a 409 conflict. `wait` resolves only when the run ended.
 */
export function startBackup(
  _ctx: OpsContext,
  _opts: { actor?: string | null; wait?: boolean } = {},
): Promise<string> {
  return Promise.reject(pending());
}

/** One run with per-store progress (404 when unknown). */
export function backupStatus(_ctx: OpsContext, _id: string): Promise<BackupRun> {
  return Promise.reject(pending());
}

/** Recomputes every part's checksum and count against the manifest. */
export function verifyBackup(_ctx: OpsContext, _id: string): Promise<VerifyReport> {
  return Promise.reject(pending());
}

/**
 * Restores a backup into this (empty) deployment, then proves it: counts and content digests
 * per store equal the manifest, and the cross-store invariants hold.
 */
export function restoreBackup(
  _ctx: OpsContext,
  _id: string,
  _opts: RestoreOptions = {},
): Promise<RestoreReport> {
  return Promise.reject(pending());
}
