import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { Problem } from '../errors.js';
import type { CsvExporter } from '../records/csv-export.js';
import type { ImportJob, ImportJobs } from '../records/import-jobs.js';
import { forbidden } from '../security/access.js';
import { accessOf, callerOf } from './context.js';
import { logUnexpected } from './request-log.js';

/**
 * CSV in and out. Mounted at /api/v1/records before the records router, so `export` and `import`
 * are not taken for record ids; job status lives under /api/v1/imports.
 */

const IMPORTS = '/api/v1/imports';

/** The job as the API shows it, with the link to its error report once it has one. */
const jobBody = (job: ImportJob) => ({
  ...job,
  errorReportUrl: job.rowsFailed > 0 ? `${IMPORTS}/${job.id}/errors.csv` : null,
});

/**
 * Streams CSV chunks with backpressure (pipeline waits for 'drain'). A client that goes away
 * stops the reads; a failure after the first byte can only cut the response short.
 */
async function sendCsv(res: Response, filename: string, chunks: AsyncGenerator<string>): Promise<void> {
  res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${filename}"`);
  try {
    await pipeline(Readable.from(chunks, { objectMode: false, highWaterMark: 64 * 1024 }), res);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    if (!res.headersSent) throw e;
    logUnexpected(res, e, 'the CSV download failed after its first byte');
    res.destroy();
  }
}

export function csvRouter(exporter: CsvExporter, imports: ImportJobs): Router {
  const router = Router();
  router.get('/:object/export', async (req, res) => {
    const { format, filter, sort, fields } = req.query;
    const caller = callerOf(req);
    const file = exporter.export(req.params.object, { format, filter, sort, fields }, caller.access, caller.via);
    await sendCsv(res, file.filename, file.chunks);
  });
  router.post('/:object/import', async (req, res) => {
    // Before the upload is read: importing needs importData and create (upserts also edit).
    const access = accessOf(req);
    access.requireSystem('importData');
    access.requireVisible(req.params.object);
    if (
      !access.can(req.params.object, 'create') ||
      (req.query.upsertOn !== undefined && !access.can(req.params.object, 'edit'))
    ) {
      throw forbidden(
        `you may not import ${req.params.object} records`,
        req.params.object,
        'objectPermission',
        'needs create (and edit to upsert) on the object',
      );
    }
    if (!req.is('text/csv')) {
      throw new Problem('unsupported-media-type', 'send the file as the body with Content-Type: text/csv', [
        { field: 'Content-Type', code: 'type', message: 'expected text/csv' },
      ]);
    }
    const charset = /charset=([^;]+)/i
      .exec(req.get('content-type') ?? '')?.[1]
      ?.trim()
      .replace(/"/g, '')
      .toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      throw new Problem('unsupported-media-type', 'CSV files are read as UTF-8', [
        { field: 'Content-Type', code: 'charset', message: 'save the file as UTF-8' },
      ]);
    }
    const { mode, upsertOn, mapping } = req.query;
    const length = req.get('content-length');
    const job = await imports.start(
      req.params.object,
      { body: req, ...(length !== undefined ? { length: Number(length) } : {}) },
      { mode, upsertOn, mapping },
      callerOf(req),
    );
    res.status(202).location(`${IMPORTS}/${job.id}`).json(jobBody(job));
  });
  return router;
}

/** An import is its author's (and admins'): its error report holds the rows of the file. */
const readerOf = (req: Request) => {
  const access = accessOf(req);
  return access.isAdmin ? undefined : access.userId;
};

export function importJobsRouter(imports: ImportJobs): Router {
  const router = Router();
  router.get('/:id', async (req, res) => {
    res.json(jobBody(await imports.get(req.params.id, readerOf(req))));
  });
  router.get('/:id/errors.csv', async (req, res) => {
    const report = await imports.errorReport(req.params.id, readerOf(req));
    await sendCsv(res, report.filename, report.chunks);
  });
  return router;
}
