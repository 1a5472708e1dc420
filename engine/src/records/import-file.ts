import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { badRequest, Problem } from '../errors.js';
import { CsvRecordReader } from './csv-reader.js';

/**
 * An import's file: the upload streamed to a private temp folder named after its job (so
 * housekeeping can tell whose it is), its header row, then its data rows in batches.
 */

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/**
 * Rows a batch holds at most; a batch is also cut once its cells reach BATCH_CHARS. Below
 * BulkWriter's ANALYZE threshold (5,000), so a pipelined batch sends no ANALYZE of its own.
 */
const BATCH = 2000;
const BATCH_CHARS = 4_000_000;
/** A record longer than this is a broken file (an unclosed quote swallowing the rest), not data. */
const MAX_RECORD_CHARS = 8_000_000;
const TEMP_PREFIX = 'tessera-import-';
const TEMP_DIR = /^tessera-import-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-/;

export interface Upload {
  body: Readable;
  /** Content-Length, when the client sent one: a too-large file is refused before it is read. */
  length?: number;
}

export interface CsvRow {
  /** The row number a spreadsheet shows: the header is row 1. */
  row: number;
  cells: string[];
}

export interface Batch {
  rows: CsvRow[];
  /** Bytes of the file read once this batch is. */
  bytes: number;
}

/** The temp folders in `root` of jobs other than `running`, by job id. */
export async function tempFolders(root: string, running: readonly string[]): Promise<Map<string, string>> {
  const byJob = new Map<string, string>();
  for (const name of await fs.promises.readdir(root).catch(() => [] as string[])) {
    const id = TEMP_DIR.exec(name)?.[1];
    if (id && !running.includes(id)) byJob.set(id, path.join(root, name));
  }
  return byJob;
}

export const tooLarge = () =>
  new Problem('payload-too-large', `a CSV import holds at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB`, [
    { field: '/', code: 'size', message: 'split the file' },
  ]);

export const noSpace = () =>
  new Problem('insufficient-storage', 'the server has no disk space left for the file; nothing was imported', [
    { field: '/', code: 'diskFull', message: 'try again later, or tell the operator the import folder is full' },
  ]);

const isNoSpace = (e: unknown) => (e as { code?: unknown }).code === 'ENOSPC';

/** A new private folder in `root` for a job's upload (507 when the disk is full). */
export async function tempFolder(root: string, jobId: string): Promise<string> {
  try {
    return await fs.promises.mkdtemp(path.join(root, `${TEMP_PREFIX}${jobId}-`));
  } catch (e) {
    throw isNoSpace(e) ? noSpace() : e;
  }
}

/**
 * Streams the request body to the file, refusing it past MAX_IMPORT_BYTES; the file's size. When
 * the disk fills up, the rest of the body is read and dropped (up to the same limit), so the
 * client, still sending, gets the 507 rather than a reset connection.
 */
export async function saveUpload(body: Readable, file: string): Promise<number> {
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(size > MAX_IMPORT_BYTES ? tooLarge() : null, chunk);
    },
  });
  // The body reaches the pipeline through `upload`, which the pipeline may destroy on a failure
  // without destroying the request (and its socket) with it.
  const upload = new PassThrough();
  body.once('error', (e) => upload.destroy(e));
  body.pipe(upload);
  try {
    await pipeline(upload, limit, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (e) {
    body.unpipe(upload);
    if (isNoSpace(e)) {
      if (!body.readableEnded && !body.destroyed) await drain(body, MAX_IMPORT_BYTES - size);
      throw noSpace();
    }
    body.destroy();
    if (e instanceof Problem) throw e;
    throw badRequest('the upload was interrupted', [{ field: '/', code: 'body', message: 'send the file again' }]);
  }
  return size;
}

/** Reads the rest of `body` and drops it; past `bytes`, the connection is closed instead. */
function drain(body: Readable, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    let left = bytes;
    body.on('data', (chunk: Buffer) => {
      left -= chunk.length;
      if (left < 0) body.destroy();
    });
    body.once('end', resolve);
    body.once('close', resolve);
    body.resume();
  });
}

const csvParser = () =>
  parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_CHARS });

/** The header row, or undefined for an empty file (400 for one that is not CSV). */
export async function readHeader(file: string): Promise<string[] | undefined> {
  const source = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
  const parser = csvParser();
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  try {
    for await (const record of parser) return record as string[];
  } catch (e) {
    if (e instanceof CsvError)
      throw badRequest(`the file is not valid CSV: ${e.message}`, [{ field: '/', code: 'csv', message: e.message }]);
    throw e;
  } finally {
    source.destroy();
    parser.destroy();
  }
  return undefined;
}

/**
 * The data rows in batches of at most BATCH rows or BATCH_CHARS characters, numbered as a
 * spreadsheet numbers them, each with how far into the file the reader has read.
 */
export async function* readBatches(file: string): AsyncGenerator<Batch> {
  let rows: CsvRow[] = [];
  let chars = 0;
  let row = 0;
  const reader = new CsvRecordReader(MAX_RECORD_CHARS);
  const source = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  try {
    const chunks: AsyncIterator<Buffer> = source[Symbol.asyncIterator]();
    for (;;) {
      const chunk = await chunks.next();
      const records = chunk.done ? reader.end() : reader.push(chunk.value);
      for (const cells of records) {
        if (++row === 1) continue;
        rows.push({ row, cells });
        for (let i = 0; i < cells.length; i++) chars += cells[i]!.length;
        if (rows.length === BATCH || chars >= BATCH_CHARS) {
          yield { rows, bytes: reader.bytes };
          rows = [];
          chars = 0;
        }
      }
      if (chunk.done) break;
    }
    if (rows.length) yield { rows, bytes: reader.bytes };
  } finally {
    source.destroy();
  }
}
