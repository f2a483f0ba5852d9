/** Pieces every command's report shares. */
import { RunContext } from '../context';
import { Report } from '../report';
import { summarize } from '../stats';

type Shared = Pick<
  Report,
  'command' | 'endpoint' | 'prefix' | 'dryRun' | 'wallTimeS' | 'retries' | 'apiLatencyMs'
>;

/** The fields every report has, measured from `startedAt` to now. */
export function baseReport(ctx: RunContext, startedAt: number): Shared {
  const { options, client } = ctx;
  return {
    command: options.command,
    endpoint: options.endpoint,
    prefix: options.prefix,
    dryRun: options.dryRun,
    wallTimeS: Math.round((Date.now() - startedAt) / 100) / 10,
    retries: client.retries.toJSON(),
    apiLatencyMs: summarize(client.latencies),
  };
}
