import { EventEmitter } from 'node:events';
import { installInterrupts } from '../../../tools/hub-stress/interrupt';

function setUp(remaining: string[]) {
  const signals = new EventEmitter();
  const said: string[] = [];
  const exits: number[] = [];
  const interrupts = installInterrupts({
    prefix: 'hub-stress',
    remaining: () => remaining,
    say: (line) => said.push(line),
    exit: (code) => exits.push(code),
    signals,
  });
  return { signals, said, exits, interrupts };
}

describe('installInterrupts', () => {
  it('asks the run to stop and clean up on the first Ctrl-C, without exiting', () => {
    const { signals, said, exits, interrupts } = setUp(['hub-stress-0001']);
    expect(interrupts.signal.aborted).toBe(false);
    signals.emit('SIGINT', 'SIGINT');
    expect(interrupts.signal.aborted).toBe(true);
    expect(said).toEqual([
      'hub-stress: SIGINT: stopping and cleaning up; press Ctrl-C again to exit at once',
    ]);
    expect(exits).toEqual([]);
  });

  it('exits at once with 130 on the second, naming what may remain and how to purge it', () => {
    const { signals, said, exits } = setUp(['hub-stress-0003', 'hub-stress-0001', 'hub-stress-0002']);
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    expect(said[1]).toBe(
      'hub-stress: exiting at once; may remain: hub-stress-0001..hub-stress-0003 (3 users); remove with: hub-stress purge --prefix hub-stress',
    );
  });

  it('says nothing remains when cleanup had finished', () => {
    const { signals, said, exits } = setUp([]);
    signals.emit('SIGINT', 'SIGINT');
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    expect(said[1]).toBe('hub-stress: exiting at once; nothing of this run should remain');
  });

  it('stops listening once disposed', () => {
    const { signals, interrupts } = setUp([]);
    expect(signals.listenerCount('SIGINT')).toBe(1);
    interrupts.dispose();
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });
});
