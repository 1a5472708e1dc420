import fs from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { uuidv7 } from '../src/lib/ids.js';
import { REGIONS, STAGES } from './seed.js';

/**
 * The import workload: one CSV file of deals imported through Tessera's CSV import (upload,
 * background job, polled until done) against the same rows loaded with a raw `COPY … FROM STDIN`.
 * The files are written before a round starts; the clients (upload and polling, or the COPY
 * stream) run in the load process, so the bench process holds only Tessera's side of the work.
 */

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every imported deal's name starts so; seeded and created deals never do. */
export const IMPORT_PREFIX = 'Imported deal ';

export interface DealRow {
  name: string;
  stage: string;
  /** Two decimals, as a spreadsheet exports them; null when unknown. */
  amount: string | null;
  close_date: string | null;
  region: string;
}

/** A small seeded PRNG (mulberry32): the same rows every round (and every run on the same day). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACCOUNTS = [
  'Acme, Inc.',
  'Globex',
  'Initech',
  'Umbrella Corp.',
  'Stark Industries',
  'Wayne Enterprises',
  'Hooli',
  'Vandelay Industries',
  'Müller & Söhne GmbH',
  'Dunder Mifflin',
];
const KINDS = ['renewal', 'expansion', 'new logo', 'pilot', 'upsell', '"Phase 2" rollout'];
const DAY_MS = 86_400_000;

/**
 * Deals shaped like the seeded ones (seed.ts): stages skewed to the top of the funnel,
 * log-uniform amounts from about 400 to 440,000 (2% unknown), close dates within half a year of
 * today (missing on a third of open deals, never on won or lost ones, so the rules pass),
 * regions weighted towards North America. Names carry commas and quotes now and then, so both
 * CSV readers meet quoted cells.
 */
export function generateDeals(count: number): DealRow[] {
  const next = random(20260101);
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const rows: DealRow[] = [];
  for (let i = 1; i <= count; i++) {
    const [r1, r2, r3, r4, r5, r6, r7, r8] = [next(), next(), next(), next(), next(), next(), next(), next()];
    const stage =
      r1 < 0.25
        ? 'prospecting'
        : r1 < 0.43
          ? 'qualification'
          : r1 < 0.57
            ? 'discovery'
            : r1 < 0.69
              ? 'proposal'
              : r1 < 0.77
                ? 'negotiation'
                : r1 < 0.82
                  ? 'commit'
                  : r1 < 0.92
                    ? 'won'
                    : 'lost';
    rows.push({
      name: `${IMPORT_PREFIX}${String(i).padStart(6, '0')} ${ACCOUNTS[Math.floor(r7 * ACCOUNTS.length)]} ${KINDS[Math.floor(r8 * KINDS.length)]}`,
      stage,
      amount: r2 < 0.02 ? null : Math.exp(6 + r3 * 7).toFixed(2),
      close_date:
        r1 >= 0.82 || r4 < 0.67
          ? new Date(today + Math.round(r5 * 365 - 180) * DAY_MS).toISOString().slice(0, 10)
          : null,
      region: r6 < 0.35 ? 'na' : r6 < 0.65 ? 'emea' : r6 < 0.85 ? 'apac' : r6 < 0.95 ? 'latam' : 'anz',
    });
  }
  if (
    rows.some(
      (r) => !(STAGES as readonly string[]).includes(r.stage) || !(REGIONS as readonly string[]).includes(r.region),
    )
  )
    throw new Error("a generated stage or region is not one of deal's values");
  return rows;
}

/** RFC 4180 cell; null is an empty unquoted cell (absent for Tessera, NULL for COPY). */
const cell = (value: string | null) =>
  value === null ? '' : /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

async function writeLines(file: string, header: string[], lines: Iterable<(string | null)[]>): Promise<number> {
  const parts = [header.join(',')];
  for (const line of lines) parts.push(line.map(cell).join(','));
  const text = parts.join('\n') + '\n';
  await fs.promises.writeFile(file, text, { mode: 0o600 });
  return Buffer.byteLength(text);
}

/** What a user uploads: a header of field apiNames, then the values. Returns the file's size. */
export function writeTesseraCsv(file: string, rows: DealRow[]): Promise<number> {
  return writeLines(
    file,
    ['name', 'stage', 'amount', 'close_date', 'region'],
    rows.map((r) => [r.name, r.stage, r.amount, r.close_date, r.region]),
  );
}

/**
 * The same rows with the columns Tessera fills itself: a fresh UUIDv7 id (the generator Tessera
 * uses, so the primary key index sees the same insert pattern), the owner and author, and the
 * corporate currency's code beside each amount when the table keeps one. created_at, updated_at
 * and version come from the column defaults, as they do for Tessera's inserts.
 */
export async function writeCopyCsv(
  file: string,
  rows: DealRow[],
  ownerId: string,
  currency: string | null,
): Promise<{ bytes: number; columns: string[] }> {
  const columns = [
    'id',
    'owner_id',
    'created_by',
    'updated_by',
    'name',
    'stage',
    'amount',
    ...(currency !== null ? ['amount__currency'] : []),
    'close_date',
    'region',
  ];
  const lines = rows.map((r) => [
    uuidv7(),
    ownerId,
    ownerId,
    ownerId,
    r.name,
    r.stage,
    r.amount,
    ...(currency !== null ? [r.amount === null ? null : currency] : []),
    r.close_date,
    r.region,
  ]);
  return { bytes: await writeLines(file, columns, lines), columns };
}

export const copySql = (schema: string, columns: string[]) =>
  `copy ${ident(schema)}.deal (${columns.map(ident).join(', ')}) from stdin with (format csv, header true)`;

/**
 * The imported rows, and a digest of everything but id and timestamps, so each round of each
 * side can be checked to have written exactly the same thing.
 */
export async function importedRows(
  db: pg.Client,
  schema: string,
  withCurrency: boolean,
): Promise<{ rows: number; digest: string | null }> {
  const { rows } = await db.query(
    `
    select count(*)::int as rows, md5(string_agg(row(name, stage, amount, ${withCurrency ? 'amount__currency, ' : ''}close_date, region,
      owner_id, created_by, updated_by, version, deleted_at, created_at = updated_at)::text, E'\\n' order by name)) as digest
    from ${ident(schema)}.deal where name like $1`,
    [`${IMPORT_PREFIX}%`],
  );
  return rows[0] as { rows: number; digest: string | null };
}

/**
 * Puts the table back as it was before any import round: deletes the imported rows, then
 * VACUUM ANALYZE (which also waits for the ANALYZE Tessera runs after a large import, as the two
 * cannot run at once) and a CHECKPOINT, so no round pays for the WAL of the one before.
 * Returns the row count the next round starts from.
 */
export async function resetTable(db: pg.Client, schema: string): Promise<{ rows: number; checkpoint: boolean }> {
  await db.query(`delete from ${ident(schema)}.deal where name like $1`, [`${IMPORT_PREFIX}%`]);
  await db.query(`vacuum analyze ${ident(schema)}.deal`);
  const checkpoint = await db.query('checkpoint').then(
    () => true,
    () => false,
  );
  const { rows } = await db.query(`select count(*)::int as n from ${ident(schema)}.deal`);
  return { rows: rows[0].n as number, checkpoint };
}

// ---- the clients, run in the load process ----

export type ImportTask =
  | {
      kind: 'tessera';
      url: string;
      object: string;
      authorization: string;
      file: string;
      rows: number;
      pollMs: number;
      timeoutMs: number;
    }
  | { kind: 'copy'; databaseUrl: string; sql: string; file: string; rows: number; timeoutMs: number };

export interface ImportResult {
  rows: number;
  /** From the first byte sent to the job seen completed (Tessera), or to COPY's answer. */
  seconds: number;
  /** Tessera: until the 202, then the job's phases as the polls saw them. */
  phases: { name: string; seconds: number }[];
  polls: number;
}

function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: fs.ReadStream,
): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = text;
        try {
          json = JSON.parse(text);
        } catch {
          /* kept as text */
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    if (body) {
      body.on('error', (e) => req.destroy(e));
      body.pipe(req);
    } else {
      req.end();
    }
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tesseraImport(task: Extract<ImportTask, { kind: 'tessera' }>): Promise<ImportResult> {
  const { size } = await fs.promises.stat(task.file);
  const headers = { authorization: task.authorization, accept: 'application/json' };
  const t0 = performance.now();
  const started = await send(
    `${task.url}/api/v1/records/${task.object}/import?mode=allOrNone`,
    'POST',
    { ...headers, 'content-type': 'text/csv; charset=utf-8', 'content-length': String(size) },
    fs.createReadStream(task.file, { highWaterMark: 256 * 1024 }),
  );
  const uploaded = performance.now();
  if (started.status !== 202)
    throw new Error(`tessera import: ${started.status} ${JSON.stringify(started.json).slice(0, 500)}`);
  let job = started.json;
  let polls = 0;
  const maxPolls = Math.ceil(task.timeoutMs / task.pollMs);
  while (job.status !== 'completed' && job.status !== 'failed') {
    if (++polls > maxPolls)
      throw new Error(`tessera import: not done after ${task.timeoutMs / 1000} s (${JSON.stringify(job)})`);
    await sleep(task.pollMs);
    const r = await send(`${task.url}/api/v1/imports/${started.json.id}`, 'GET', headers);
    if (r.status !== 200) throw new Error(`tessera import status: ${r.status} ${JSON.stringify(r.json).slice(0, 500)}`);
    job = r.json;
  }
  const done = performance.now();
  if (job.status !== 'completed')
    throw new Error(`tessera import failed: ${job.error} (${job.rowsFailed} rows failed)`);
  if (job.rowsCreated !== task.rows || job.rowsTotal !== task.rows)
    throw new Error(`tessera import: ${job.rowsCreated} rows created of ${job.rowsTotal}, expected ${task.rows}`);
  // One pass: the job reads, checks and writes the file in one go, so there is one phase after the upload.
  const phases = [
    { name: 'upload', seconds: (uploaded - t0) / 1000 },
    { name: 'job', seconds: (done - uploaded) / 1000 },
  ];
  return { rows: job.rowsCreated, seconds: (done - t0) / 1000, phases, polls };
}

async function copyImport(task: Extract<ImportTask, { kind: 'copy' }>): Promise<ImportResult> {
  const client = new pg.Client({ connectionString: task.databaseUrl, statement_timeout: task.timeoutMs });
  await client.connect();
  try {
    const t0 = performance.now();
    const stream = client.query(copyFrom(task.sql));
    await pipeline(fs.createReadStream(task.file, { highWaterMark: 256 * 1024 }), stream);
    const seconds = (performance.now() - t0) / 1000;
    if (stream.rowCount !== task.rows) throw new Error(`COPY wrote ${stream.rowCount} rows, expected ${task.rows}`);
    return { rows: stream.rowCount, seconds, phases: [], polls: 0 };
  } finally {
    await client.end();
  }
}

export function runImport(task: ImportTask): Promise<ImportResult> {
  return task.kind === 'tessera' ? tesseraImport(task) : copyImport(task);
}
