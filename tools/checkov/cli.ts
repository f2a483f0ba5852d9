/**
 * `npm run checkov [-- DIR] [--json]`: runs checkov on every stack that the synth in DIR
 * (default cdktf.out) lists in its manifest, and holds the failures to
 * policy/checkov-accepted-risks.json. Prints passed, failed and skipped per stack.
 * Exit 0: no failure outside the accepted risks; 1: an unaccepted failure or a stale or
 * invalid acceptance; 2: bad usage, no synth output, or checkov not installed.
 */
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { parseArgs } from 'util';
import { judge, loadCheckovRisks, scanStacks, StackScan } from './checkov';

function fail(message: string, json: boolean): never {
  console.error(`checkov: ${message}`);
  if (json) console.log(JSON.stringify({ error: message }));
  process.exit(2);
}

function main(): void {
  let parsed;
  try {
    parsed = parseArgs({ options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  } catch (error) {
    fail(
      `${(error as Error).message}; usage: npm run checkov -- [DIR] [--json]`,
      process.argv.includes('--json'),
    );
  }
  const json = parsed.values.json;
  if (parsed.positionals.length > 1) fail('at most one synth output folder', json);
  const dir = resolve(parsed.positionals[0] ?? 'cdktf.out');
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath))
    fail(`no synth output at ${dir} (no manifest.json): run \`npm run synth\` first`, json);

  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const stacks = Object.entries(manifest.stacks).map(([stack, { synthesizedStackPath }]) => ({
    stack,
    file: join(dir, synthesizedStackPath),
  }));
  let scans: StackScan[];
  try {
    scans = scanStacks(stacks);
  } catch (error) {
    fail((error as Error).message, json);
  }
  const { risks, errors } = loadCheckovRisks(scans);
  const verdict = judge(scans, risks, errors);

  if (json) {
    console.log(JSON.stringify(verdict, (_key, value) => (value instanceof Set ? undefined : value), 2));
  } else {
    for (const scan of scans) {
      console.log(
        `${scan.stack}: ${scan.passed} passed, ${scan.failed.length} failed, ${scan.skipped} skipped`,
      );
    }
    const total = (pick: (s: StackScan) => number) => scans.reduce((sum, s) => sum + pick(s), 0);
    console.log(
      `checkov, ${scans.length} stacks: ${total((s) => s.passed)} checks passed, ${total((s) => s.failed.length)} failed (${verdict.accepted} accepted), ${total((s) => s.skipped)} skipped`,
    );
    for (const f of verdict.unaccepted) console.log(`FAILED ${f.check} ${f.stack} ${f.resource}: ${f.title}`);
    for (const e of verdict.errors) console.log(`ERROR ${e}`);
  }
  process.exitCode = verdict.unaccepted.length || verdict.errors.length ? 1 : 0;
}

main();
