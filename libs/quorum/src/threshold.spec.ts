import { QuorumConfigError } from './errors';
import { parseLocationsThreshold, requiredLocations, type LocationsThreshold } from './threshold';

const count = (value: number): LocationsThreshold => ({ kind: 'count', value });
const percent = (value: number): LocationsThreshold => ({ kind: 'percent', value });

function rejection(fn: () => unknown): QuorumConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof QuorumConfigError) return error;
    throw error;
  }
  throw new Error('expected a QuorumConfigError');
}

describe('parseLocationsThreshold', () => {
  it('reads a number as a count', () => {
    expect(parseLocationsThreshold(2)).toEqual(count(2));
  });

  it('reads a string of digits as a count', () => {
    expect(parseLocationsThreshold(' 3 ')).toEqual(count(3));
  });

  it('reads a string ending in % as a percent, decimals and spaces allowed', () => {
    expect(parseLocationsThreshold('66%')).toEqual(percent(66));
    expect(parseLocationsThreshold(' 12.5 % ')).toEqual(percent(12.5));
  });

  it('passes an already parsed threshold through unchanged', () => {
    const parsed = percent(50);
    expect(parseLocationsThreshold(parsed)).toBe(parsed);
  });

  it.each(['', 'two', '-1', '2.5', '%', '66%%', '1e2'])('rejects %j as unparseable', (input) => {
    const error = rejection(() => parseLocationsThreshold(input));
    expect(error.reason).toBe('unparseable');
    expect(error.field).toBe('failingLocationsThreshold');
  });
});

describe('requiredLocations', () => {
  it('rounds 66% of 3 locations up to 2', () => {
    expect(requiredLocations(percent(66), 3)).toBe(2);
  });

  it('requires every location at 100%', () => {
    expect(requiredLocations(percent(100), 3)).toBe(3);
  });

  it('requires half of an even number of locations at 50%, and rounds half of an odd number up', () => {
    expect(requiredLocations(percent(50), 4)).toBe(2);
    expect(requiredLocations(percent(50), 3)).toBe(2);
  });

  it('never requires 0 locations, however small the percent', () => {
    expect(requiredLocations(percent(1), 3)).toBe(1);
    expect(requiredLocations(percent(1e-12), 3)).toBe(1);
  });

  it('does not let floating point push an exact product up (70% of 10 is 7, not 8)', () => {
    expect(requiredLocations(percent(70), 10)).toBe(7);
    expect(requiredLocations(percent(33.3), 1000)).toBe(333);
    expect(requiredLocations(percent(14.3), 7)).toBe(2);
  });

  it('returns the smallest count reaching the percent, between 1 and the locations, for every percent and up to 40 locations', () => {
    for (let n = 1; n <= 40; n++) {
      for (let p = 1; p <= 100; p++) {
        let expected = 1;
        while (expected * 100 < p * n) expected++;
        expect(requiredLocations(percent(p), n)).toBe(expected);
      }
    }
  });

  it('returns a count as given when it fits the locations', () => {
    expect(requiredLocations(count(1), 1)).toBe(1);
    expect(requiredLocations(count(3), 3)).toBe(3);
  });

  it('rejects a count of 0 or less', () => {
    expect(rejection(() => requiredLocations(count(0), 3)).reason).toBe('not_positive');
    expect(rejection(() => requiredLocations(count(-1), 3)).reason).toBe('not_positive');
  });

  it('rejects a count that is not a whole number', () => {
    expect(rejection(() => requiredLocations(count(1.5), 3)).reason).toBe('not_an_integer');
    expect(rejection(() => requiredLocations(count(Number.NaN), 3)).reason).toBe('not_an_integer');
  });

  it('rejects more required locations than assigned, and says both numbers', () => {
    const error = rejection(() => requiredLocations(count(4), 3));
    expect(error.reason).toBe('more_than_assigned');
    expect(error.message).toBe('failingLocationsThreshold: 4 failing locations required but only 3 assigned');
  });

  it('rejects a percent of 0 or less', () => {
    expect(rejection(() => requiredLocations(percent(0), 3)).reason).toBe('not_positive');
    expect(rejection(() => requiredLocations(percent(-5), 3)).reason).toBe('not_positive');
  });

  it('rejects a percent over 100', () => {
    const error = rejection(() => requiredLocations(percent(101), 3));
    expect(error.reason).toBe('percent_over_100');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('QuorumConfigError');
  });

  it('rejects a percent that is not a finite number', () => {
    expect(rejection(() => requiredLocations(percent(Number.NaN), 3)).reason).toBe('not_finite');
    expect(rejection(() => requiredLocations(percent(Number.POSITIVE_INFINITY), 3)).reason).toBe('not_finite');
  });

  it('rejects a check without locations', () => {
    const error = rejection(() => requiredLocations(count(1), 0));
    expect(error.reason).toBe('no_locations');
    expect(error.field).toBe('locations');
  });
});
