import { loadOf } from './runner';

describe("a runner's Vigil-Load header", () => {
  it('reads the load and the concurrency', () => {
    expect(loadOf('behind; concurrency=200')).toEqual({ load: 'behind', concurrency: 200 });
    expect(loadOf(' OK ;concurrency=100 ')).toEqual({ load: 'ok', concurrency: 100 });
    expect(loadOf(['ok', 'behind'])).toEqual({ load: 'ok', concurrency: null });
  });

  it('leaves what it cannot read alone: no load, or no concurrency', () => {
    expect(loadOf(undefined)).toBeUndefined();
    expect(loadOf('')).toBeUndefined();
    expect(loadOf('swamped; concurrency=5')).toBeUndefined();
    expect(loadOf('behind; concurrency=-3')).toEqual({ load: 'behind', concurrency: null });
    expect(loadOf('behind; concurrency=99999999')).toEqual({ load: 'behind', concurrency: null });
  });
});
