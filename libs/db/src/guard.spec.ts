import { isEffectivelyEmpty } from './guard';

describe('isEffectivelyEmpty', () => {
  it.each([[undefined], [null], [{}], [{ id: undefined }], [{ id: undefined, siteId: undefined }]])(
    'treats %p as a filter that matches every row',
    (where) => expect(isEffectivelyEmpty(where)).toBe(true),
  );

  it.each([[{ id: 1 }], [{ id: undefined, siteId: 3 }], [{ OR: [] }], [{ id: null }]])(
    'treats %p as a real filter',
    (where) => expect(isEffectivelyEmpty(where)).toBe(false),
  );
});
