/**
 * The event's usage report against a real Prometheus (Debian's package) whose TSDB is
 * backfilled with promtool from OpenMetrics: the recorded series the report reads, for
 * this environment and another. The CSV rows are worked out by hand from the seeded
 * samples; the PNG is checked as a PNG by its chunks, their CRCs and `file`.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as zlib from 'zlib';
import { queryUsage, usageCsv, usagePng, usageReportFiles } from '../../../tools/event/usage-report';
import { TestPrometheus } from '../../e2e/support/prometheus';

jest.setTimeout(120_000);

const GIB = 2 ** 30;
const STEP = 600;
// Seven samples ten minutes apart, starting on a whole hour three hours ago.
const t0 = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3 * 3600;
const times = Array.from({ length: 7 }, (_, i) => t0 + i * STEP);

const seeded: Record<string, Array<number | undefined>> = {
  'environment:jupyterhub_total_users:max': [10, 20, 30, 40, 50, 60, 70],
  'environment:jupyterhub_running_servers:max': [0, 5, 10, 15, 10, 5, 0],
  // No sample at the fourth step: the row has no value there.
  'environment:jupyterhub_user_cpu_cores:rate5m': [0.5, 1.25, 2.5, undefined, 3.75, 1, 0],
  'environment:jupyterhub_user_memory_working_set_bytes:sum': [1, 2, 4, 8, 4, 2, 1.5].map((g) => g * GIB),
};

function openMetrics(): string {
  const lines: string[] = [];
  for (const [name, values] of Object.entries(seeded)) {
    lines.push(`# TYPE ${name} gauge`);
    values.forEach((v, i) => {
      if (v !== undefined) lines.push(`${name}{environment="hackweek"} ${v} ${times[i]}`);
    });
    // Another environment's series, which the report must leave out.
    for (const t of times) lines.push(`${name}{environment="dev"} 999 ${t}`);
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

let prom: TestPrometheus;
beforeAll(async () => {
  prom = await TestPrometheus.start({
    config: { global: { scrape_interval: '1m' } },
    openMetrics: openMetrics(),
  });
}, 90_000);
afterAll(async () => {
  await prom?.stop();
});

const query = () => ({
  prometheusUrl: prom.url,
  environment: 'hackweek',
  start: new Date(t0 * 1000),
  end: new Date(times[6] * 1000),
  stepSeconds: STEP,
});

describe('usage report', () => {
  it('writes a CSV row per step with the seeded values of this environment only', async () => {
    const csv = usageCsv(await queryUsage(query()));
    const iso = (i: number) => new Date(times[i] * 1000).toISOString();
    expect(csv.split('\n')).toEqual([
      'time,users,running_servers,cpu_cores,memory_gib',
      `${iso(0)},10,0,0.500,1.000`,
      `${iso(1)},20,5,1.250,2.000`,
      `${iso(2)},30,10,2.500,4.000`,
      `${iso(3)},40,15,,8.000`,
      `${iso(4)},50,10,3.750,4.000`,
      `${iso(5)},60,5,1.000,2.000`,
      `${iso(6)},70,0,0.000,1.500`,
      '',
    ]);
  });

  it('leaves columns empty where monitoring has no series, and refuses an empty range', async () => {
    const report = await queryUsage({ ...query(), environment: 'staging' });
    expect(usageCsv(report).split('\n')[1]).toBe(`${new Date(t0 * 1000).toISOString()},,,,`);
    await expect(queryUsage({ ...query(), end: new Date(t0 * 1000) })).rejects.toThrow(/range .* is empty/);
    await expect(queryUsage({ ...query(), environment: 'a"b' })).rejects.toThrow(
      'environment: "a\\"b" is not a plain label value',
    );
  });

  it('draws a valid PNG of the stated size, with the lines in it', async () => {
    const png = usagePng(await queryUsage(query()), { width: 640, height: 480 });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const chunks: Array<{ type: string; data: Buffer }> = [];
    for (let at = 8; at < png.length;) {
      const length = png.readUInt32BE(at);
      const type = png.subarray(at + 4, at + 8).toString('ascii');
      const data = png.subarray(at + 8, at + 8 + length);
      // Node's own CRC-32, not the writer's.
      const crc = (zlib as unknown as { crc32(b: Buffer): number }).crc32(
        png.subarray(at + 4, at + 8 + length),
      );
      expect(png.readUInt32BE(at + 8 + length)).toBe(crc);
      chunks.push({ type, data });
      at += 12 + length;
    }
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(chunks[0].data.readUInt32BE(0)).toBe(640);
    expect(chunks[0].data.readUInt32BE(4)).toBe(480);
    const raw = zlib.inflateSync(chunks[1].data);
    expect(raw.length).toBe(480 * (1 + 640 * 3));
    const has = (rgb: number[]) => {
      for (let i = 0; i + 2 < raw.length; i++)
        if (raw[i] === rgb[0] && raw[i + 1] === rgb[1] && raw[i + 2] === rgb[2]) return true;
      return false;
    };
    expect(has([31, 119, 180])).toBe(true); // users
    expect(has([148, 103, 189])).toBe(true); // memory

    const dir = mkdtempSync(join(tmpdir(), 'usage-png-'));
    try {
      writeFileSync(join(dir, 'usage.png'), png);
      const file = spawnSync('file', ['-b', join(dir, 'usage.png')], { encoding: 'utf8' });
      expect(file.stdout).toMatch(/^PNG image data, 640 x 480, 8-bit\/color RGB, non-interlaced/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the export usage.csv and usage.png', async () => {
    const files = await usageReportFiles(query());
    expect(Object.keys(files).sort()).toEqual(['usage.csv', 'usage.png']);
    expect(files['usage.csv'].toString().split('\n')[1]).toMatch(/,10,0,0\.500,1\.000$/);
    expect(files['usage.png'].readUInt32BE(16)).toBe(800);
  });
});
