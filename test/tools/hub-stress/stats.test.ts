import { Tally, percentile, perMinute, summarize } from '../../../tools/hub-stress/stats';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('picks the smallest sample with at least p% at or below it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it('never interpolates between samples', () => {
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
  });

  it('returns the only sample for any p, and null without samples', () => {
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('lets a single slow outlier reach p99 only when it is more than 1% of the samples', () => {
    const fast = Array.from({ length: 99 }, () => 1);
    expect(percentile([...fast, 5000], 99)).toBe(1);
    expect(percentile([...fast.slice(1), 5000, 5000], 99)).toBe(5000);
  });

  it('makes p99 the maximum below 100 samples, as docs/load-testing.md says', () => {
    const eighty = Array.from({ length: 80 }, (_, i) => i + 1);
    expect(percentile(eighty, 99)).toBe(80); // ceil(0.99 * 80) = 80: the slowest server
    expect(percentile(eighty, 95)).toBe(76); // ceil(0.95 * 80) = 76: the slowest but four
    expect(percentile(hundred, 99)).toBe(99); // from 100 samples on, the slowest but one
  });

  it('rejects p outside (0, 100]', () => {
    expect(() => percentile(hundred, 0)).toThrow(/outside/);
    expect(() => percentile(hundred, 101)).toThrow(/outside/);
  });
});

describe('summarize', () => {
  it('sorts unsorted samples and rounds to whole milliseconds', () => {
    expect(summarize([3.6, 1.2, 2.4])).toEqual({ count: 3, p50: 2, p95: 4, p99: 4, max: 4 });
  });

  it('reports nulls for an empty series', () => {
    expect(summarize([])).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null });
  });
});

describe('Tally and perMinute', () => {
  it('counts by key with keys sorted for stable JSON', () => {
    const t = new Tally();
    t.add('503');
    t.add('429', 3);
    t.add('503');
    expect(t.toJSON()).toEqual({ '429': 3, '503': 2 });
    expect(Object.keys(t.toJSON())).toEqual(['429', '503']);
    expect(t.total()).toBe(5);
  });

  it('converts counts over a wall time to a rate per minute', () => {
    expect(perMinute(20, 30_000)).toBe(40);
    expect(perMinute(5, 0)).toBe(0);
  });
});
