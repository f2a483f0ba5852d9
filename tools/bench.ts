/**
 * `npm run bench [-- --runs N]`: synthesizes every environment N times, each in a fresh
 * process as `npm run synth` does, and prints the median wall time and the peak RSS.
 * The budget (all environments under 3 s and 300 MB) is reported, not enforced: shared
 * machines are noisy, so no test depends on it.
 */
import { spawnSync } from 'child_process';
import { join } from 'path';
import { parseArgs } from 'util';

const BUDGET = { wallMs: 3000, rssMiB: 300 };

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
  console.error(`--runs: ${JSON.stringify(values.runs)} is not a whole number from 1 to 50`);
  process.exit(2);
}

const root = join(__dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const wall: number[] = [];
const rss: number[] = [];
let stacks = 0;
for (let i = 0; i < runs; i++) {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', 'tsx', join('tools', 'bench', 'synth-once.ts')], {
    cwd: root,
    encoding: 'utf8',
  });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) {
    console.error(`run ${i + 1} failed (exit ${child.status}):\n${child.stderr}`);
    process.exit(1);
  }
  const report = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}');
  wall.push(elapsedMs);
  rss.push(report.peakRssMiB);
  stacks = report.stacks;
}

const medianWall = median(wall);
const peakRss = Math.max(...rss);
const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET');
console.log(`synth of all environments (${stacks} stacks), ${runs} runs, each a fresh process:`);
console.log(
  `  wall time  median ${(medianWall / 1000).toFixed(2)} s  (min ${(Math.min(...wall) / 1000).toFixed(2)} s, max ${(Math.max(...wall) / 1000).toFixed(2)} s)  ${verdict(medianWall < BUDGET.wallMs)} of ${BUDGET.wallMs / 1000} s`,
);
console.log(
  `  peak RSS   ${peakRss.toFixed(0)} MiB  ${verdict(peakRss < BUDGET.rssMiB)} of ${BUDGET.rssMiB} MiB`,
);
