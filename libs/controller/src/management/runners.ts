import { createRunner, getRunner, listRunners, revokeRunner, rotateRunnerKey, RUNNER_STALE_AFTER_S } from '@vigil/contracts';
import { type Database, Prisma, type Runner, withTransaction } from '@vigil/db';
import { HttpError } from '@vigil/http';
import { generateRunnerKeyPair } from '@vigil/runner-auth';
import { decodeCursor, pageOf } from '../http/cursor';
import type { AreaContext } from '../http/area';
import { addRunnerLocation, removeRunnerLocation } from '../scheduling/location-states';
import { runnerJson, runnerWithKeyJson } from './runner-json';

function runnerNotFound(slug: string): HttpError {
  return HttpError.notFound(`No runner has the slug "${slug}"`);
}

function slugTaken(existing: Pick<Runner, 'slug' | 'revokedAt'> | null, slug: string): HttpError {
  return HttpError.conflict(
    existing?.revokedAt
      ? `The runner "${slug}" was revoked; slugs are not reused (results and events name them), so pick another slug`
      : `A runner with the slug "${slug}" already exists; slugs are not reused, so pick another slug`,
  );
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

async function findRunner(db: Pick<Database, 'prisma'>, slug: string): Promise<Runner> {
  const runner = await db.prisma.runner.findUnique({ where: { slug } });
  if (runner === null) throw runnerNotFound(slug);
  return runner;
}

export function mountRunners(ctx: AreaContext): void {
  const { db } = ctx.deps;
  const staleAfterMs = ctx.deps.runnerStaleAfterMs ?? RUNNER_STALE_AFTER_S * 1000;

  ctx.route(createRunner, async ({ body, logger }) => {
    const keys = generateRunnerKeyPair();
    const runner = await withTransaction(db, async (tx) => {
      const existing = await tx.runner.findUnique({ where: { slug: body.slug }, select: { slug: true, revokedAt: true } });
      if (existing !== null) throw slugTaken(existing, body.slug);
      // Only the public half is stored: the private key leaves in this answer and nowhere else.
      const created = await tx.runner.create({
        data: { slug: body.slug, name: body.name ?? body.slug, publicKey: keys.publicKeyPem, keyId: keys.kid },
      });
      await addRunnerLocation(tx, body.slug);
      return created;
    }).catch(async (error: unknown) => {
      // Two creations of one slug at once: the loser learns it here.
      if (isUniqueViolation(error)) throw slugTaken(await db.prisma.runner.findUnique({ where: { slug: body.slug } }), body.slug);
      throw error;
    });
    logger.info('runner created', { runner: runner.slug, kid: runner.keyId });
    return runnerWithKeyJson(runner, keys.privateKeyPem);
  });

  ctx.route(listRunners, async ({ query }) => {
    const after = decodeCursor(query.cursor, { slug: 'string' });
    const rows = await db.prisma.runner.findMany({
      where: after === undefined ? {} : { slug: { gt: after.slug } },
      orderBy: { slug: 'asc' },
      take: query.limit + 1,
    });
    const { page, next_cursor } = pageOf(rows, query.limit, (last) => ({ slug: last.slug }));
    const now = Date.now();
    return {
      data: page.map((runner) => runnerJson(runner, now, staleAfterMs)),
      next_cursor,
    };
  });

  ctx.route(getRunner, async ({ params }) => runnerJson(await findRunner(db, params.slug), Date.now(), staleAfterMs));

  ctx.route(rotateRunnerKey, async ({ params, logger }) => {
    const keys = generateRunnerKeyPair();
    // The runner API looks the kid up on every request, so replacing it here refuses the old key at once.
    const runner = await withTransaction(db, async (tx) => {
      const { count } = await tx.runner.updateMany({
        where: { slug: params.slug, revokedAt: null },
        data: { publicKey: keys.publicKeyPem, keyId: keys.kid },
      });
      const row = await tx.runner.findUnique({ where: { slug: params.slug } });
      if (row === null) throw runnerNotFound(params.slug);
      if (count === 0) throw HttpError.conflict(`The runner "${params.slug}" is revoked; its key cannot be rotated`);
      return row;
    });
    logger.info('runner key rotated', { runner: runner.slug, kid: runner.keyId });
    return runnerWithKeyJson(runner, keys.privateKeyPem);
  });

  ctx.route(revokeRunner, async ({ params, logger }) => {
    const revoked = await withTransaction(db, async (tx) => {
      const { count } = await tx.runner.updateMany({ where: { slug: params.slug, revokedAt: null }, data: { revokedAt: new Date() } });
      if (count === 0) {
        if ((await tx.runner.findUnique({ where: { slug: params.slug }, select: { id: true } })) === null) throw runnerNotFound(params.slug);
        return false;
      }
      await removeRunnerLocation(tx, params.slug);
      return true;
    });
    if (revoked) logger.info('runner revoked', { runner: params.slug });
  });
}
