/**
 * Audio insights: the upload goes to the `temp` bucket (1-day lifecycle) and a pending insight
 * points at it. Transcription is a pluggable processor (processing.ts `Processor`) and none ships,
 * so the insight stays `pending` with a `status_reason` that says so.
 * @module
 */
import type { AuditActor } from "../audit/record.ts";
import { unprocessable } from "../errors.ts";
import type { Caller } from "./access.ts";
import type { Insight } from "./schemas.ts";
import { createInsight, type InsightCtx } from "./service.ts";

export const AUDIO_TYPES = [
  "audio/mpeg",
  "audio/mp4",
  "audio/x-m4a",
  "audio/ogg",
  "audio/webm",
  "audio/wav",
  "audio/x-wav",
  "audio/flac",
] as const;

export const NO_TRANSCRIBER =
  "awaiting transcription: no transcriber is configured on this server, so the audio is kept " +
  "(temp bucket, 1 day) and the insight stays pending";

export async function createAudioInsight(
  ctx: InsightCtx,
  caller: Caller,
  actor: AuditActor,
  file: File,
  title: string | undefined,
  maxBytes: number,
): Promise<Insight> {
  const type = file.type.split(";")[0].trim().toLowerCase();
  if (!(AUDIO_TYPES as readonly string[]).includes(type)) {
    throw unprocessable("The file is not a supported audio type", [
      { path: "file", message: `type must be one of ${AUDIO_TYPES.join(", ")}` },
    ]);
  }
  if (file.size === 0 || file.size > maxBytes) {
    throw unprocessable("The audio file size is out of range", [
      { path: "file", message: `size must be 1 to ${maxBytes} bytes` },
    ]);
  }
  const id = crypto.randomUUID();
  const now = new Date(ctx.now());
  const name = (file.name || "audio").replace(/[^A-Za-z0-9._-]+/g, "_").slice(-100) || "audio";
  const key = `${now.getUTCFullYear()}/${
    String(now.getUTCMonth() + 1).padStart(2, "0")
  }/insight/${id}/${name}`;
  await ctx.stores.objects.ensureBucket("temp");
  await ctx.stores.objects.put("temp", key, new Uint8Array(await file.arrayBuffer()), {
    contentType: type,
    size: file.size,
  });
  return await createInsight(
    ctx,
    caller,
    actor,
    { title: title?.trim() || file.name || "Audio note", body: "", tags: [], source: "audio" },
    { _id: id, status: "pending", status_reason: NO_TRANSCRIBER, audio_key: `temp/${key}` },
  );
}
