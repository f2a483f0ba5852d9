/** Runs the hub-stress CLI as a child process, the way an operator would. */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

export interface ToolRun {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  /** Resolves when the process exits. */
  readonly done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/**
 * Starts `hub-stress <args>` with node's tsx loader in one process (so a signal sent to
 * `child` reaches the tool itself, not a wrapper).
 */
export function startTool(args: readonly string[], env: Record<string, string> = {}): ToolRun {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/hub-stress/cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, JUPYTERHUB_API_URL: '', JUPYTERHUB_API_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, stderr: () => stderr, done };
}

export async function runTool(args: readonly string[], env: Record<string, string> = {}) {
  return startTool(args, env).done;
}
