import { Router } from 'express';
import type { Tenant } from '../tenants/tenant.js';
import { accessOf } from './context.js';

/** GET /api/v1/search?q=…[&objects=account,contact][&limit=5] → best matches, grouped by object. */
export function searchRouter(search: Tenant['search']): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const hits = await search(req.query, accessOf(req));
    const groups = new Map<string, { object: string; records: { id: string; name: string | null; score: number }[] }>();
    for (const hit of hits) {
      const group = groups.get(hit.object) ?? { object: hit.object, records: [] };
      group.records.push({ id: hit.id, name: hit.name, score: hit.score });
      groups.set(hit.object, group);
    }
    res.json({ data: [...groups.values()].sort((a, b) => b.records[0]!.score - a.records[0]!.score) });
  });
  return router;
}
