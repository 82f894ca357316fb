import { metricSum } from './steady-metrics';

const text = `# HELP vigil_results_ingested_total Results reported by runners, by outcome
# TYPE vigil_results_ingested_total counter
vigil_results_ingested_total{outcome="accepted"} 5990
vigil_results_ingested_total{outcome="duplicate"} 3
vigil_results_ingested_total{outcome="rejected"} 0
vigil_results_ingested_total_created{outcome="accepted"} 1700000000
vigil_evaluator_results_evaluated_total 5985
`;

describe('metricSum', () => {
  it('sums the samples whose labels match', () => {
    expect(metricSum(text, 'vigil_results_ingested_total', { outcome: 'accepted' })).toBe(5990);
    expect(metricSum(text, 'vigil_results_ingested_total')).toBe(5993);
  });

  it('reads a metric without labels, and not another one that starts with its name', () => {
    expect(metricSum(text, 'vigil_evaluator_results_evaluated_total')).toBe(5985);
  });

  it('is 0 for a metric absent', () => {
    expect(metricSum(text, 'vigil_nothing_total')).toBe(0);
  });
});
