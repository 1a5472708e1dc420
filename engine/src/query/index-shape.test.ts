import { describe, expect, it } from 'vitest';
import { compile } from '../metadata/compile.js';
import { CORE_PACK_DIR, readPack } from '../packs/pack-files.js';
import type { AccessPredicate } from './access-predicate.js';
import { serves, type IndexShape } from './index-shape.js';
import { listShape } from './index-shape.js';
import { planList, type ListRequest } from './list-plan.js';

/**
 * The index a list would read, as data: equality filters first, then the sort relative to its
 * first key, then id; the same text for a sort and its reverse, and for a renamed field.
 */

const compiled = compile(1, readPack(CORE_PACK_DIR).snapshot);
const opportunity = compiled.objects.get('opportunity')!;
const REP = '0191f0e0-0000-7000-8000-000000000001';
const owner: AccessPredicate = [{ kind: 'owner', userId: REP }];

const shapeOf = (request: ListRequest, access: AccessPredicate = null): IndexShape | undefined =>
  listShape(
    opportunity,
    planList(opportunity, request, {
      objects: compiled.objects,
      guard: (paths) => (path) => paths.resolve(path),
      access: () => access,
    }),
  );
const text = (request: ListRequest, access?: AccessPredicate) => shapeOf(request, access)?.text;

describe('the index shape of a list', () => {
  it('is the sort then id, the same for a sort and its reverse', () => {
    expect(text({ sort: '-amount' })).toBe('core.opportunity.amount#0,id');
    expect(text({ sort: 'amount' })).toBe('core.opportunity.amount#0,id');
    expect(text({ sort: '-close_date,name' })).toBe('core.opportunity.close_date#0,core.opportunity.name#0-,id');
    expect(text({ sort: 'close_date,-name' })).toBe('core.opportunity.close_date#0,core.opportunity.name#0-,id');
  });

  it('puts equality filters first, in a fixed order, and drops a sort key they hold to one value', () => {
    const a = text({ filter: JSON.stringify({ stage: 'proposal', lead_source: 'web' }), sort: '-amount' });
    const b = text({ filter: JSON.stringify({ lead_source: 'web', stage: 'proposal' }), sort: 'amount' });
    expect(a).toBe('core.opportunity.lead_source#0=,core.opportunity.stage#0=,core.opportunity.amount#0,id');
    expect(b).toBe(a);
    // id follows the first key's direction (stage, ascending): against amount's, reversed.
    expect(text({ filter: JSON.stringify({ stage: 'proposal' }), sort: 'stage,-amount' })).toBe(
      'core.opportunity.stage#0=,core.opportunity.amount#0,id-',
    );
    // Ranges, lists and lookups narrow nothing an index here leads with.
    expect(text({ filter: JSON.stringify({ amount: { gte: 5 } }), sort: '-close_date' })).toBe(
      'core.opportunity.close_date#0,id',
    );
  });

  it('has none when the primary key reads it already, or the sort starts through a lookup', () => {
    expect(shapeOf({})).toBeUndefined();
    expect(shapeOf({ sort: '-id' })).toBeUndefined();
    expect(shapeOf({ sort: 'account.name' })).toBeUndefined();
    expect(shapeOf({ sort: '-amount', deleted: 'only' })).toBeUndefined();
    // Newest first within one stage: (stage, id).
    expect(text({ filter: JSON.stringify({ stage: 'proposal' }) })).toBe('core.opportunity.stage#0=,id');
  });

  it('leads with owner_id for a caller who reaches records by owning them', () => {
    expect(text({ sort: 'amount' }, owner)).toBe('owner_id=,core.opportunity.amount#0,id');
    expect(text({}, owner)).toBe('owner_id=,id');
  });

  it('keeps at most three sort keys and two equality columns', () => {
    const shape = shapeOf({
      filter: JSON.stringify({ stage: 'proposal', lead_source: 'web', opportunity_type: 'new_business' }),
      sort: 'amount,close_date,probability,name',
    })!;
    expect(shape.equal).toBe(2);
    expect(shape.keys).toHaveLength(6);
    expect(shape.keys.at(-1)).toEqual({ field: 'id' });
  });
});

describe('an index serves a shape', () => {
  const shape = [
    { column: 'stage', desc: false },
    { column: 'amount', desc: false },
    { column: 'id', desc: true },
  ];
  const index = (...columns: [string, boolean][]) => ({ columns: columns.map(([column, desc]) => ({ column, desc })) });

  it('when it leads with the equality columns, then the sort in its directions or all reversed', () => {
    expect(serves(index(['stage', false], ['amount', false], ['id', true]), shape, 1)).toBe(true);
    expect(serves(index(['stage', true], ['amount', true], ['id', false]), shape, 1)).toBe(true);
    expect(serves(index(['stage', false], ['amount', false]), shape, 1)).toBe(true);
  });

  it('not when a column is missing, out of order, or one direction differs', () => {
    expect(serves(index(['amount', false], ['stage', false]), shape, 1)).toBe(false);
    expect(serves(index(['stage', false]), shape, 1)).toBe(false);
    const twoSorts = [
      { column: 'amount', desc: false },
      { column: 'name', desc: true },
      { column: 'id', desc: false },
    ];
    expect(serves(index(['amount', false], ['name', false]), twoSorts, 0)).toBe(false);
    expect(serves(index(['amount', true], ['name', false]), twoSorts, 0)).toBe(true);
  });
});
