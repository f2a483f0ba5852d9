/**
 * The hub's whole configuration loads, for every environment: the pinned chart's own
 * jupyterhub_config.py and z2jh.py, with what helm renders for our synthesized release
 * (values, generated secrets, resource names, our hub.extraFiles) laid out at the hub
 * pod's mount paths and the hub container's environment, loaded by JupyterHub 5.5's config
 * loader in the hub's Python environment (load_hub_config.py). What it reports comes from
 * the real objects the loaded config makes (the app, the authenticator, KubeSpawner driven
 * through each profile), and must carry what config/ asked for.
 */
import { profileStartTimeout } from '../../../config/hub-checks';
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Environment } from '../../../config/schema';
import { authenticationValues } from '../../../lib/jupyterhub/authentication';
import {
  EVENT_OPERATOR_SCOPES,
  PROFILE_LABEL,
  SHARED_MOUNT_PATH,
  SHARED_READWRITE_MOUNT_PATH,
} from '../../../lib/jupyterhub/names';
import { layOutHubPod, renderRelease } from '../../support/hub-pod';
import { configuredEnvironments, releaseOf, synthStacks } from '../../support/synth';
import { hubPython } from '../../support/tools';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Report = Record<string, any>;

/**
 * The class an authenticator_class value names: a dotted import path as is, or one of
 * JupyterHub's entry-point names (jupyterhub.authenticators in its package metadata).
 */
function authenticatorClassNamed(value: string): string {
  const entryPoints: Record<string, string> = {
    'shared-password': 'jupyterhub.authenticators.shared.SharedPasswordAuthenticator',
  };
  return entryPoints[value] ?? value;
}

/** Bytes in a memory size as JupyterHub's ByteSpecification reads it (K, M, G, T in 1024s). */
function jupyterhubBytes(size: string): number {
  const match = /^([0-9.]+)([KMGT]?)$/.exec(size);
  if (!match) throw new Error(`test: cannot read memory size ${size}`);
  return Math.floor(Number(match[1]) * 1024 ** ' KMGT'.indexOf(match[2] || ' '));
}

function loadHubConfig(env: Environment): { report: Report; outsideSecrets: string[]; log: string } {
  const { body } = releaseOf(synthStacks().get(`hub-platform-${env.name}`)!, 'jupyterhub');
  const objects = renderRelease(body, env.cluster.kubernetesVersion);
  const root = mkdtempSync(join(tmpdir(), `hub-pod-${env.name}-`));
  try {
    const pod = layOutHubPod(objects, body.namespace, root);
    const reportFile = join(root, 'report.json');
    const run = spawnSync(hubPython(), [join(__dirname, 'load_hub_config.py'), root, reportFile], {
      encoding: 'utf8',
      timeout: 300_000,
      // The pod's environment only (and where to find programs), as in the container.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: root,
        PYTHONDONTWRITEBYTECODE: '1',
        ...pod.env,
      },
    });
    if (run.error) throw run.error;
    const log = `${run.stdout}${run.stderr}`;
    if (run.status !== 0) {
      const hint = /ModuleNotFoundError/.test(log)
        ? '\n(a module is missing: bring the environment up to python/requirements.txt with `bash .ci/setup-python.sh`)'
        : '';
      throw new Error(`the hub config of ${env.name} did not load:\n${log}${hint}`);
    }
    return { report: JSON.parse(readFileSync(reportFile, 'utf8')), outsideSecrets: pod.outsideSecrets, log };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const environments = configuredEnvironments();

describe.each(environments.map((env) => [env.name, env] as const))(
  'the hub configuration of %s',
  (_name, env) => {
    let loaded: ReturnType<typeof loadHubConfig>;
    let report: Report;
    const { hub } = env;

    beforeAll(() => {
      loaded = loadHubConfig(env);
      report = loaded.report;
    }, 300_000);

    it("loads in JupyterHub 5.5's config loader through the chart's own files, with our hooks", () => {
      expect(loaded.log).toContain('Loading /usr/local/etc/jupyterhub/secret/values.yaml');
      expect(loaded.log).toContain('Loading extra config: 10-hub-hooks');
      expect(loaded.log).not.toMatch(/Traceback|FATAL/);
    });

    it('offers each user the profiles config allows, in order', () => {
      const open = hub.profiles.filter((p) => !p.allowedUsers && !p.allowedGroups).map((p) => p.slug);
      expect(report.spawner.offered.everyone).toEqual(hub.profiles.map((p) => p.slug));
      expect(report.spawner.offered.participant).toEqual(open);
    });

    it.each(hub.profiles.map((p) => [p.slug, p] as const))(
      'starts profile %s with its guarantees, limits, pool and start timeout',
      (slug, profile) => {
        const spawned = report.spawner.profiles[slug];
        const timeout = profileStartTimeout(env, profile);
        expect(spawned).toMatchObject({
          cpu_guarantee: profile.cpu.guarantee,
          cpu_limit: profile.cpu.limit,
          mem_guarantee: jupyterhubBytes(profile.memory.guarantee!),
          mem_limit: jupyterhubBytes(profile.memory.limit!),
          // The hub's own wait, set before KubeSpawner applies the profile, and KubeSpawner's.
          hub_timeout: timeout,
          start_timeout: timeout,
        });
        expect(Number(spawned.requests.memory)).toBe(jupyterhubBytes(profile.memory.guarantee!));
        if (profile.gpus > 0) {
          expect(spawned.extra_resource_guarantees).toEqual({ 'nvidia.com/gpu': String(profile.gpus) });
        }
        if (profile.image) expect(spawned.image).toBe(`${profile.image.name}:${profile.image.tag}`);
        // The pool's label, whatever its key: the pool name is among the selector's values.
        expect(Object.values(spawned.node_selector)).toContain(profile.pool);
        // The pod carries its profile, which kube-state-metrics exports for the per-profile rules.
        expect(spawned.labels).toMatchObject({ [PROFILE_LABEL]: slug, component: 'singleuser-server' });
      },
    );

    it('gives a spawn that names no profile the default profile, with its own timeout', () => {
      const fallback = hub.profiles.find((p) => p.default) ?? hub.profiles[0];
      for (const who of ['everyone', 'participant']) {
        expect(report.spawner.default_spawn[who].labels[PROFILE_LABEL]).toBe(fallback.slug);
        expect(report.spawner.default_spawn[who]).toMatchObject({
          cpu_guarantee: fallback.cpu.guarantee,
          mem_guarantee: jupyterhubBytes(fallback.memory.guarantee!),
          hub_timeout: profileStartTimeout(env, fallback),
        });
      }
      // The chart-wide timeout is the longest profile's, so the hub never cuts one short.
      expect(report.spawner.chart_start_timeout).toBe(
        Math.max(...hub.profiles.map((p) => profileStartTimeout(env, p))),
      );
    });

    it("mounts the shared folder read-only for everyone and writable in instructors' servers", () => {
      const mounts = (who: string) => new Map<string, boolean>(report.spawner.default_spawn[who].mounts);
      expect(mounts('participant').get(SHARED_MOUNT_PATH)).toBe(true);
      expect(mounts('participant').has(SHARED_READWRITE_MOUNT_PATH)).toBe(false);
      const instructors = hub.instructors.users.length + hub.instructors.groups.length;
      // The user in every group config names is an instructor wherever config names any.
      expect(mounts('everyone').get(SHARED_READWRITE_MOUNT_PATH)).toBe(instructors > 0 ? false : undefined);
    });

    it('runs the idle culler with the configured timeout, interval and maximum age', () => {
      const culler = report.hub.services.find((s: { name: string }) => s.name === 'jupyterhub-idle-culler');
      expect(culler).toBeDefined();
      const args: string[] = culler.command;
      expect(args.slice(0, 3)).toEqual(['python3', '-m', 'jupyterhub_idle_culler']);
      expect(args).toContain(`--timeout=${hub.culling.idleTimeoutSeconds}`);
      expect(args).toContain(`--cull-every=${hub.culling.checkIntervalSeconds}`);
      if (hub.culling.maxAgeSeconds > 0) expect(args).toContain(`--max-age=${hub.culling.maxAgeSeconds}`);
      else expect(args.some((a) => a.startsWith('--max-age'))).toBe(false);
      const role = report.hub.load_roles.find((r: { name: string }) => r.name === 'jupyterhub-idle-culler');
      expect(role.services).toEqual(['jupyterhub-idle-culler']);
    });

    it('sets the spawn limits and keeps metrics behind a token the scraper service holds', () => {
      expect(report.hub.concurrent_spawn_limit).toBe(hub.concurrentSpawnLimit);
      if (hub.activeServerLimit !== undefined)
        expect(report.hub.active_server_limit).toBe(hub.activeServerLimit);
      else expect(report.hub.active_server_limit).toBeGreaterThan(0);
      expect(report.hub.authenticate_prometheus).toBe(true);
      const metricsRoles = report.hub.load_roles.filter((r: { scopes: string[] }) =>
        r.scopes.includes('read:metrics'),
      );
      expect(metricsRoles).toHaveLength(1);
      const [scraper] = metricsRoles[0].services;
      expect(report.hub.services.find((s: { name: string }) => s.name === scraper)).toMatchObject({
        has_api_token: true,
      });
    });

    it("gives the organiser's tools a service with a token from the Secret and the operator role", () => {
      const role = report.hub.load_roles.find((r: { name: string }) => r.name === 'event-operator');
      expect(role).toMatchObject({ services: ['event-operator'], scopes: [...EVENT_OPERATOR_SCOPES] });
      expect(report.hub.services.find((s: { name: string }) => s.name === 'event-operator')).toMatchObject({
        has_api_token: true,
      });
    });

    it('logs in with the configured authenticator, allowing whom config allows', () => {
      const auth = hub.authentication;
      const got = report.authenticator;
      // The class config asks for (hub_login's subclasses for the OAuth logins), which
      // still is the oauthenticator class its hub.config section configures.
      const { JupyterHub } = authenticationValues(hub).config as {
        JupyterHub: { authenticator_class: string };
      };
      const configured = JupyterHub.authenticator_class;
      expect(got.class).toBe(authenticatorClassNamed(configured));
      expect(got.admin_users).toEqual(expect.arrayContaining([...hub.admins.users]));
      switch (auth.type) {
        case 'github':
          expect(got.bases).toContain('oauthenticator.github.GitHubOAuthenticator');
          expect(got.allowed_organizations).toEqual([...auth.allowedOrganizations].sort());
          expect(got.client_id).toBe(auth.clientId);
          expect(got.oauth_callback_url).toBe(`https://${hub.domain.name}/hub/oauth_callback`);
          expect(got.manage_groups).toBe(true);
          expect(got.auth_state_groups_key).toBe('callable');
          expect(got.admin_groups).toEqual([...hub.admins.groups].sort());
          expect(got.allow_all).toBe(false);
          break;
        case 'oidc':
          expect(got.bases).toContain('oauthenticator.generic.GenericOAuthenticator');
          expect(got.allowed_groups).toEqual([...auth.allowedGroups].sort());
          expect(got.client_id).toBe(auth.clientId);
          expect(got.manage_groups).toBe(true);
          expect(got.admin_groups).toEqual([...hub.admins.groups].sort());
          expect(got.allow_all).toBe(false);
          break;
        case 'shared-password':
          expect(got.bases).toContain('jupyterhub.authenticators.shared.SharedPasswordAuthenticator');
          expect(got.allow_all).toBe(true);
          break;
      }
    });

    it('reads the OAuth client secret from the Secret made outside the chart, and nothing else from outside', () => {
      // Every login reads one: the OAuth client secret, or the shared password.
      expect(loaded.outsideSecrets).toHaveLength(1);
      if (hub.authentication.type !== 'shared-password') {
        expect(report.authenticator.client_secret_set).toBe(true);
      }
    });
  },
);
