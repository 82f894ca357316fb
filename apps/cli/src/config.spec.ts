import { ConfigError } from '@vigil/config';
import { readApiConfig, readDatabaseConfig } from './config';

describe('the CLI configuration', () => {
  it('calls the controller on 127.0.0.1:8080 with no key when nothing is set', () => {
    expect(readApiConfig({})).toEqual({ VIGIL_URL: 'http://127.0.0.1:8080', VIGIL_API_KEY: undefined, VIGIL_DATA_DIR: './.data' });
  });

  it('reads the controller URL without its trailing slash, and the key', () => {
    expect(readApiConfig({ VIGIL_URL: 'https://vigil.example.com/', VIGIL_API_KEY: 'vk_abc' })).toMatchObject({
      VIGIL_URL: 'https://vigil.example.com',
      VIGIL_API_KEY: 'vk_abc',
    });
  });

  it('stops at a VIGIL_URL that is not http(s), naming it', () => {
    expect(() => readApiConfig({ VIGIL_URL: 'ftp://vigil' })).toThrow(new ConfigError(['VIGIL_URL must be an http:// or https:// URL (got "ftp://vigil")']));
  });

  it('opens the embedded database, migrating it, unless DATABASE_URL names PostgreSQL', () => {
    expect(readDatabaseConfig({ VIGIL_DATA_DIR: '/var/lib/vigil' })).toEqual({ DATABASE_URL: undefined, VIGIL_MIGRATE: 'auto', VIGIL_DATA_DIR: '/var/lib/vigil' });
    expect(readDatabaseConfig({ DATABASE_URL: 'postgres://vigil@db/vigil' })).toMatchObject({ DATABASE_URL: 'postgres://vigil@db/vigil', VIGIL_MIGRATE: 'off' });
  });

  it('reads only what the command needs: a bad DATABASE_URL does not stop API commands', () => {
    expect(() => readApiConfig({ DATABASE_URL: 'mysql://db' })).not.toThrow();
    expect(() => readDatabaseConfig({ VIGIL_URL: 'not a url' })).not.toThrow();
  });
});
