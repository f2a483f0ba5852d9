/** What every command receives: validated options, the hub client, the log, Ctrl-C. */
import { Options } from './args';
import { HubClient } from './hub-client';
import { Logger } from './log';

export interface RunContext {
  readonly options: Options;
  readonly client: HubClient;
  readonly log: Logger;
  /** Fires on the first SIGINT/SIGTERM: stop starting work, clean up, report. */
  readonly signal: AbortSignal;
  /**
   * Users this run created (or tried to create) and has not removed yet. A second Ctrl-C
   * reports these as possibly left behind.
   */
  readonly ledger: Set<string>;
}
