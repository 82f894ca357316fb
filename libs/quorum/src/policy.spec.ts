import { QuorumConfigError } from './errors';
import { createQuorumPolicy, type QuorumConfig } from './policy';

const valid: QuorumConfig = {
  locations: ['us-1', 'eu-1', 'ap-1'],
  failingThreshold: 2,
  passingThreshold: 3,
  failingLocationsThreshold: '66%',
  staleAfterMs: 180_000,
};

function rejection(config: Partial<QuorumConfig>): QuorumConfigError {
  try {
    createQuorumPolicy({ ...valid, ...config });
  } catch (error) {
    if (error instanceof QuorumConfigError) return error;
    throw error;
  }
  throw new Error('expected a QuorumConfigError');
}

describe('createQuorumPolicy', () => {
  it('resolves the locations threshold against the assigned locations', () => {
    const policy = createQuorumPolicy(valid);
    expect(policy.required).toBe(2);
    expect(policy.threshold).toEqual({ kind: 'percent', value: 66 });
    expect(policy.locations).toEqual(['us-1', 'eu-1', 'ap-1']);
    expect([...policy.assigned]).toEqual(['us-1', 'eu-1', 'ap-1']);
    expect(policy.failingThreshold).toBe(2);
    expect(policy.passingThreshold).toBe(3);
    expect(policy.staleAfterMs).toBe(180_000);
  });

  it('returns a frozen policy that does not share the caller’s location array', () => {
    const locations = ['us-1'];
    const policy = createQuorumPolicy({ ...valid, locations, failingLocationsThreshold: 1 });
    locations.push('eu-1');
    expect(policy.locations).toEqual(['us-1']);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.locations)).toBe(true);
  });

  it('accepts a single location with every threshold at 1', () => {
    const policy = createQuorumPolicy({ ...valid, locations: ['@controller'], failingThreshold: 1, passingThreshold: 1, failingLocationsThreshold: 1 });
    expect(policy.required).toBe(1);
  });

  it('rejects a check without locations', () => {
    expect(rejection({ locations: [] })).toMatchObject({ field: 'locations', reason: 'no_locations' });
  });

  it('rejects a location listed twice and names it', () => {
    const error = rejection({ locations: ['us-1', 'eu-1', 'us-1'] });
    expect(error).toMatchObject({ field: 'locations', reason: 'duplicate_location' });
    expect(error.message).toContain('"us-1"');
  });

  it.each([
    ['failingThreshold', 0, 'not_positive'],
    ['failingThreshold', -2, 'not_positive'],
    ['failingThreshold', 1.5, 'not_an_integer'],
    ['passingThreshold', 0, 'not_positive'],
    ['passingThreshold', Number.NaN, 'not_an_integer'],
    ['staleAfterMs', 0, 'not_positive'],
    ['staleAfterMs', -1, 'not_positive'],
    ['staleAfterMs', Number.POSITIVE_INFINITY, 'not_finite'],
    ['failingLocationsThreshold', 0, 'not_positive'],
    ['failingLocationsThreshold', '0%', 'not_positive'],
    ['failingLocationsThreshold', '150%', 'percent_over_100'],
    ['failingLocationsThreshold', 4, 'more_than_assigned'],
    ['failingLocationsThreshold', 'most', 'unparseable'],
  ] as const)('rejects %s = %p with reason %s', (field, value, reason) => {
    const error = rejection({ [field]: value });
    expect(error.field).toBe(field);
    expect(error.reason).toBe(reason);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });
});
