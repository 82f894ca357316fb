import { normalizeCheckTarget, parseHostPort } from './check-targets';

describe('check targets', () => {
  const normalized = (type: Parameters<typeof normalizeCheckTarget>[0], target: string) => {
    const result = normalizeCheckTarget(type, target);
    return result.ok ? result.target : undefined;
  };

  it('are http(s) URLs for http checks, normalized', () => {
    expect(normalized('http', 'HTTPS://Example.COM')).toBe('https://example.com/');
    expect(normalized('http', 'http://example.com:8080/health?x=1#top')).toBe('http://example.com:8080/health?x=1');
    expect(normalized('http', 'http://[::1]:8080/')).toBe('http://[::1]:8080/');
    for (const target of ['ftp://example.com/', 'example.com', 'https://', 'https://exa mple.com/', 'https://example.com/\n']) {
      expect(normalized('http', target)).toBeUndefined();
    }
  });

  it('are https URLs or host[:port] for tls_cert checks, port 443 by default', () => {
    expect(normalized('tls_cert', 'https://example.com/login')).toBe('https://example.com/login');
    expect(normalized('tls_cert', 'Example.com')).toBe('example.com:443');
    expect(normalized('tls_cert', 'mail.example.com:993')).toBe('mail.example.com:993');
    expect(normalized('tls_cert', '[2001:db8::1]')).toBe('[2001:db8::1]:443');
    expect(normalized('tls_cert', 'http://example.com/')).toBeUndefined();
    expect(normalized('tls_cert', 'example.com:0')).toBeUndefined();
  });

  it('are host:port for tcp checks', () => {
    expect(normalized('tcp', 'DB.example.com:5432')).toBe('db.example.com:5432');
    expect(normalized('tcp', '10.0.0.1:22')).toBe('10.0.0.1:22');
    expect(normalized('tcp', '[2001:DB8::1]:25')).toBe('[2001:db8::1]:25');
    for (const target of ['example.com', 'example.com:65536', '999.1.1.1:80', '[nothex]:80', 'a..b:80', '-a.com:80']) {
      expect(normalized('tcp', target)).toBeUndefined();
    }
  });

  it('are DNS names for dns checks', () => {
    expect(normalized('dns', 'Example.COM.')).toBe('example.com');
    expect(normalized('dns', '_dmarc.example.com')).toBe('_dmarc.example.com');
    for (const target of ['https://example.com/', '1.2.3.4', 'example.com:53', `${'a'.repeat(64)}.com`, '']) {
      expect(normalized('dns', target)).toBeUndefined();
    }
  });

  it('are hosts for icmp checks: names, IPv4 and IPv6 addresses (brackets dropped)', () => {
    expect(normalized('icmp', 'Router.Example.com.')).toBe('router.example.com');
    expect(normalized('icmp', '192.0.2.1')).toBe('192.0.2.1');
    expect(normalized('icmp', '2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(normalized('icmp', '[::1]')).toBe('::1');
    for (const target of ['example.com:80', 'https://example.com/', '999.1.1.1', '[nothex]', '1.2.3', '::1%eth0', '[::1]:80', '']) {
      expect(normalized('icmp', target)).toBeUndefined();
    }
  });

  it('split host and port for the runner', () => {
    expect(parseHostPort('example.com:80')).toEqual({ host: 'example.com', port: 80 });
    expect(parseHostPort('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseHostPort('example.com', 443)).toEqual({ host: 'example.com', port: 443 });
    expect(parseHostPort('example.com')).toBeUndefined();
  });
});
