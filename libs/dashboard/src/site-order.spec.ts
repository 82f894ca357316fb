import { SITE_STATUSES } from '@vigil/contracts';
import { WORST_FIRST } from '../public/js/views/sites.js';

describe('the sites view', () => {
  it('counts sites by status in the one order the lifecycle defines, worst first', () => {
    expect(WORST_FIRST).toEqual(SITE_STATUSES);
  });
});
