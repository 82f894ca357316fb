// Test helper: certificates made with the openssl CLI (OpenSSL 3.0 or later) in a temporary
// directory. `openssl ca` takes any start and end date, so expired and not-yet-valid
// certificates can be issued as easily as valid ones.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate. */
  cert: string;
}

export interface CertificateOptions {
  commonName?: string;
  /** subjectAltName entries in openssl syntax; default `DNS:localhost`, `IP:127.0.0.1`, `IP:::1`. */
  altNames?: string[];
  notBefore?: Date;
  notAfter: Date;
}

export interface TestPki {
  /** The test CA's certificate (PEM): trust it to make `issue`'s certificates valid. */
  ca: string;
  /** A leaf certificate signed by the test CA. */
  issue(options: CertificateOptions): TestCertificate;
  /** A self-signed leaf certificate (no CA will vouch for it). */
  selfSigned(options: CertificateOptions): TestCertificate;
  /** Removes the temporary directory. */
  dispose(): void;
}

const DAY_MS = 86_400_000;

/** A date `days` days from now (negative: in the past). */
export function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * DAY_MS);
}

/** `YYYYMMDDHHMMSSZ`, the GeneralizedTime that `openssl ca -startdate/-enddate` takes. */
function opensslTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-test-pki-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const newKeyArgs = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  let count = 0;

  writeFileSync(file('index.txt'), '');
  writeFileSync(file('serial'), '1000\n');
  writeFileSync(
    file('ca.cnf'),
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${file('index.txt')}`,
      `new_certs_dir = ${dir}`,
      `serial = ${file('serial')}`,
      'default_md = sha256',
      'policy = any_policy',
      'unique_subject = no',
      '[any_policy]',
      'commonName = supplied',
      'organizationName = optional',
      '',
    ].join('\n'),
  );
  openssl(
    'req', '-x509', ...newKeyArgs, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650',
    '-subj', '/CN=Vigil Test CA/O=Vigil Tests',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  );

  const extensions = (altNames: string[]) => {
    const name = `ext-${count}.cnf`;
    writeFileSync(file(name), `[leaf]\nbasicConstraints = CA:FALSE\nsubjectAltName = ${altNames.join(',')}\n`);
    return name;
  };
  const defaults = (options: CertificateOptions) => ({
    commonName: options.commonName ?? 'localhost',
    altNames: options.altNames ?? ['DNS:localhost', 'IP:127.0.0.1', 'IP:::1'],
    notBefore: options.notBefore ?? daysFromNow(-1),
    notAfter: options.notAfter,
  });

  return {
    ca: readFileSync(file('ca.pem'), 'utf8'),
    issue(options) {
      const { commonName, altNames, notBefore, notAfter } = defaults(options);
      const id = ++count;
      openssl('req', '-new', ...newKeyArgs, '-keyout', `leaf-${id}.key`, '-out', `leaf-${id}.csr`, '-subj', `/CN=${commonName}/O=Vigil Tests`);
      openssl(
        'ca', '-config', 'ca.cnf', '-batch', '-notext', '-cert', 'ca.pem', '-keyfile', 'ca.key',
        '-in', `leaf-${id}.csr`, '-out', `leaf-${id}.pem`,
        '-startdate', opensslTime(notBefore), '-enddate', opensslTime(notAfter),
        '-extfile', extensions(altNames), '-extensions', 'leaf',
      );
      return { key: readFileSync(file(`leaf-${id}.key`), 'utf8'), cert: readFileSync(file(`leaf-${id}.pem`), 'utf8') };
    },
    selfSigned(options) {
      const { commonName, altNames, notBefore, notAfter } = defaults(options);
      const id = ++count;
      // A self-signed certificate is its own CA: `openssl ca -selfsign` signs the request with its own key.
      openssl('req', '-new', ...newKeyArgs, '-keyout', `self-${id}.key`, '-out', `self-${id}.csr`, '-subj', `/CN=${commonName}`);
      openssl(
        'ca', '-config', 'ca.cnf', '-batch', '-notext', '-selfsign', '-keyfile', `self-${id}.key`,
        '-in', `self-${id}.csr`, '-out', `self-${id}.pem`,
        '-startdate', opensslTime(notBefore), '-enddate', opensslTime(notAfter),
        '-extfile', extensions(altNames), '-extensions', 'leaf',
      );
      return { key: readFileSync(file(`self-${id}.key`), 'utf8'), cert: readFileSync(file(`self-${id}.pem`), 'utf8') };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
