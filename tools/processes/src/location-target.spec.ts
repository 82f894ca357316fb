import { type LocationTarget, locationOfUserAgent, startLocationTarget } from './location-target';

describe('locationOfUserAgent', () => {
  it("reads the runner's slug from its User-Agent, and nothing from anyone else's", () => {
    expect(locationOfUserAgent('Vigil/0.1.0 (+runner us-1)')).toBe('us-1');
    expect(locationOfUserAgent('Vigil/0.1.0 (+runner eu-west-2)')).toBe('eu-west-2');
    expect(locationOfUserAgent('curl/8.0')).toBeNull();
    expect(locationOfUserAgent(undefined)).toBeNull();
  });
});

describe('the location target', () => {
  let target: LocationTarget;
  beforeAll(async () => {
    target = await startLocationTarget();
  });
  afterAll(() => target?.close());

  const probe = async (path: string, userAgent: string) => (await fetch(`${target.url}${path}`, { headers: { 'user-agent': userAgent } })).status;

  it('fails a path only for the runners told to, from the moment it is told', async () => {
    expect(await probe('/shop', 'Vigil/0.1.0 (+runner us-1)')).toBe(200);
    target.fail('/shop', ['us-1', 'eu-1']);
    expect(await probe('/shop', 'Vigil/0.1.0 (+runner us-1)')).toBe(500);
    expect(await probe('/shop', 'Vigil/0.1.0 (+runner eu-1)')).toBe(500);
    expect(await probe('/shop', 'Vigil/0.1.0 (+runner ap-1)')).toBe(200);
    expect(await probe('/blog', 'Vigil/0.1.0 (+runner us-1)')).toBe(200);
    expect(await probe('/shop', 'curl/8.0')).toBe(200);
    target.fail('/shop', []);
    expect(await probe('/shop', 'Vigil/0.1.0 (+runner us-1)')).toBe(200);
    expect(target.hits('/shop').map((hit) => `${hit.location} ${hit.status}`)).toEqual([
      'us-1 200',
      'us-1 500',
      'eu-1 500',
      'ap-1 200',
      'null 200',
      'us-1 200',
    ]);
    expect(target.hits()).toHaveLength(7);
  });
});
