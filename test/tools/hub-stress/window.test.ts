import { SpawnWindow } from '../../../tools/hub-stress/window';

/** A small deterministic random source, so every run tests the same orders. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function shuffled<T>(values: readonly T[], seed: number): T[] {
  const next = random(seed);
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Drives a window the way the scheduler does against a hub that holds `limit` pending
 * spawns, with every event (the hub's acceptance becoming known, a 429 answer arriving, a
 * server becoming ready) happening in an order picked by `seed`. With `fast429`, a 429
 * answer arrives before anything else happens, as it does from a real hub.
 */
function simulate(limit: number, batchSize: number, users: number, seed: number, fast429: boolean) {
  const window = new SpawnWindow(batchSize);
  const next = random(seed);
  let queued = users;
  let seq = 0;
  let ready = 0;
  let rejected = 0;
  let mostPending = 0;
  // Our requests in flight by send order: whether the hub took them, and whether each is a
  // probe not yet known to be accepted (a 429 answer is never mistaken for acceptance).
  const inFlight = new Map<number, { accepted: boolean; probe: boolean; level: number }>();
  const all = () => [...inFlight.values()];
  const hubPending = (): number => all().filter((r) => r.accepted).length;
  const probes = (): number => all().filter((r) => r.probe).length;
  for (let steps = 0; ready < users; steps++) {
    if (steps > 100_000) throw new Error('no progress');
    while (queued > 0 && window.mayStart(inFlight.size, probes())) {
      queued--;
      const probe = window.isProbe(inFlight.size);
      inFlight.set(++seq, { accepted: hubPending() < limit, probe, level: inFlight.size + 1 });
      mostPending = Math.max(mostPending, hubPending());
    }
    const ids = [...inFlight.keys()];
    const refused = ids.find((other) => !inFlight.get(other)?.accepted);
    const id = fast429 && refused !== undefined ? refused : ids[Math.floor(next() * ids.length)];
    const request = inFlight.get(id) as { accepted: boolean; probe: boolean; level: number };
    if (!request.accepted) {
      inFlight.delete(id);
      rejected++;
      queued++; // retried later, after its Retry-After
      window.onThrottled(ids.filter((other) => other < id).length);
    } else if (request.probe && next() < 0.5) {
      request.probe = false; // confirmed
      window.onAccepted(request.level);
    } else {
      inFlight.delete(id); // ready (for a probe, its 201 is the confirmation)
      if (request.probe) window.onAccepted(request.level);
      ready++;
      window.onReady();
    }
  }
  return { rejected, mostPending, window };
}

describe('SpawnWindow', () => {
  it('starts with one spawn and allows only one unconfirmed spawn above what the hub accepted', () => {
    const window = new SpawnWindow(10);
    expect(window.mayStart(0, 0)).toBe(true);
    expect(window.mayStart(1, 1)).toBe(false);
    window.onAccepted(1);
    expect(window.mayStart(1, 0)).toBe(true);
    expect(window.mayStart(2, 1)).toBe(false);
    window.onAccepted(2);
    expect(window.proven).toBe(2);
  });

  it('refills up to the level the hub has accepted without waiting for confirmations', () => {
    const window = new SpawnWindow(10);
    window.onAccepted(6);
    expect(window.mayStart(5, 5)).toBe(true);
    expect(window.mayStart(6, 1)).toBe(false);
    expect(window.mayStart(6, 0)).toBe(true);
  });

  it('never goes past --batch-size', () => {
    const window = new SpawnWindow(4);
    window.onAccepted(9);
    expect(window.proven).toBe(4);
    expect(window.mayStart(4, 0)).toBe(false);
  });

  const cases = [
    [3, 10, 1],
    [3, 10, 2],
    [3, 10, 3],
    [5, 20, 4],
    [5, 20, 5],
    [1, 10, 6],
    [7, 10, 7],
    [10, 10, 8],
    [12, 40, 9],
  ];
  it.each(cases)(
    'costs at most one 429 for a hub limit of %i with --batch-size %i, whatever the order of events (seed %i)',
    (limit, batchSize, seed) => {
      const { rejected, mostPending, window } = simulate(limit, batchSize, 200, seed, false);
      expect(rejected).toBeLessThanOrEqual(1);
      expect(mostPending).toBeLessThanOrEqual(Math.min(limit, batchSize));
      if (batchSize <= limit) expect(rejected).toBe(0);
      // A 429 that arrives after some readies under-measures, and stays: never a second 429.
      expect(window.max).toBeLessThanOrEqual(Math.min(limit, batchSize));
    },
  );

  it.each(cases)(
    'learns a hub limit of %i exactly (--batch-size %i, seed %i) when 429s come back at once',
    (limit, batchSize, seed) => {
      const { rejected, mostPending, window } = simulate(limit, batchSize, 200, seed, true);
      expect(rejected).toBe(batchSize > limit ? 1 : 0);
      expect(mostPending).toBe(Math.min(limit, batchSize));
      expect(window.max).toBe(Math.min(limit, batchSize));
    },
  );

  const sevenRejected = [4, 5, 6, 7, 8, 9, 10];
  it.each([
    ['in send order', sevenRejected],
    ['in reverse', [...sevenRejected].reverse()],
    ['interleaved', [10, 4, 9, 5, 8, 6, 7]],
    ['shuffled (seed 1)', shuffled(sevenRejected, 1)],
    ['shuffled (seed 7)', shuffled(sevenRejected, 7)],
    ['shuffled (seed 42)', shuffled(sevenRejected, 42)],
  ])('measures a limit that shrank from 10 to 3 when the 429s arrive %s', (_how, order) => {
    // The hub had taken 10 of ours; now other people's spawns leave room for 3.
    const window = new SpawnWindow(10);
    window.onAccepted(10);
    const inFlight = new Set(Array.from({ length: 10 }, (_, i) => i + 1));
    const limits: number[] = [];
    for (const seq of order) {
      inFlight.delete(seq);
      window.onThrottled([...inFlight].filter((s) => s < seq).length);
      limits.push(window.limit);
    }
    expect(window.limit).toBe(3);
    expect(window.max).toBe(3);
    expect(window.proven).toBe(3);
    for (let i = 1; i < limits.length; i++) expect(limits[i]).toBeLessThanOrEqual(limits[i - 1]);
  });

  it('never goes above a measured limit again, however long after the Retry-After and however many readies', () => {
    const window = new SpawnWindow(10);
    window.onAccepted(3);
    window.onThrottled(3);
    for (let i = 0; i < 1_000; i++) window.onReady();
    expect(window.max).toBe(3);
    expect(window.limit).toBe(3);
    expect(window.learned).toBe(3);
    // The user who was throttled comes back into a window that is full at 3.
    expect(window.mayStart(3, 0)).toBe(false);
    expect(window.mayStart(2, 0)).toBe(true);
  });

  it('lowers the limit on a later 429 and keeps the lower one', () => {
    const window = new SpawnWindow(8);
    window.onThrottled(4);
    for (let i = 0; i < 50; i++) window.onReady();
    window.onThrottled(2); // other people's spawns took two of the hub's slots
    for (let i = 0; i < 50; i++) window.onReady();
    expect(window.max).toBe(2);
    window.onThrottled(5); // a 429 while more of ours were pending never raises it
    expect(window.max).toBe(2);
  });

  it.each([
    [3, 10, 3],
    [10, 4, 4],
    [4, 4, 4],
  ])(
    'told a spawn limit of %i with --batch-size %i, starts at %i pending without a probe',
    (known, batch, expected) => {
      const window = new SpawnWindow(batch, known);
      expect(window.limit).toBe(expected);
      expect(window.max).toBe(expected);
      expect(window.proven).toBe(expected);
      // Every spawn up to the limit goes at once: none of them is a probe.
      for (let pending = 0; pending < expected; pending++) {
        expect(window.isProbe(pending)).toBe(false);
        expect(window.mayStart(pending, 0)).toBe(true);
      }
      expect(window.mayStart(expected, 0)).toBe(false);
      for (let i = 0; i < 100; i++) window.onReady();
      expect(window.limit).toBe(expected);
    },
  );

  it('told a spawn limit, still takes a 429 as the measurement and keeps it', () => {
    const window = new SpawnWindow(10, 5);
    window.onThrottled(3);
    for (let i = 0; i < 100; i++) window.onReady();
    expect(window.max).toBe(3);
    expect(window.mayStart(3, 0)).toBe(false);
  });

  it('told a spawn limit of one, sends one spawn at a time and never probes', () => {
    const window = new SpawnWindow(10, 1);
    expect([window.limit, window.max, window.proven]).toEqual([1, 1, 1]);
    expect(window.isProbe(0)).toBe(false);
    expect(window.mayStart(1, 0)).toBe(false);
  });

  it.each([0, -2, 2.5, Number.NaN])('rejects a known spawn limit of %p', (known) => {
    expect(() => new SpawnWindow(10, known)).toThrow(`known spawn limit ${known} must be an integer >= 1`);
  });

  it('halves on an outage without lowering the ceiling, and grows back one per window of readies', () => {
    const window = new SpawnWindow(8);
    window.onUnavailable();
    expect(window.limit).toBe(4);
    expect(window.max).toBe(8);
    for (let i = 0; i < 3; i++) window.onReady();
    expect(window.limit).toBe(4);
    window.onReady();
    expect(window.limit).toBe(5);
    for (let i = 0; i < 100; i++) window.onReady();
    expect(window.limit).toBe(8);
  });

  it('keeps at least one spawn going', () => {
    const window = new SpawnWindow(2);
    window.onThrottled(0);
    window.onUnavailable();
    expect(window.limit).toBe(1);
    expect(window.mayStart(0, 0)).toBe(true);
  });

  it('runs with a maximum of one: one spawn at a time', () => {
    const window = new SpawnWindow(1);
    expect(window.limit).toBe(1);
    expect(window.mayStart(0, 0)).toBe(true);
    window.onAccepted(1);
    expect(window.mayStart(1, 0)).toBe(false);
    window.onReady();
    expect(window.limit).toBe(1);
    window.onUnavailable();
    expect(window.limit).toBe(1);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects a maximum of %p', (max) => {
    expect(() => new SpawnWindow(max)).toThrow(`window max ${max} must be an integer >= 1`);
  });

  it('rejects a non-positive maximum', () => {
    expect(() => new SpawnWindow(0)).toThrow(/window max 0/);
  });
});
