/**
 * `npm run bench [-- --runs N]`: synthesizes every environment N times, each in a fresh
 * process, the two ways `npm run synth` can run the app: compiled (dist/, after
 * `npm run build`, which this runs first) and from source through tsx with bin/app.cjs's
 * node arguments (what runs while the build is stale). Prints the median wall time and the peak RSS of each. The budget (all
 * environments under 3 s and 300 MB) is reported, not enforced: shared machines are noisy,
 * so no test depends on it.
 */
import { spawnSync } from 'child_process';
import { join } from 'path';
import { parseArgs } from 'util';
import { PROJECT_ROOT } from '../lib/project-paths';

const BUDGET = { wallMs: 3000, rssMiB: 300 };

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
  console.error(`--runs: ${JSON.stringify(values.runs)} is not a whole number from 1 to 50`);
  process.exit(2);
}

const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
if (build.status !== 0) {
  console.error(`npm run build failed (exit ${build.status}):\n${build.stdout}${build.stderr}`);
  process.exit(1);
}

/** How bin/app.cjs runs the app from source. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SOURCE_NODE_ARGS } = require(join(PROJECT_ROOT, 'bin', 'app.cjs')) as { SOURCE_NODE_ARGS: string[] };

const RUNNERS = {
  'compiled (dist/)': [join('dist', 'tools', 'bench', 'synth-once.js')],
  'from source (tsx)': [...SOURCE_NODE_ARGS, join('tools', 'bench', 'synth-once.ts')],
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET');
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

for (const [runner, args] of Object.entries(RUNNERS)) {
  const wall: number[] = [];
  const rss: number[] = [];
  let stacks = 0;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (child.status !== 0) {
      console.error(`${runner}: run ${i + 1} failed (exit ${child.status}):\n${child.stderr}`);
      process.exit(1);
    }
    const report = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}');
    wall.push(elapsedMs);
    rss.push(report.peakRssMiB);
    stacks = report.stacks;
  }
  const medianWall = median(wall);
  const peakRss = Math.max(...rss);
  console.log(`synth of all environments (${stacks} stacks), ${runner}, ${runs} runs, each a fresh process:`);
  console.log(
    `  wall time  median ${seconds(medianWall)}  (min ${seconds(Math.min(...wall))}, max ${seconds(Math.max(...wall))})  ${verdict(medianWall < BUDGET.wallMs)} of ${BUDGET.wallMs / 1000} s`,
  );
  console.log(
    `  peak RSS   ${peakRss.toFixed(0)} MiB  ${verdict(peakRss < BUDGET.rssMiB)} of ${BUDGET.rssMiB} MiB`,
  );
}
