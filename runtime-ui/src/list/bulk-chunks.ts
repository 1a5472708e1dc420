import { ApiError } from '../api/api-error';
import type { BulkRowResult } from '../api/records.api';

/** Records a bulk request carries at most: a few seconds of work for the engine, a progress step the user sees move. */
export const CHUNK_SIZE = 2000;

export interface RowFailure<T> {
  item: T;
  message: string;
}

export interface ChunkedOutcome<T> {
  ok: number;
  failed: RowFailure<T>[];
}

/**
 * Sends items to a bulk endpoint in chunks, one request after another (each chunk is one
 * transaction on the engine, with allOrNone: false so its good rows land), and collects the rows
 * the engine refused with its reasons. `send` gets each chunk and an Idempotency-Key for it; a
 * chunk whose answer was lost on the network is sent once more with the same key, which the
 * engine answers without doing it twice. A request refused as a whole (no permission, signed
 * out) stops the run: that chunk and the ones not sent yet are reported failed with its message.
 */
export async function inChunks<T>(
  items: T[],
  send: (chunk: T[], idempotencyKey: string) => Promise<{ results: BulkRowResult[] }>,
  onProgress: (done: number, total: number) => void = () => {},
  size = CHUNK_SIZE,
): Promise<ChunkedOutcome<T>> {
  let ok = 0;
  const failed: RowFailure<T>[] = [];
  onProgress(0, items.length);
  for (let start = 0; start < items.length; start += size) {
    const chunk = items.slice(start, start + size);
    const key = crypto.randomUUID();
    let answer: { results: BulkRowResult[] };
    try {
      answer = await send(chunk, key).catch((e: unknown) =>
        e instanceof ApiError ? Promise.reject(e) : send(chunk, key),
      );
    } catch (e) {
      const message = e instanceof ApiError ? e.display : String((e as Error)?.message ?? e);
      for (const item of items.slice(start)) failed.push({ item, message });
      onProgress(items.length, items.length);
      return { ok, failed };
    }
    for (const row of answer.results) {
      if (row.ok) ok++;
      else
        failed.push({
          item: chunk[row.index]!,
          message: (row.errors ?? [])
            .map((e) => (e.field && e.field !== 'id' ? `${e.field}: ${e.message}` : e.message))
            .join('; '),
        });
    }
    onProgress(Math.min(start + size, items.length), items.length);
  }
  return { ok, failed };
}
