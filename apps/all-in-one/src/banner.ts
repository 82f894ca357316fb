import type { AdminKeyOutcome } from '@vigil/controller';

/** The CLI's own default (apps/cli VIGIL_URL): a command that needs no VIGIL_URL says none. */
const CLI_DEFAULT_URL = 'http://127.0.0.1:8080';
const DEFAULT_DATA_DIR = './.data';

export interface BannerFacts {
  host: string;
  port: number;
  /** Unset: embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  adminKey: AdminKeyOutcome;
  /** `$VIGIL_DATA_DIR/admin.key` when that file exists (the CLI reads its key from there). */
  keyFile?: string;
  /** The demo site's slug, when VIGIL_DEMO seeded one. */
  demoSite?: string;
}

/** Where a person on this machine reaches a server listening on `host` (every interface: localhost). */
export function localBaseUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' || host === '[::]' ? 'localhost' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

function adminKeyLine(facts: BannerFacts): string {
  const outcome = facts.adminKey;
  switch (outcome.action) {
    case 'generated':
      return `${outcome.key}  (shown this once; also in ${outcome.keyFile})`;
    case 'seeded':
    case 'present':
      return 'the one in VIGIL_ADMIN_KEY';
    case 'none':
      return facts.keyFile !== undefined
        ? `in ${facts.keyFile}`
        : 'made at first start, not shown again; lost? stop Vigil, then: npm run vigil -- admin-key create';
  }
}

/** `npm run vigil -- runners create`, with what the CLI needs to find this instance and an admin key. */
function addRunnerCommand(facts: BannerFacts, baseUrl: string): string {
  const env: string[] = [];
  const cliUrl = facts.host === '0.0.0.0' && facts.port === 8080 ? CLI_DEFAULT_URL : baseUrl;
  if (cliUrl !== CLI_DEFAULT_URL) env.push(`VIGIL_URL=${cliUrl}`);
  const action = facts.adminKey.action;
  if (action === 'seeded' || action === 'present') env.push('VIGIL_API_KEY=$VIGIL_ADMIN_KEY');
  else if (facts.keyFile === undefined && action === 'none') env.push('VIGIL_API_KEY=<an admin key>');
  else if (facts.dataDir !== DEFAULT_DATA_DIR) env.push(`VIGIL_DATA_DIR=${facts.dataDir}`);
  return [...env, 'npm run vigil -- runners create <slug>'].join(' ');
}

/**
 * What `npm start` prints once it serves: where to look, how to get in, how to add a runner.
 * A few plain lines on stdout whatever LOG_FORMAT says: they are for the person at the terminal.
 */
export function bannerText(facts: BannerFacts): string {
  const base = localBaseUrl(facts.host, facts.port);
  const database = facts.databaseUrl === undefined ? `embedded database in ${facts.dataDir}` : 'PostgreSQL';
  const statusPage = facts.demoSite !== undefined ? `${base}/status/${facts.demoSite}` : `${base}/status/<site-slug>  (sites with a public status page)`;
  const lines = [
    '',
    `  Vigil is running (${database}). Ctrl-C stops it.`,
    '',
    `  Dashboard       ${base}/`,
    `  Status page     ${statusPage}`,
    `  Admin API key   ${adminKeyLine(facts)}`,
    `  Add a runner    ${addRunnerCommand(facts, base)}`,
    `                  (prints the VIGIL_* variables to start that runner with: npm run start:runner)`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}
