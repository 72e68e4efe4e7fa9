/** How long each stage took, for the manifest's metadata and FOI_TIMING=1 (never for the record). */
const marks: [string, number][] = [];
let last = performance.now();

export function mark(stage: string): void {
  const now = performance.now();
  const ms = Math.round(now - last);
  marks.push([stage, ms]);
  last = now;
  if (process.env.FOI_TIMING) process.stderr.write(`foi: ${stage} ${ms} ms\n`);
}

/** The stages since the last call, in milliseconds, and a fresh start. */
export function takeTimings(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [stage, ms] of marks.splice(0)) out[stage] = (out[stage] ?? 0) + ms;
  return out;
}

export function resetTimings(): void {
  marks.length = 0;
  last = performance.now();
}
