/**
 * The prewarm's undo Job is written for the Kubernetes API, the platform stack's placeholder
 * CronJobs for the Terraform provider: two shapes of one pod. Read back into the API's
 * shape, the CronJob's pod must be the Job's, but for what each run is told (the count,
 * and the Job's --at), so a change to one (image, user, limits, mounts) reaches the other.
 */
import { undoJob } from '../../../tools/event/prewarm';
import { resourcesOf, StackJson, synthStacks } from '../../support/synth';

const platform = synthStacks().get('hub-platform-hackweek')!;

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
/** The provider's singular block names for the API's lists. */
const LISTS: Record<string, string> = {
  container: 'containers',
  volume: 'volumes',
  volumeMount: 'volumeMounts',
};
/** The provider takes these integers as strings. */
const INTEGERS = new Set(['runAsUser', 'runAsGroup']);

/** A resource's name for a reference to its `metadata[0].name`. */
function resolveName(value: string): string {
  const match = /^\$\{([\w-]+)\.([\w-]+)\.metadata\[0\]\.name\}$/.exec(value);
  if (!match) return value;
  const [, type, id] = match;
  const [, resource] = resourcesOf(platform, type).find(([key]) => key === id)!;
  return resource.metadata.name;
}

/** Terraform provider JSON in the Kubernetes API's shape. */
function apiShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(apiShape);
  if (typeof value === 'string') return resolveName(value);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      const name = camel(key);
      return [LISTS[name] ?? name, INTEGERS.has(name) ? Number(inner) : apiShape(inner)];
    }),
  );
}

describe("the prewarm's undo Job", () => {
  const cronJobs = resourcesOf(platform, 'kubernetes_cron_job_v1').map(([, body]) => body);
  const at = new Date('2026-03-02T18:00:00Z');
  const job = undoJob(3, at, new Date('2026-03-02T09:00:00Z')).manifest as StackJson;

  it('has the placeholder CronJobs to compare with', () => {
    expect(cronJobs.length).toBeGreaterThan(0);
  });

  it("runs the CronJobs' pod, told its own count and time", () => {
    const jobPod = job.spec.template.spec;
    for (const cronJob of cronJobs) {
      const cronPod = apiShape(cronJob.spec.job_template.spec.template.spec) as StackJson;
      expect(jobPod.containers[0].command).toEqual([
        ...cronPod.containers[0].command.slice(0, -1),
        '--at',
        at.toISOString(),
        '3',
      ]);
      const withoutCommand = (pod: StackJson) => ({
        ...pod,
        containers: pod.containers.map((c: StackJson) => ({ ...c, command: undefined })),
      });
      expect(withoutCommand(jobPod)).toEqual(withoutCommand(cronPod));
    }
  });
});
