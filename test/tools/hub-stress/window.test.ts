import { SpawnWindow } from '../../../tools/hub-stress/window';

describe('SpawnWindow', () => {
  it('starts at the batch size', () => {
    expect(new SpawnWindow(10, 10).limit).toBe(10);
  });

  it('converges on the hub limit after one burst of 429s, however they arrive', () => {
    // 10 spawns in flight against a hub that holds 3: the 7 rejections come back one by
    // one, each seeing one fewer other spawn in flight.
    const window = new SpawnWindow(10, 10);
    let inFlight = 10;
    for (let i = 0; i < 7; i++) {
      window.onThrottled(inFlight - 1);
      inFlight--;
      expect(window.limit).toBeLessThanOrEqual(inFlight);
    }
    expect(window.limit).toBe(3);
    expect(window.max).toBe(3);
  });

  it('never grows past the limit a 429 revealed, so the throttle is not paid again', () => {
    const window = new SpawnWindow(10, 10);
    window.onThrottled(3);
    for (let i = 0; i < 100; i++) window.onReady();
    expect(window.limit).toBe(3);
  });

  it('halves on an outage and grows back additively up to the ceiling', () => {
    const window = new SpawnWindow(8, 8);
    window.onUnavailable();
    expect(window.limit).toBe(4);
    window.onReady();
    expect(window.limit).toBe(4); // +1/4: additive, not slow start, after trouble
    for (let i = 0; i < 4; i++) window.onReady();
    expect(window.limit).toBe(5);
    for (let i = 0; i < 100; i++) window.onReady();
    expect(window.limit).toBe(8);
  });

  it('grows by one per ready server before any trouble (slow start), up to the batch size', () => {
    const window = new SpawnWindow(1, 4);
    window.onReady();
    window.onReady();
    expect(window.limit).toBe(3);
    window.onReady();
    window.onReady();
    expect(window.limit).toBe(4);
  });

  it('keeps at least one spawn going', () => {
    const window = new SpawnWindow(2, 2);
    window.onThrottled(0);
    window.onUnavailable();
    expect(window.limit).toBe(1);
  });

  it('rejects a non-positive maximum', () => {
    expect(() => new SpawnWindow(1, 0)).toThrow(/window max 0/);
  });
});
