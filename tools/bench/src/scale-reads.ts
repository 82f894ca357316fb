import { performance } from 'node:perf_hooks';

/** One of the reads the benchmark times: a route of the controller, with the ids it is asked for. */
export interface ReadKind {
  readonly name: string;
  /** The request for the i-th sample. */
  path(i: number): string;
  /** Sent with the management API's key; the public routes go without. */
  readonly authorized: boolean;
}

export interface ReadTimes {
  readonly name: string;
  readonly ms: number[];
  /** Responses other than 200, with the first one's status and text. */
  readonly failures: number;
  readonly firstFailure?: string;
}

/** The dashboard's and the status page's main reads, over random sites and checks with history. */
export function scaleReads(targets: { checks: readonly string[]; sites: readonly { uuid: string; slug: string }[] }): ReadKind[] {
  const check = (i: number) => targets.checks[i % targets.checks.length];
  const site = (i: number) => targets.sites[i % targets.sites.length];
  return [
    { name: 'site list (GET /api/v1/sites, 100)', authorized: true, path: () => '/api/v1/sites?limit=100' },
    { name: "a site's checks (GET /api/v1/checks?site_id, 100)", authorized: true, path: (i) => `/api/v1/checks?site_id=${site(i).uuid}&limit=100` },
    { name: "a check's rollups by day, 30 d", authorized: true, path: (i) => `/api/v1/checks/${check(i)}/rollups?granularity=day` },
    { name: "a check's rollups by hour, 24 h", authorized: true, path: (i) => `/api/v1/checks/${check(i)}/rollups?granularity=hour` },
    { name: 'status page (GET /status/:slug)', authorized: false, path: (i) => `/status/${site(i).slug}` },
  ];
}

/** Times `samples` requests of each read, one at a time, against the controller at `baseUrl`. */
export async function timeReads(baseUrl: string, authorization: string, kinds: readonly ReadKind[], samples: number): Promise<ReadTimes[]> {
  const times: ReadTimes[] = [];
  for (const kind of kinds) {
    const ms: number[] = [];
    let failures = 0;
    let firstFailure: string | undefined;
    for (let i = 0; i < samples; i++) {
      const start = performance.now();
      const response = await fetch(new URL(kind.path(i), baseUrl), { headers: kind.authorized ? { authorization } : {} });
      const text = await response.text();
      ms.push(performance.now() - start);
      if (response.status !== 200) {
        failures++;
        firstFailure ??= `${response.status} ${text.slice(0, 200)}`;
      }
    }
    times.push({ name: kind.name, ms, failures, firstFailure });
  }
  return times;
}
