import { describe, expect, it } from 'vitest';
import { cleanView, columnsToAdd, errorsAt, moveBy, sortKeys, sortString, withKanban } from './view-draft';

describe('list view drafts', () => {
  it('reads and writes sort strings', () => {
    expect(sortKeys('-amount,name')).toEqual([
      { field: 'amount', desc: true },
      { field: 'name', desc: false },
    ]);
    expect(sortKeys(undefined)).toEqual([]);
    expect(
      sortString([
        { field: 'amount', desc: true },
        { field: '', desc: false },
      ]),
    ).toBe('-amount');
    expect(sortString([])).toBeUndefined();
  });

  it('offers only columns not shown yet', () => {
    expect(columnsToAdd(['name', 'stage', 'amount'], ['stage'])).toEqual(['name', 'amount']);
  });

  it('moves an item by a step and stays inside the list', () => {
    expect(moveBy(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveBy(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
    expect(moveBy(['a', 'b', 'c'], 2, -2)).toEqual(['c', 'a', 'b']);
  });

  it('finds the errors of a control by its pointer', () => {
    const error = {
      errors: [
        { field: '/columns/1', code: 'reference', message: 'x is not a field' },
        { field: '/sort', code: 'reference', message: 'bad sort' },
      ],
    };
    expect(errorsAt(error, '/columns')).toBe('x is not a field');
    expect(errorsAt(error, '/columns', true)).toBeUndefined();
    expect(errorsAt(error, '/filter')).toBeUndefined();
    expect(errorsAt(null, '/sort')).toBeUndefined();
  });

  it('drops empty optional parts', () => {
    expect(
      cleanView({ apiName: 'v', object: 'o', label: 'V', columns: ['name'], filter: {}, sort: '', defaultFor: [] }),
    ).toEqual({ apiName: 'v', object: 'o', label: 'V', columns: ['name'] });
  });

  it('makes a view a board and back without leaving an empty property', () => {
    const plain = { apiName: 'v', object: 'o', label: 'V', columns: ['name'] };
    const board = withKanban(plain, { groupBy: 'stage', summary: 'amount' });
    expect(board.kanban).toEqual({ groupBy: 'stage', summary: 'amount' });
    expect('kanban' in withKanban(board, undefined)).toBe(false);
  });
});
