/** `status`: how many `<prefix>-NNNN` users exist and what state their servers are in. */
import { RunContext } from '../context';
import { SERVER_STATES, serverState } from '../lifecycle';
import { Report } from '../report';
import { Tally } from '../stats';
import { baseReport } from './common';

export async function status(ctx: RunContext): Promise<Report> {
  const startedAt = Date.now();
  const users = await ctx.client.listTestUsers(ctx.options.prefix);
  const servers = new Tally();
  // Every state appears in the report, also at zero, so scripts can read it without defaults.
  for (const state of SERVER_STATES) if (state !== 'gone') servers.add(state, 0);
  for (const user of users) servers.add(serverState(user));
  return {
    ...baseReport(ctx, startedAt),
    interrupted: false,
    kept: false,
    failures: {},
    status: { users: users.length, servers: servers.toJSON() },
  };
}
