/**
 * The placeholder CronJobs as synthesized: one per change, in the schedule's time zone,
 * running the scaler script from its ConfigMap as a service account whose role allows
 * get and patch on one StatefulSet's scale and nothing else; and the hackweek platform
 * stack ships them from its timetable. The chart's StatefulSet name is read from the
 * pinned chart, not retyped.
 */
import { readFileSync } from 'node:fs';
import {
  PLACEHOLDER_SCALER_IMAGE,
  PlaceholderSchedule,
  SCALE_SCRIPT,
  USER_PLACEHOLDER_STATEFULSET,
} from '../../../lib/jupyterhub/placeholder-schedule';
import { probeStack, synthJson } from '../../support/constructs';
import { StackJson, resourcesOf, synthStacks } from '../../support/synth';
import { renderRelease } from '../../support/helm';

const changes = [
  { schedule: '15 8 * * 1,2,3,4,5', replicas: 8 },
  { schedule: '0 17 * * 1,2,3,4,5', replicas: 0 },
];

function synth(props: Partial<ConstructorParameters<typeof PlaceholderSchedule>[2]> = {}): StackJson {
  const stack = probeStack();
  new PlaceholderSchedule(stack, 'placeholder-schedule', {
    namespace: 'jupyterhub',
    timeZone: 'America/Los_Angeles',
    changes,
    ...props,
  });
  return synthJson(stack);
}

const bodies = (json: StackJson, type: string) => resourcesOf(json, type).map(([, body]) => body);

describe('PlaceholderSchedule', () => {
  const json = synth();

  it('runs one CronJob per change, at its time in the named zone, never overlapping', () => {
    const jobs = bodies(json, 'kubernetes_cron_job_v1');
    expect(jobs.map((j) => [j.spec.schedule, j.spec.timezone, j.spec.concurrency_policy])).toEqual([
      ['15 8 * * 1,2,3,4,5', 'America/Los_Angeles', 'Forbid'],
      ['0 17 * * 1,2,3,4,5', 'America/Los_Angeles', 'Forbid'],
    ]);
    const commands = jobs.map((j) => j.spec.job_template.spec.template.spec.container[0].command);
    expect(commands.map((c) => c.slice(-5))).toEqual([
      ['--namespace', 'jupyterhub', '--statefulset', 'user-placeholder', '8'],
      ['--namespace', 'jupyterhub', '--statefulset', 'user-placeholder', '0'],
    ]);
  });

  it('runs the scaler script from its ConfigMap in a pinned image, unprivileged, on the core pool', () => {
    const [configMap] = bodies(json, 'kubernetes_config_map_v1');
    expect(configMap.data['scale_placeholders.py']).toBe(readFileSync(SCALE_SCRIPT, 'utf8'));
    const pod = bodies(json, 'kubernetes_cron_job_v1')[0].spec.job_template.spec.template.spec;
    expect(pod.volume[0].config_map.name).toMatch(
      /^\$\{kubernetes_config_map_v1\.placeholder-schedule_script_\w+\.metadata\[0\]\.name\}$/,
    );
    expect(configMap.metadata.name).toBe('placeholder-scaler-script');
    const container = pod.container[0];
    expect(container.command[1]).toBe(`${container.volume_mount[0].mount_path}/scale_placeholders.py`);
    expect(container.image).toBe(PLACEHOLDER_SCALER_IMAGE);
    expect(container.image).toMatch(/:\d+\.\d+\.\d+-alpine\d+\.\d+$/);
    expect(container.security_context).toMatchObject({
      allow_privilege_escalation: false,
      read_only_root_filesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.security_context.run_as_non_root).toBe(true);
    expect(pod.node_selector).toEqual({ 'hub.jupyter.org/node-purpose': 'core' });
    expect(pod.service_account_name).toMatch(
      /kubernetes_service_account_v1\..*\.metadata\[0\]\.name|placeholder-scaler/,
    );
  });

  it('binds its service account to a role that may only get and patch that StatefulSet scale', () => {
    const [role] = bodies(json, 'kubernetes_role_v1');
    expect(role.rule).toEqual([
      {
        api_groups: ['apps'],
        resources: ['statefulsets/scale'],
        resource_names: ['user-placeholder'],
        verbs: ['get', 'patch'],
      },
    ]);
    const [binding] = bodies(json, 'kubernetes_role_binding_v1');
    expect(binding.role_ref).toMatchObject({ kind: 'Role' });
    expect(binding.subject).toEqual([
      expect.objectContaining({ kind: 'ServiceAccount', namespace: 'jupyterhub' }),
    ]);
  });

  it('without a timetable, keeps the account, its one-StatefulSet role and the script, and no CronJob', () => {
    const json = synth({ changes: [] });
    expect(bodies(json, 'kubernetes_cron_job_v1')).toEqual([]);
    expect(bodies(json, 'kubernetes_service_account_v1')).toHaveLength(1);
    const [role] = bodies(json, 'kubernetes_role_v1');
    expect(role.rule).toEqual([
      expect.objectContaining({ resources: ['statefulsets/scale'], resource_names: ['user-placeholder'] }),
    ]);
    expect(Object.keys(bodies(json, 'kubernetes_config_map_v1')[0].data)).toEqual(['scale_placeholders.py']);
  });

  it('rejects a negative count and a malformed cron expression', () => {
    expect(() => synth({ changes: [{ schedule: '0 8 * * 1', replicas: -1 }] })).toThrow(
      /changes\.0\.replicas: -1 must be a whole number, 0 or more/,
    );
    expect(() => synth({ changes: [{ schedule: '0 8 * *', replicas: 1 }] })).toThrow(
      /changes\.0\.schedule: '0 8 \* \*' is not a five-field cron expression/,
    );
  });
});

describe('the hackweek platform stack', () => {
  const stack = synthStacks().get('hub-platform-hackweek')!;

  it('ships the timetable as CronJobs in Seattle time, after the JupyterHub release', () => {
    const jobs = bodies(stack, 'kubernetes_cron_job_v1');
    expect(jobs.map((j) => [j.spec.schedule, j.spec.timezone])).toEqual([
      ['15 8 * * 1,2,3,4,5', 'America/Los_Angeles'],
      ['0 17 * * 1,2,3,4,5', 'America/Los_Angeles'],
    ]);
    const counts = jobs.map((j) => j.spec.job_template.spec.template.spec.container[0].command.at(-1));
    expect(counts).toEqual(['8', '0']);
    const [role] = bodies(stack, 'kubernetes_role_v1');
    expect(role.depends_on.some((d: string) => d.startsWith('helm_release.'))).toBe(true);
  });

  it("scales the StatefulSet that helm renders from the pinned chart with the release's values", async () => {
    const [, release] = resourcesOf(stack, 'helm_release').find(([, r]) => r.chart === 'jupyterhub')!;
    const { manifests } = await renderRelease(release, '1.35');
    const sets = manifests.filter((m) => m.kind === 'StatefulSet').map((m) => m.metadata.name);
    expect(sets).toContain(USER_PLACEHOLDER_STATEFULSET);
    const [role] = bodies(stack, 'kubernetes_role_v1');
    expect(role.rule[0].resource_names).toEqual([USER_PLACEHOLDER_STATEFULSET]);
    expect(role.metadata.namespace).toBe(release.namespace);
  });

  it('is the only environment with placeholder CronJobs (the others keep hub.placeholders all week)', () => {
    const withJobs = [...synthStacks().entries()]
      .filter(([, s]) => bodies(s, 'kubernetes_cron_job_v1').length > 0)
      .map(([id]) => id);
    expect(withJobs).toEqual(['hub-platform-hackweek']);
  });
});
