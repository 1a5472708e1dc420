import { request, requestJson } from '@tessera/runtime-ui/api/http';
import type { PublishResult } from '../api/studio.api';

/** The configuration as a zip of JSON files, one per item (the CLI's `tessera metadata export|import`). */

export type ConfigSource = 'draft' | 'current';

export async function downloadConfig(source: ConfigSource): Promise<Blob> {
  const res = await request(`/meta/export${source === 'current' ? '?current=true' : ''}`);
  return res.blob();
}

/** Replaces the draft with the zip's files and answers the plan of publishing them (nothing published). */
export async function uploadConfig(file: ArrayBuffer): Promise<PublishResult> {
  return requestJson<PublishResult>('/meta/import', { method: 'POST', rawBody: file, contentType: 'application/zip' });
}
