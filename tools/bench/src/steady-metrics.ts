/**
 * The sum of a metric's samples in Prometheus' text format, over those whose labels include
 * every one of `labels` (`{ outcome: 'accepted' }`); 0 when there are none.
 */
export function metricSum(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith('{') || rest.startsWith(' '))) continue; // another metric with this prefix
    const labelText = rest.startsWith('{') ? rest.slice(1, rest.indexOf('}')) : '';
    const wanted = Object.entries(labels).every(([key, value]) => labelText.split(',').includes(`${key}="${value}"`));
    if (!wanted) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** The all-in-one's /metrics, as text. */
export async function fetchMetrics(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  return response.text();
}
