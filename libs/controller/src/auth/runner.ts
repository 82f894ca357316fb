import type { Database } from '@vigil/db';
import { HttpError } from '@vigil/http';
import type { Request, Response } from 'express';
import type { RunnerPrincipal } from '../http/principal';

/** Authenticates a runner's JWT (filled in with the runner API). */
export function runnerAuthenticator(_db: Pick<Database, 'prisma'>): (req: Request, res: Response) => Promise<RunnerPrincipal> {
  return async () => {
    throw HttpError.unauthorized('Runner authentication is not available yet');
  };
}
