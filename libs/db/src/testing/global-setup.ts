// Jest globalSetup (jest.preset.cjs): migrates the PostgreSQL template and the PGlite snapshot once
// per run, before the test files, which then copy them. A failure here is only reported: each
// spec that needs them makes them itself and fails with the reason there, not in every project.
import { prepareTestDatabases } from './template';
import { testDatabaseUrl } from './index';

export default async function globalSetup(): Promise<void> {
  try {
    await prepareTestDatabases(testDatabaseUrl());
  } catch (error) {
    console.warn(`test databases not prepared ahead: ${(error as Error).message}`);
  }
}
