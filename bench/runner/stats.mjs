// Medians and the alternation of ours and baseline.

export function median(values) {
  const list = values.filter((value) => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b);
  if (list.length === 0) return NaN;
  const mid = Math.floor(list.length / 2);
  return list.length % 2 ? list[mid] : (list[mid - 1] + list[mid]) / 2;
}

export function max(values) {
  const list = values.filter((value) => typeof value === 'number' && Number.isFinite(value));
  return list.length ? Math.max(...list) : NaN;
}

/**
 * Runs each side `runs` times, alternating and swapping who goes first every run (A B, B A, …) so
 * that drift in the machine's load falls on both. Returns `{ [side]: [result, …] }`.
 */
export async function alternate(runs, sides, once, log) {
  const samples = Object.fromEntries(sides.map((side) => [side, []]));
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const result = await once(side, i);
      samples[side].push(result);
      log?.(`  run ${i + 1}/${runs} ${side}: ${summarize(result)}`);
    }
  }
  return samples;
}

function summarize(result) {
  if (!result || typeof result !== 'object') return String(result);
  return Object.entries(result)
    .filter(([, value]) => typeof value === 'number')
    .slice(0, 6)
    .map(([key, value]) => `${key}=${Number.isInteger(value) ? value : value.toFixed(2)}`)
    .join(' ');
}

/** The median of `pick(sample)` over the samples. */
export function med(samples, pick) {
  return median(samples.map((sample) => {
    try {
      return pick(sample);
    } catch {
      return NaN;
    }
  }));
}
