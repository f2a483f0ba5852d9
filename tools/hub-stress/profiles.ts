/**
 * The profiles a hub of this product offers its hub-stress users, from the environment in
 * config/ whose hub name is the endpoint's host: the same list the synth writes into the
 * hub's profile_list. JupyterHub's REST API does not publish the profile list (only the
 * spawn page shows it, to a logged-in browser), so config/ is where the tool reads it,
 * before anything is created, in a dry run too.
 */
import { ENVIRONMENTS } from '../../config';
import { loadEnvironments } from '../../config/load';
import { ProfileConfig } from '../../config/schema';

/** A hub as the tool needs it: its environment and profiles. */
export interface ConfiguredHub {
  readonly environment: string;
  /** The hub's DNS name, which the endpoint's host must equal. */
  readonly host: string;
  readonly profiles: readonly Pick<ProfileConfig, 'slug' | 'allowedUsers' | 'allowedGroups'>[];
}

/** The configured hub the endpoint belongs to, if any. */
export function hubOfEndpoint(endpoint: string, hubs: readonly ConfiguredHub[]): ConfiguredHub | undefined {
  const host = new URL(endpoint).hostname;
  return hubs.find((hub) => hub.host === host);
}

/**
 * Why `slug` cannot be requested by hub-stress users on `hub`, or undefined when it can.
 * Its users are fresh accounts in no group, so a profile open only to some users or groups
 * is as unavailable to them as a misspelt one.
 */
export function profileProblem(slug: string, hub: ConfiguredHub): string | undefined {
  const open = hub.profiles.filter((p) => !p.allowedUsers && !p.allowedGroups).map((p) => p.slug);
  const profile = hub.profiles.find((p) => p.slug === slug);
  if (!profile) {
    return `--profile: ${JSON.stringify(slug)} is not a profile of the ${hub.environment} hub (${hub.host}); its profiles: ${hub.profiles.map((p) => p.slug).join(', ')}`;
  }
  if (!open.includes(slug)) {
    return `--profile: ${JSON.stringify(slug)} is open only to some users or groups on the ${hub.environment} hub, and hub-stress users are in none; open profiles: ${open.join(', ') || 'none'}`;
  }
  return undefined;
}

/** The hubs of the environments in config/; none when config/ does not validate (the synth says why). */
export function configuredHubs(): ConfiguredHub[] {
  try {
    return loadEnvironments(ENVIRONMENTS).map((env) => ({
      environment: env.name,
      host: env.hub.domain.name,
      profiles: env.hub.profiles,
    }));
  } catch {
    return [];
  }
}
