import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../tools/hub-stress/args';
import { Logger, openLogFile } from '../../../tools/hub-stress/log';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hub-stress-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openLogFile', () => {
  it('turns a path that cannot be written into a one-line usage error naming it', () => {
    const path = join(dir, 'no-such-dir', 'run.log');
    expect(() => openLogFile(path)).toThrow(UsageError);
    expect(() => openLogFile(path)).toThrow(
      `--log-file: cannot append to ${JSON.stringify(path)} (ENOENT: no such file or directory)`,
    );
    expect(() => openLogFile(dir)).toThrow(/^--log-file: cannot append to .* \(EISDIR: /);
  });
});

describe('Logger with a log file', () => {
  it('appends timestamped lines, every request included, and has them all on disk after close', async () => {
    const path = join(dir, 'run.log');
    const log = new Logger({
      verbose: false,
      tty: false,
      secrets: ['s3cr3t-token'],
      file: openLogFile(path),
      write: () => undefined,
    });
    for (let i = 0; i < 1000; i++) log.debug(`GET /users/hub-stress-${i} -> 200`);
    log.warn('token s3cr3t-token rejected');
    await log.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1001);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z DEBUG GET \/users\/hub-stress-0 -> 200$/);
    expect(lines[1000]).toMatch(/WARN token \*\*\* rejected$/);
    // Appends: a second run adds to the same file.
    const again = new Logger({
      verbose: false,
      tty: false,
      secrets: [],
      file: openLogFile(path),
      write: () => undefined,
    });
    again.info('second run');
    await again.close();
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(1002);
  });

  it('keeps going, and says so once, when the file cannot be written any more', async () => {
    const written: string[] = [];
    const file = openLogFile(join(dir, 'run.log'));
    const log = new Logger({ verbose: false, tty: false, secrets: [], file, write: (t) => written.push(t) });
    file.destroy(new Error('ENOSPC: no space left on device'));
    await new Promise((resolve) => file.on('close', resolve));
    log.info('still running');
    expect(written).toEqual([
      'hub-stress: log file: ENOSPC: no space left on device; no longer writing it\n',
      'still running\n',
    ]);
    await log.close();
  });
});
