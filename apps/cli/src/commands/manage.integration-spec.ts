import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { bareKey, cliWith, listen, type Listening, type RunCli } from '../test-helpers';

// The create, update and delete commands against a real controller. PGlite only: what is
// tested is the CLI's mapping to the API, not the database's semantics.
describe('vigil sites, checks, channels and maintenance create, update and delete', () => {
  let harness: ControllerHarness;
  let server: Listening;
  let vigil: RunCli;
  let dir: string;

  /** Runs `argv` with --json and answers the parsed stdout; fails with stderr when it did not exit 0. */
  const json = async <T = Record<string, unknown>>(argv: string[]): Promise<T> => {
    const { code, stdout, stderr } = await vigil([...argv, '--json']);
    if (code !== 0) throw new Error(`vigil ${argv.join(' ')} exited ${code}: ${stderr}`);
    return JSON.parse(stdout) as T;
  };

  beforeAll(async () => {
    harness = await createControllerHarness('embedded');
    server = await listen(harness.app);
    vigil = cliWith({ VIGIL_URL: server.url, VIGIL_API_KEY: bareKey(harness.admin) });
    await harness.addRunner('us-1');
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-manage-'));
  });
  afterAll(async () => {
    await server.close();
    await harness.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('sites', () => {
    it('creates a site with a slug from its name, changes it, and says what it did', async () => {
      const created = await vigil(['sites', 'create', 'Shop (EU)', '--public-status-page']);
      expect(created).toEqual({ code: 0, stdout: expect.stringMatching(/^Created site "shop-eu" \(Shop \(EU\), public status page: yes\), id [0-9a-f-]{36}\.\n$/), stderr: '' });

      const changed = await json(['sites', 'update', 'shop-eu', '--name', 'Shop', '--slug', 'shop', '--no-public-status-page']);
      expect(changed).toMatchObject({ name: 'Shop', slug: 'shop', public_status_page: false, archived_at: null });
      const [listed] = await json<Array<{ slug: string }>>(['sites', 'list']);
      expect(listed).toMatchObject({ slug: 'shop', name: 'Shop' });
    });

    it("shows the API's message for bad input, and refuses an update that changes nothing", async () => {
      await json(['sites', 'create', 'Taken', '--slug', 'taken']);
      const duplicate = await vigil(['sites', 'create', 'Again', '--slug', 'taken']);
      expect(duplicate).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^vigil: 409 [a-z_]+: .*taken.*\n$/) });
      const badSlug = await vigil(['sites', 'update', 'taken', '--slug', 'Not A Slug']);
      expect(badSlug).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^vigil: 422 validation_failed: .*slug.*\n$/) });
      const nothing = await vigil(['sites', 'update', 'taken']);
      expect(nothing.code).toBe(2);
      expect(nothing.stderr).toMatch(/^vigil: nothing to change: give at least one of --name, --slug, --public-status-page, --slo, --slo-window\n\nUsage: vigil sites update <site> \[flags\]\n/);
    });

    it('sets an SLO with --slo and --slo-window, shows it with sites slo, and removes it with --slo none', async () => {
      await json(['sites', 'create', 'Objective', '--slug', 'objective', '--slo', '99.5']);
      const changed = await json(['sites', 'update', 'objective', '--slo', '99.9', '--slo-window', '7']);
      expect(changed).toMatchObject({ slo_target_pct: 99.9, slo_window_days: 7 });
      const shown = await vigil(['sites', 'slo', 'objective']);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain('Objective:    99.9% over 7 days');
      expect(shown.stdout).toMatch(/Error budget: 0\.0 min; used 0\.0 min; left 0\.0 min \(n\/a\)/);
      expect(shown.stdout).toContain('Burn rates:   5m n/a, 30m n/a, 1h n/a, 6h n/a, 3d n/a');
      expect(shown.stdout).toContain('fast burn: above 14.4x over 14 min');
      expect(shown.stdout).toContain('Burn alert:   none open');
      expect(await json(['sites', 'slo', 'objective'])).toMatchObject({ target_pct: 99.9, window_days: 7, burning: false, alert: null });

      const bad = await vigil(['sites', 'update', 'objective', '--slo', '100']);
      expect(bad).toMatchObject({ code: 1, stdout: '' });
      expect(bad.stderr).toContain('strictly between 0 and 100');
      const typo = await vigil(['sites', 'update', 'objective', '--slo', 'high']);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain('--slo must be a percentage such as 99.9, or none');

      expect(await json(['sites', 'update', 'objective', '--slo', 'none'])).toMatchObject({ slo_target_pct: null, slo_window_days: 7 });
      expect((await vigil(['sites', 'slo', 'objective'])).stdout).toContain('No objective (set one with --slo); window 7 days');
    });

    it('archives a site on delete, restores it, and purges an archived one with --purge', async () => {
      const site = await json<{ id: string }>(['sites', 'create', 'Old', '--slug', 'old']);
      const archived = await vigil(['sites', 'delete', 'old']);
      expect(archived).toEqual({ code: 0, stdout: 'Archived site "old"; vigil sites restore old brings it back.\n', stderr: '' });
      expect(await json<Array<{ slug: string }>>(['sites', 'list', '--archived'])).toEqual([expect.objectContaining({ slug: 'old', id: site.id })]);

      expect(await json(['sites', 'restore', 'old'])).toMatchObject({ id: site.id, archived_at: null });
      expect(await json(['sites', 'delete', site.id])).toEqual({ id: site.id, archived: true });
      expect(await json(['sites', 'delete', 'old', '--purge'])).toEqual({ id: site.id, purged: true });
      expect(await json(['sites', 'list', '--archived'])).toEqual([]);
      expect(await vigil(['sites', 'delete', 'old'])).toEqual({ code: 1, stdout: '', stderr: 'vigil: no site has the slug "old"\n' });
    });
  });

  describe('checks', () => {
    let siteId: string;
    beforeAll(async () => {
      siteId = (await json<{ id: string }>(['sites', 'create', 'Checked'])).id;
    });

    it('creates a check on a site with the settings given and the API defaults for the rest', async () => {
      const check = await json([
        'checks', 'create', 'http', 'https://checked.example.com/', '--site', 'checked',
        '--name', 'Home', '--interval-s', '30', '--locations', 'us-1,@controller', '--failing-locations-threshold', '1', '--spec', '{"method":"HEAD"}',
      ]);
      expect(check).toMatchObject({
        site_id: siteId,
        type: 'http',
        name: 'Home',
        target: 'https://checked.example.com/',
        interval_s: 30,
        timeout_ms: 10_000,
        locations: ['us-1', '@controller'],
        failing_locations_threshold: 1,
        spec: expect.objectContaining({ method: 'HEAD' }),
        enabled: true,
      });
      const text = await vigil(['checks', 'create', 'tcp', 'db.example.com:5432', '--site', siteId, '--no-enabled']);
      expect(text).toEqual({ code: 0, stdout: expect.stringMatching(/^Created check [0-9a-f-]{36}: tcp db\.example\.com:5432 every 60s at all, disabled\.\n$/), stderr: '' });
    });

    it('changes only the settings given, and deletes a check', async () => {
      const { id } = await json<{ id: string }>(['checks', 'create', 'dns', 'changed.example.com', '--site', 'checked', '--interval-s', '120']);
      const changed = await json(['checks', 'update', id, '--timeout-ms', '5000', '--locations', '', '--no-enabled', '--degraded-latency-ms', '800']);
      expect(changed).toMatchObject({ id, interval_s: 120, timeout_ms: 5000, locations: [], enabled: false, degraded_latency_ms: 800 });
      expect(await json(['checks', 'update', id, '--degraded-latency-ms', 'off'])).toMatchObject({ id, degraded_latency_ms: null, timeout_ms: 5000 });
      expect(await vigil(['checks', 'delete', id])).toEqual({ code: 0, stdout: `Deleted check ${id}.\n`, stderr: '' });
      const left = await json<Array<{ id: string }>>(['checks', 'list', '--site', 'checked']);
      expect(left.map((check) => check.id)).not.toContain(id);
    });

    it('opts a check in and out of the Prometheus series with --export-metrics, and checks show says which', async () => {
      const created = await json<{ id: string; export_metrics: boolean }>(['checks', 'create', 'http', 'https://metered.example.com/', '--site', 'checked', '--export-metrics']);
      expect(created.export_metrics).toBe(true);
      const shown = await vigil(['checks', 'show', created.id]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/^export metrics: +yes$/m);
      expect(shown.stdout).toMatch(new RegExp(`^id: +${created.id}$`, 'm'));
      expect(await json(['checks', 'update', created.id, '--no-export-metrics'])).toMatchObject({ id: created.id, export_metrics: false });
      expect((await vigil(['checks', 'show', created.id])).stdout).toMatch(/^export metrics: +no$/m);
      expect(await json(['checks', 'show', created.id])).toMatchObject({ id: created.id, export_metrics: false, target: 'https://metered.example.com/' });
      // Left out, it stays as it is.
      expect(await json(['checks', 'update', created.id, '--name', 'Metered'])).toMatchObject({ export_metrics: false });
      await json(['checks', 'delete', created.id]);
    });

    it("shows the API's message for a bad type, target or setting, and refuses malformed flags itself", async () => {
      const badType = await vigil(['checks', 'create', 'ftp', 'ftp://x', '--site', 'checked']);
      expect(badType).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^vigil: 422 validation_failed: .*type.*http, tcp, dns, tls_cert, icmp.*\n$/) });
      const tooFast = await vigil(['checks', 'create', 'http', 'https://x.example.com/', '--site', 'checked', '--interval-s', '1']);
      expect(tooFast).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^vigil: 422 validation_failed: .*interval_s.*\n$/) });
      for (const [argv, message] of [
        [['checks', 'create', 'http', 'https://x.example.com/'], 'missing --site'],
        [['checks', 'create', 'http', 'https://x.example.com/', '--site', 'checked', '--interval-s', 'often'], '--interval-s must be a whole number (got "often")'],
        [['checks', 'create', 'http', 'https://x.example.com/', '--site', 'checked', '--spec', '{method'], expect.stringMatching(/^--spec must be a JSON object/)],
        [['checks', 'update', 'not-an-id', '--name', 'x'], '<id> must be a check id (a UUID; got "not-an-id")'],
      ] as const) {
        const { code, stdout, stderr } = await vigil([...argv]);
        expect({ argv, code, stdout, message: stderr.split('\n')[0].replace(/^vigil: /, '') }).toEqual({ argv, code: 2, stdout: '', message });
      }
    });
  });

  describe('channels', () => {
    const token = 'hook-token-0123456789abcdef';
    const routingKey = 'abcdefghijklmnopqrstuvwxyz012345';

    it('creates a channel from a config file and never prints its secrets', async () => {
      const site = await json<{ id: string }>(['sites', 'create', 'Notified']);
      const config = join(dir, 'webhook.json');
      writeFileSync(config, JSON.stringify({ url: `http://127.0.0.1:9/hooks/${token}?key=${token}`, secret: `whsec-${token}` }));
      const created = await vigil(['channels', 'create', 'webhook', '--name', 'Ops hook', '--config', `@${config}`, '--sites', 'notified', '--reminder-minutes', '30', '--json']);
      expect(created.code).toBe(0);
      expect(created.stdout).not.toContain(token);
      const channel = JSON.parse(created.stdout) as Record<string, unknown>;
      expect(channel).toMatchObject({ name: 'Ops hook', type: 'webhook', site_ids: [site.id], reminder_minutes: 30, enabled: true, config: { url: 'http://127.0.0.1:9/••••' } });

      const pager = await vigil(['channels', 'create', 'pagerduty', '--name', 'Pager', '--config', JSON.stringify({ routing_key: routingKey })]);
      expect(pager).toEqual({ code: 0, stdout: expect.stringMatching(/^Created pagerduty channel "Pager" for every site, id [0-9a-f-]{36}\.\n$/), stderr: '' });
      const listed = await vigil(['channels', 'list', '--json']);
      expect(listed.stdout).not.toContain(token);
      expect(listed.stdout).not.toContain(routingKey);
      expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((row) => row.name)).toEqual(['Pager', 'Ops hook']);
      const table = await vigil(['channels', 'list']);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID +NAME +TYPE +SITES +SEEMS DOWN +DEGRADED +REMINDER +ENABLED$/);
    });

    it('changes a channel, keeping the secrets it is not given, and deletes it', async () => {
      const { id } = await json<{ id: string }>(['channels', 'create', 'slack', '--name', 'Chat', '--config', JSON.stringify({ webhook_url: `https://hooks.slack.example.com/services/${token}` })]);
      const changed = await vigil(['channels', 'update', id, '--name', 'Chat room', '--notify-on-seems-down', '--no-notify-on-degraded', '--reminder-minutes', 'off', '--no-enabled', '--json']);
      expect(changed.code).toBe(0);
      expect(changed.stdout).not.toContain(token);
      // The mask ends with the stored URL's last characters: the update kept it.
      expect(JSON.parse(changed.stdout)).toMatchObject({ id, name: 'Chat room', notify_on_seems_down: true, notify_on_degraded: false, reminder_minutes: null, enabled: false, config: { webhook_url: '••••cdef' } });

      expect(await json(['channels', 'delete', id])).toEqual({ id, deleted: true });
      expect(await vigil(['channels', 'delete', id])).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^vigil: 404 not_found: /) });
    });

    it("shows the API's message for a bad config", async () => {
      const bad = await vigil(['channels', 'create', 'slack', '--name', 'Chat', '--config', '{"webhook_url":"http://not-https.example.com/"}']);
      expect(bad).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^vigil: 422 validation_failed: .*webhook_url.*\n$/) });
      const missing = await vigil(['channels', 'create', 'slack', '--name', 'Chat']);
      expect(missing.code).toBe(2);
      expect(missing.stderr.split('\n')[0]).toBe('vigil: missing --config');
    });
  });

  describe('maintenance', () => {
    it('schedules maintenance of a site from now, lists it as active, and deletes it', async () => {
      const site = await json<{ id: string }>(['sites', 'create', 'Maintained']);
      const before = Date.now();
      const window = await json<{ id: string; starts_at: string; ends_at: string }>([
        'maintenance', 'create', '--site', 'maintained', '--starts-at', 'now', '--ends-at', '+2h', '--reason', 'database upgrade',
      ]);
      expect(window).toMatchObject({ site_id: site.id, check_id: null, reason: 'database upgrade', active: true });
      expect(Date.parse(window.ends_at) - Date.parse(window.starts_at)).toBe(2 * 3600_000);
      expect(Date.parse(window.starts_at)).toBeGreaterThanOrEqual(before - 1000);

      const listed = await vigil(['maintenance', 'list', '--site', 'maintained', '--active']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`^${window.id} +maintained +all +\\S+ +\\S+ +- +yes +database upgrade$`, 'm'));
      expect(await vigil(['maintenance', 'delete', window.id])).toEqual({ code: 0, stdout: `Deleted maintenance window ${window.id}.\n`, stderr: '' });
      expect(await json(['maintenance', 'list', '--site', 'maintained'])).toEqual([]);
    });

    it('schedules maintenance of one check at given times, and reports bad times', async () => {
      await json(['sites', 'create', 'Later']);
      const check = await json<{ id: string }>(['checks', 'create', 'tcp', 'later.example.com:443', '--site', 'later']);
      const scheduled = await vigil(['maintenance', 'create', '--site', 'later', '--check', check.id, '--starts-at', '2030-01-01T00:00:00Z', '--ends-at', '2030-01-01T01:00:00+01:00']);
      expect(scheduled.code).toBe(1);
      expect(scheduled.stderr).toMatch(/^vigil: 422 validation_failed: .*ends_at.*after starts_at.*\n$/);
      const ok = await json(['maintenance', 'create', '--site', 'later', '--check', check.id, '--starts-at', '2030-01-01T00:00:00Z', '--ends-at', '+1d']);
      expect(ok).toMatchObject({ check_id: check.id, starts_at: '2030-01-01T00:00:00.000Z', ends_at: '2030-01-02T00:00:00.000Z', active: false });
      const noZone = await vigil(['maintenance', 'create', '--site', 'later', '--starts-at', '2030-01-01T00:00:00', '--ends-at', '+1h']);
      expect(noZone.code).toBe(2);
      expect(noZone.stderr.split('\n')[0]).toMatch(/^vigil: --starts-at must be "now", a time with its zone/);
    });

    it('changes only the fields given: times (relative to the stored start), scope and reason, and says what it did', async () => {
      await json(['sites', 'create', 'Moved']);
      const check = await json<{ id: string }>(['checks', 'create', 'tcp', 'moved.example.com:443', '--site', 'moved']);
      type Window = { id: string; site_id: string; check_id: string | null; starts_at: string; ends_at: string; reason: string | null };
      const window = await json<Window>(['maintenance', 'create', '--site', 'moved', '--starts-at', '2030-03-01T10:00:00Z', '--ends-at', '+1h', '--reason', 'firmware']);

      const later = await json<Window>(['maintenance', 'update', window.id, '--ends-at', '+3h']);
      expect(later).toMatchObject({ id: window.id, starts_at: '2030-03-01T10:00:00.000Z', ends_at: '2030-03-01T13:00:00.000Z', reason: 'firmware' });
      const moved = await json<Window>(['maintenance', 'update', window.id, '--starts-at', '2030-03-02T10:00:00+01:00', '--ends-at', '+30m', '--check', check.id]);
      expect(moved).toMatchObject({ starts_at: '2030-03-02T09:00:00.000Z', ends_at: '2030-03-02T09:30:00.000Z', check_id: check.id, reason: 'firmware' });

      const said = await vigil(['maintenance', 'update', window.id, '--check', 'all', '--reason', '']);
      expect(said).toEqual({ code: 0, stdout: `Changed maintenance of site moved from 2030-03-02T09:00:00Z to 2030-03-02T09:30:00Z, id ${window.id}.\n`, stderr: '' });
      expect(await json(['maintenance', 'list', '--site', 'moved'])).toEqual([expect.objectContaining({ id: window.id, check_id: null, reason: null })]);

      const backwards = await vigil(['maintenance', 'update', window.id, '--ends-at', '2030-03-01T00:00:00Z']);
      expect(backwards.code).toBe(1);
      expect(backwards.stderr).toMatch(/^vigil: 422 validation_failed: .*ends_at.*after starts_at.*\n$/);
      const nothing = await vigil(['maintenance', 'update', window.id]);
      expect([nothing.code, nothing.stderr.split('\n')[0]]).toEqual([2, 'vigil: nothing to change: give at least one of --site, --check, --starts-at, --ends-at, --reason, --rrule, --timezone, --duration']);
      const badCheck = await vigil(['maintenance', 'update', window.id, '--check', 'some']);
      expect([badCheck.code, badCheck.stderr.split('\n')[0]]).toEqual([2, 'vigil: --check must be a check id (a UUID, or "all" for the whole site; got "some")']);
      const unknown = await vigil(['maintenance', 'update', '0b9f8a5e-0000-4000-8000-000000000000', '--reason', 'x']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^vigil: 404 /);
    });

    it('schedules a recurring window, lists its rule, changes it, makes it one-off, and relays the API\'s refusals', async () => {
      await json(['sites', 'create', 'Weekly']);
      type Window = { id: string; starts_at: string; ends_at: string; rrule: string | null; timezone: string | null; duration_s: number | null };
      const created = await vigil([
        'maintenance', 'create', '--site', 'weekly', '--starts-at', '2030-03-24T02:30:00+01:00', '--timezone', 'Europe/Paris',
        '--rrule', 'FREQ=WEEKLY;BYDAY=SU;COUNT=3', '--duration', '1h',
      ]);
      const id = /id ([0-9a-f-]{36})\.$/m.exec(created.stdout)?.[1] ?? '';
      expect(created).toEqual({
        code: 0,
        stdout: `Scheduled maintenance of site weekly FREQ=WEEKLY;BYDAY=SU;COUNT=3 (Europe/Paris, 3600 s each) from 2030-03-24T01:30:00Z, next 2030-03-24T01:30:00Z, id ${id}.\n`,
        stderr: '',
      });
      const listed = await vigil(['maintenance', 'list', '--site', 'weekly']);
      expect(listed.stdout).toMatch(new RegExp(`^${id} +weekly +all +2030-03-24T01:30:00Z +2030-04-14T01:30:00Z +FREQ=WEEKLY;BYDAY=SU;COUNT=3 Europe/Paris 3600s +no +-$`, 'm'));

      const longer = await json<Window>(['maintenance', 'update', id, '--rrule', 'FREQ=WEEKLY;BYDAY=SU;COUNT=4', '--duration', '30m']);
      expect(longer).toMatchObject({ rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=4', duration_s: 1800, ends_at: '2030-04-21T01:00:00.000Z' });
      const oneOff = await json<Window>(['maintenance', 'update', id, '--rrule', 'none', '--ends-at', '+2h']);
      expect(oneOff).toMatchObject({ rrule: null, timezone: null, duration_s: null, ends_at: '2030-03-24T03:30:00.000Z' });

      const endless = await json<Window>(['maintenance', 'create', '--site', 'weekly', '--starts-at', '2030-03-25T04:00:00Z', '--timezone', 'UTC', '--rrule', 'FREQ=DAILY', '--duration', '1h']);
      expect(endless).toMatchObject({ rrule: 'FREQ=DAILY', ends_at: null });
      const forever = await vigil(['maintenance', 'list', '--site', 'weekly']);
      expect(forever.stdout).toMatch(new RegExp(`^${endless.id} +weekly +all +2030-03-25T04:00:00Z +- +FREQ=DAILY UTC 3600s +no +-$`, 'm'));
      const bad = await vigil(['maintenance', 'create', '--site', 'weekly', '--starts-at', 'now', '--timezone', 'UTC', '--rrule', 'FREQ=DAILY;COUNT=9000', '--duration', '1h']);
      expect(bad).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^vigil: 422 validation_failed: .*rrule.*omit both for a series that goes on.*\n$/) });
      const both = await vigil(['maintenance', 'create', '--site', 'weekly', '--starts-at', 'now', '--ends-at', '+1h', '--rrule', 'FREQ=DAILY;COUNT=2']);
      expect([both.code, both.stderr.split('\n')[0]]).toEqual([2, 'vigil: --ends-at is not for a recurring window: it ends with its last occurrence']);
      const neither = await vigil(['maintenance', 'create', '--site', 'weekly', '--starts-at', 'now']);
      expect([neither.code, neither.stderr.split('\n')[0]]).toEqual([2, 'vigil: give --ends-at, or --rrule with --timezone and --duration for a recurring window']);
      const badLength = await vigil(['maintenance', 'update', id, '--duration', 'an hour']);
      expect([badLength.code, badLength.stderr.split('\n')[0]]).toEqual([2, 'vigil: --duration must be N[s|m|h|d], such as 90m or 2h (got "an hour")']);
    });
  });
});
