/**
 * The hub's Python hooks, kept as Python files in values/jupyterhub/files/ and shipped
 * through the chart: hub.extraFiles mounts them next to jupyterhub_config.py (which puts
 * its own folder on sys.path), hub.extraConfig imports them, and `custom` carries their
 * data. The Python is tested against KubeSpawner and JupyterHub in the hub's own Python
 * environment (test/lib/jupyterhub/hub-hooks.test.ts).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { HubConfig } from '../../config/hub-schema';
import { NightModeConfig } from '../../config/schedule-schema';
import { SHARED_CLAIM } from '../hub-storage';
import { VALUES_DIR, Values } from '../platform/helm-values';
import { SHARED_READWRITE_MOUNT_PATH, SMOKE_TEST_USER } from './names';
import { ProfileAccess } from './profile-list';
import { ServerOwner } from './user-server-owner';

/** The folder of the hub's Python modules. */
export const HOOKS_DIR = join(VALUES_DIR, 'jupyterhub', 'files');

/** Where jupyterhub_config.py lives in the hub image; modules there are importable. */
const HUB_CONFIG_DIR = '/usr/local/etc/jupyterhub';

export const HOOK_MODULES = [
  'shared_folder',
  'hub_access',
  'server_owner',
  'secure_cookies',
  'hub_login',
  'profile_idle',
  'night_mode',
] as const;

/** Volume name of the shared claim in user pods (singleuser.storage.extraVolumes). */
export const SHARED_VOLUME = 'shared';

export interface HubHookInputs {
  readonly hub: HubConfig;
  /** Each profile's start timeout in seconds, by slug. */
  readonly startTimeouts: Readonly<Record<string, number>>;
  readonly profileAccess: Readonly<Record<string, ProfileAccess>>;
  /** Slug of the profile KubeSpawner applies when a spawn names none. */
  readonly defaultProfile: string;
  readonly githubTeamGroups: boolean;
  /** The object every server pod is owned by, so deleting it stops them all. @default none */
  readonly serverOwner?: ServerOwner;
  /** The hub_login module's settings (lib/jupyterhub/authentication.ts). @default {} */
  readonly login?: Values;
}

/** hub.extraFiles, hub.extraConfig and the `custom` data the hooks read. */
export function hubHookValues(inputs: HubHookInputs): {
  extraFiles: Values;
  extraConfig: Values;
  custom: Values;
} {
  const extraFiles = Object.fromEntries(
    HOOK_MODULES.map((module) => [
      module.replace(/_/g, '-'),
      {
        mountPath: `${HUB_CONFIG_DIR}/${module}.py`,
        stringData: readFileSync(join(HOOKS_DIR, `${module}.py`), 'utf8'),
      },
    ]),
  );
  const night = inputs.hub.schedule?.nightMode;
  const extraConfig = {
    '10-hub-hooks': [
      'import hub_access, hub_login, night_mode, profile_idle, secure_cookies, server_owner, shared_folder',
      'shared_folder.configure(c, get_config("custom.sharedFolder"))',
      'hub_access.configure(c, get_config("custom.hubAccess"))',
      'server_owner.configure(c, get_config("custom.serverOwner"))',
      'secure_cookies.configure(c, get_config("custom.cookies"))',
      'hub_login.configure(c, get_config("custom.hubLogin"))',
      'profile_idle.configure(c, get_config("custom.profileIdle"))',
      'if get_config("custom.nightMode"):',
      '    night_mode.configure(c, get_config("custom.nightMode"))',
      '',
    ].join('\n'),
  };
  const custom = {
    sharedFolder: {
      volume: SHARED_VOLUME,
      claim: SHARED_CLAIM,
      readWriteMountPath: SHARED_READWRITE_MOUNT_PATH,
      instructors: { users: [...inputs.hub.instructors.users], groups: [...inputs.hub.instructors.groups] },
    },
    hubAccess: {
      profileAccess: inputs.profileAccess,
      startTimeouts: { ...inputs.startTimeouts },
      defaultProfile: inputs.defaultProfile,
      githubTeamGroups: inputs.githubTeamGroups,
    },
    ...(inputs.serverOwner ? { serverOwner: { ...inputs.serverOwner } } : {}),
    // Every hub is served over HTTPS (ACM at the NLB, or Let's Encrypt at Traefik).
    cookies: { secure: true },
    // The smoke test's user, made through the API, never logs in: its spawns skip the refresh.
    hubLogin: { ...inputs.login, apiOnlyUsers: [SMOKE_TEST_USER] },
    profileIdle: {
      idleTimeouts: Object.fromEntries(
        inputs.hub.profiles.flatMap((p) => (p.idleTimeoutSeconds ? [[p.slug, p.idleTimeoutSeconds]] : [])),
      ),
      defaultProfile: inputs.defaultProfile,
    },
    ...(night ? { nightMode: nightModeSettings(night, inputs.hub) } : {}),
  };
  return { extraFiles, extraConfig, custom };
}

/**
 * What night_mode.py reads: the night in the schedule's zone, and whether the hub must
 * create the opt-out group itself (a login that supplies no groups: admins fill it).
 */
function nightModeSettings(night: NightModeConfig, hub: HubConfig) {
  return {
    timeZone: hub.schedule!.timeZone,
    start: night.start,
    end: night.end,
    idleSeconds: night.idleSeconds,
    optOutGroup: night.optOutGroup,
    announceMinutesBefore: night.announceMinutesBefore,
    checkIntervalSeconds: night.checkIntervalSeconds,
    createOptOutGroup: hub.authentication.type === 'shared-password',
  };
}
