import { evaluatorOptionsFrom } from './evaluator-service';

describe('evaluatorOptionsFrom', () => {
  it('turns VIGIL_DB_WRITES=off into read-only mode and the offline delay into milliseconds', () => {
    expect(evaluatorOptionsFrom({ VIGIL_DB_WRITES: false, VIGIL_RUNNER_STALE_AFTER_S: 90 })).toEqual({ readOnly: true, runnerStaleAfterMs: 90_000 });
    expect(evaluatorOptionsFrom({ VIGIL_DB_WRITES: true, VIGIL_RUNNER_STALE_AFTER_S: 300 })).toEqual({ readOnly: false, runnerStaleAfterMs: 300_000 });
  });
});
