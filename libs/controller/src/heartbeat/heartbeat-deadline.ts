import { HEARTBEAT_LOCATION } from '@vigil/contracts';
import type { VigilTransaction } from '@vigil/db';

/**
 * Makes the heartbeat due now: the evaluator's sweep judges its deadline again from its last
 * ping and its spec (and moves it, or fails the check if it passed). Used when the spec changes
 * or the check is enabled again, so that the rule lives in one place.
 */
export async function rescheduleHeartbeat(tx: VigilTransaction, checkId: number): Promise<void> {
  await tx.$executeRaw`UPDATE location_states SET next_due_at = now(), leased_until = NULL WHERE check_id = ${checkId} AND location = ${HEARTBEAT_LOCATION}`;
}
