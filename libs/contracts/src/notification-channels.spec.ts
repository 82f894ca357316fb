import {
  CHANNEL_CONFIG_SCHEMAS,
  CHANNEL_TYPES,
  CreateNotificationChannelBody,
  EmailChannelConfigSchema,
  PagerDutyChannelConfigSchema,
  SlackChannelConfigSchema,
  WebhookChannelConfigSchema,
} from './notification-channels';

const pathsOf = (result: { error?: { issues: Array<{ path: PropertyKey[] }> } }) => result.error?.issues.map((issue) => issue.path.join('.'));

describe('the notification channel contracts', () => {
  it('have a config schema for every channel type', () => {
    expect(Object.keys(CHANNEL_CONFIG_SCHEMAS).sort()).toEqual([...CHANNEL_TYPES].sort());
  });

  it('accept an http or https webhook with a long enough secret and a few headers', () => {
    expect(WebhookChannelConfigSchema.safeParse({ url: 'http://127.0.0.1:9000/hook' }).success).toBe(true);
    expect(WebhookChannelConfigSchema.safeParse({ url: 'https://x.example', secret: 'x'.repeat(16), headers: { 'X-Env': 'prod' } }).success).toBe(true);
    expect(pathsOf(WebhookChannelConfigSchema.safeParse({ url: 'file:///etc/passwd' }))).toEqual(['url']);
    expect(pathsOf(WebhookChannelConfigSchema.safeParse({ url: 'https://x.example', secret: 'x'.repeat(15) }))).toEqual(['secret']);
  });

  it('refuse webhook headers the notifier sets, and header values that would split a request', () => {
    expect(pathsOf(WebhookChannelConfigSchema.safeParse({ url: 'https://x.example', headers: { 'Content-Type': 'text/plain' } }))).toEqual([
      'headers.Content-Type',
    ]);
    expect(pathsOf(WebhookChannelConfigSchema.safeParse({ url: 'https://x.example', headers: { 'X-A': 'a\r\nHost: evil' } }))).toEqual(['headers.X-A']);
  });

  it('accept at most 20 webhook headers', () => {
    const headers = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-H${i}`, 'v']));
    expect(WebhookChannelConfigSchema.safeParse({ url: 'https://x.example', headers: headers(20) }).success).toBe(true);
    expect(WebhookChannelConfigSchema.safeParse({ url: 'https://x.example', headers: headers(21) }).success).toBe(false);
  });

  it('want slack over https, email with 1 to 20 recipients, a 32-character pagerduty key', () => {
    expect(SlackChannelConfigSchema.safeParse({ webhook_url: 'http://hooks.slack.com/x' }).success).toBe(false);
    expect(EmailChannelConfigSchema.safeParse({ to: Array.from({ length: 21 }, (_, i) => `u${i}@example.com`) }).success).toBe(false);
    expect(EmailChannelConfigSchema.safeParse({ to: ['a@example.com'], smtp: { host: 'smtp', port: 587, secure: false } }).success).toBe(true);
    expect(PagerDutyChannelConfigSchema.safeParse({ routing_key: 'k'.repeat(32) }).success).toBe(true);
    expect(PagerDutyChannelConfigSchema.safeParse({ routing_key: 'k'.repeat(31) }).success).toBe(false);
  });

  it('validate the config by the type sent, with defaults for the other fields', () => {
    expect(CreateNotificationChannelBody.parse({ name: 'pd', type: 'pagerduty', config: { routing_key: 'k'.repeat(32) } })).toEqual({
      name: 'pd',
      type: 'pagerduty',
      config: { routing_key: 'k'.repeat(32) },
      site_ids: [],
      notify_on_seems_down: false,
      notify_on_degraded: true,
      reminder_minutes: null,
      enabled: true,
    });
    expect(CreateNotificationChannelBody.parse({ name: 'pd', type: 'pagerduty', config: { routing_key: 'k'.repeat(32) }, notify_on_degraded: false }).notify_on_degraded).toBe(false);
    expect(pathsOf(CreateNotificationChannelBody.safeParse({ name: 's', type: 'slack', config: { routing_key: 'k'.repeat(32) } }))).toEqual([
      'config.webhook_url',
      'config',
    ]);
  });
});
