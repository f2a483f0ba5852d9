/**
 * Ctrl-C handling. The first SIGINT/SIGTERM asks the run to stop and clean up what it
 * created; the second exits at once, saying what may be left behind and how to remove it.
 */
import { mayRemainMessage } from './names';

export interface Interrupts {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function installInterrupts(options: {
  readonly prefix: string;
  /** Users that may still exist if we exit now. */
  readonly remaining: () => readonly string[];
  readonly say: (line: string) => void;
  readonly exit: (code: number) => void;
  /** Where SIGINT and SIGTERM come from. @default process */
  readonly signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}): Interrupts {
  const signals = options.signals ?? process;
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      options.say(`hub-stress: ${signal}: stopping and cleaning up; press Ctrl-C again to exit at once`);
      controller.abort();
      return;
    }
    const left = options.remaining();
    options.say(
      left.length === 0
        ? 'hub-stress: exiting at once; nothing of this run should remain'
        : `hub-stress: exiting at once; ${mayRemainMessage(left, options.prefix)}`,
    );
    options.exit(130);
  };
  signals.on('SIGINT', handler);
  signals.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      signals.off('SIGINT', handler);
      signals.off('SIGTERM', handler);
    },
  };
}
