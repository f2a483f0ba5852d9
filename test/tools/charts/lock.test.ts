/** charts.lock.json against the pins in lib/platform/charts.ts, and the lock reader's errors. */
import { readFileSync } from 'fs';
import { CHARTS } from '../../../lib/platform/charts';
import { parseChartsArgs } from '../../../tools/charts/cli';
import { LOCK_FILE, parseLock, readLock } from '../../../tools/charts/lock';

describe('charts.lock.json', () => {
  const lock = readLock();

  it.each(Object.entries(CHARTS))('locks the %s chart at its pinned version and repository', (_key, pin) => {
    const entries = lock.charts.filter((c) => c.name === pin.chart);
    expect(entries.map(({ name, version, repository }) => ({ name, version, repository }))).toEqual([
      { name: pin.chart, version: pin.version, repository: pin.repository },
    ]);
  });

  it('locks the charts of the monitoring cluster too', () => {
    const versions = Object.fromEntries(lock.charts.map((c) => [c.name, c.version]));
    expect(versions).toMatchObject({ prometheus: '29.27.0', grafana: '12.11.1', 'dcgm-exporter': '4.8.2' });
  });

  it('names each package by its chart and version, in its repository or a release of it', () => {
    for (const c of lock.charts) {
      const file = c.repository.startsWith('oci://')
        ? `/${c.name}:${c.version}`
        : `/${c.name}-${c.version}.tgz`;
      expect({ chart: c.name, url: c.url.endsWith(file) }).toEqual({ chart: c.name, url: true });
    }
  });

  it('says, for every chart without a package digest, why, and pins it by its tree digest', () => {
    for (const c of lock.charts.filter((entry) => entry.digest === null)) {
      expect({ chart: c.name, note: c.note }).toEqual({
        chart: c.name,
        note: expect.stringMatching(/^package digest not confirmed: .*; pinned by its tree digest only$/),
      });
    }
  });

  it('records a tree digest for every chart', () => {
    expect(lock.charts.filter((c) => c.treeDigest === null).map((c) => c.name)).toEqual([]);
  });
});

describe('parseLock', () => {
  const good = JSON.parse(readFileSync(LOCK_FILE, 'utf8'));
  const entry = good.charts[0];

  it('names the entry and field of a bad digest, a missing field and a duplicate', () => {
    const bad = {
      charts: [
        { ...entry, digest: 'sha256:abc', treeDigest: 'ABC' },
        { ...entry, name: 'x', url: undefined },
        { ...entry, name: 'y' },
        { ...entry, name: 'y' },
      ],
    };
    expect(() => parseLock(JSON.stringify(bad), 'lock.json')).toThrow(
      [
        'lock.json: charts[0].digest: "sha256:abc" is neither 64 lower-case hex digits nor null',
        'lock.json: charts[0].treeDigest: "ABC" is neither 64 lower-case hex digits nor null',
        'lock.json: charts[1].url must be a non-empty string',
        `lock.json: y ${entry.version} is listed twice`,
      ].join('\n'),
    );
  });

  it('refuses what is not JSON or has no chart list', () => {
    expect(() => parseLock('{', 'lock.json')).toThrow(/^lock.json: not valid JSON/);
    expect(() => parseLock('{}', 'lock.json')).toThrow('lock.json: needs a "charts" list');
  });
});

describe('npm run charts arguments', () => {
  it('takes a folder, a lock and repeated --only', () => {
    expect(parseChartsArgs(['--dir', '/tmp/c', '--lock', 'l.json', '--only', 'a', '--only', 'b'])).toEqual({
      dir: '/tmp/c',
      lock: 'l.json',
      only: ['a', 'b'],
      updateLock: false,
      recordTreeDigests: false,
    });
    expect(parseChartsArgs(['--update-lock', '--only', 'a'])).toMatchObject({
      updateLock: true,
      only: ['a'],
    });
    expect(parseChartsArgs(['--record-tree-digests'])).toMatchObject({
      recordTreeDigests: true,
      dir: undefined,
    });
    expect(parseChartsArgs(['--help'])).toBe('help');
  });

  it('refuses an unknown option, and two lock updates at once', () => {
    expect(() => parseChartsArgs(['--force'])).toThrow(/Unknown option '--force'/);
    expect(() => parseChartsArgs(['--update-lock', '--record-tree-digests'])).toThrow(
      '--update-lock and --record-tree-digests: give one at a time',
    );
  });
});
