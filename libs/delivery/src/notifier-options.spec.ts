import { notifierOptionsFrom } from './notifier-service';

describe('notifierOptionsFrom', () => {
  it('passes the SMTP server, sender, PagerDuty URL, attempts and public URL where startNotifier takes them', () => {
    const smtp = { host: 'mail.example.com', port: 587, secure: false };
    expect(
      notifierOptionsFrom({
        VIGIL_SMTP_URL: smtp,
        VIGIL_EMAIL_FROM: 'vigil@example.com',
        VIGIL_PAGERDUTY_EVENTS_URL: 'https://pd.example/v2/enqueue',
        VIGIL_NOTIFY_MAX_ATTEMPTS: 3,
        VIGIL_PUBLIC_URL: 'https://vigil.example.com',
      }),
    ).toEqual({
      context: { smtp, emailFrom: 'vigil@example.com', pagerDutyEventsUrl: 'https://pd.example/v2/enqueue' },
      maxAttempts: 3,
      publicUrl: 'https://vigil.example.com',
    });
  });
});
