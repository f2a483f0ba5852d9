/**
 * `down`'s export: home directories, the shared folder and the usage report go to the
 * environment's archive bucket (stacks/event-archive-stack.ts) under `<event>/<date>/`.
 * The data is on EFS inside the VPC, so the copy runs in the cluster: a Job in the hub
 * namespace mounts the `home` and `shared` claims read-only and runs our uploader
 * (archive_upload.py, shipped in a ConfigMap) as the archive-export service account, whose
 * IAM role may only write that event's folder. This module builds those objects and runs
 * the Job through the Kubernetes API, waiting for it to finish.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { HOME_CLAIM, HUB_NAMESPACE, NOTEBOOK_GID, NOTEBOOK_UID, SHARED_CLAIM } from '../../lib/hub-storage';
import { PROJECT_ROOT } from '../../lib/project-paths';
import { KubeApi } from './prewarm';

/** The Job's image: Python to run the uploader, pinned by tag. */
export const EXPORT_IMAGE = 'docker.io/library/python:3.12.12-slim-bookworm';
/** The uploader, run as is in the Job and in the tests. */
export const UPLOADER_PATH = join(PROJECT_ROOT, 'tools', 'event', 'archive_upload.py');
const REQUIREMENTS_PATH = join(PROJECT_ROOT, 'python', 'requirements.txt');

/** The exact version python/requirements.txt pins for `name`, so the Job runs what the tests ran. */
export function pinnedPythonPackage(
  name: string,
  requirements = readFileSync(REQUIREMENTS_PATH, 'utf8'),
): string {
  const line = requirements.split('\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}==`));
  if (!line) throw new Error(`python/requirements.txt pins no ${name}`);
  return line.trim();
}

/** `<event>/<YYYY-MM-DD>`: the folder one export goes under, by the UTC date it ran. */
export function exportPrefix(event: string, at: Date): string {
  return `${event}/${at.toISOString().slice(0, 10)}`;
}

export interface ExportJobProps {
  readonly bucket: string;
  readonly region: string;
  /** `<event>/<date>` (exportPrefix). */
  readonly prefix: string;
  /** The archive-export role (cluster stack) the service account is annotated with. */
  readonly roleArn: string;
  readonly serviceAccount: string;
  /** Files of the usage report, by name, uploaded under `<prefix>/report/`. @default none */
  readonly report?: Readonly<Record<string, Buffer>>;
  /** Seconds the Job may run before Kubernetes stops it. @default 10800 (3 hours) */
  readonly deadlineSeconds?: number;
  /** @default the uploader's file */
  readonly uploader?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type KubeObject = Record<string, any>;

export interface ExportObjects {
  readonly serviceAccount: KubeObject;
  readonly configMap: KubeObject;
  readonly job: KubeObject;
}

const MOUNTS = { home: '/export/home', shared: '/export/shared', report: '/export/report' } as const;
const SCRIPT_DIR = '/opt/export';

/** The service account, the ConfigMap (uploader and report) and the Job of one export. */
export function exportObjects(props: ExportJobProps): ExportObjects {
  const date = props.prefix.split('/').pop() ?? '';
  const name = `archive-export-${date}`;
  const labels = {
    'app.kubernetes.io/name': 'archive-export',
    'app.kubernetes.io/managed-by': 'npm-run-event',
  };
  const report = Object.entries(props.report ?? {});
  const serviceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: props.serviceAccount,
      namespace: HUB_NAMESPACE,
      labels,
      annotations: { 'eks.amazonaws.com/role-arn': props.roleArn },
    },
    automountServiceAccountToken: false,
  };
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: HUB_NAMESPACE, labels },
    data: { 'archive_upload.py': props.uploader ?? readFileSync(UPLOADER_PATH, 'utf8') },
    binaryData: Object.fromEntries(report.map(([file, body]) => [file, body.toString('base64')])),
  };
  const sources = [
    `home=${MOUNTS.home}`,
    `shared=${MOUNTS.shared}`,
    ...(report.length ? [`report=${MOUNTS.report}`] : []),
  ];
  const readOnly = { readOnly: true };
  const containerSecurity = {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: HUB_NAMESPACE, labels },
    spec: {
      backoffLimit: 2,
      activeDeadlineSeconds: props.deadlineSeconds ?? 10_800,
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: props.serviceAccount,
          restartPolicy: 'Never',
          securityContext: {
            runAsUser: NOTEBOOK_UID,
            runAsGroup: NOTEBOOK_GID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          initContainers: [
            {
              name: 'boto3',
              image: EXPORT_IMAGE,
              command: [
                'pip',
                'install',
                '--no-cache-dir',
                '--target',
                '/deps',
                pinnedPythonPackage('boto3'),
              ],
              env: [{ name: 'HOME', value: '/tmp' }],
              securityContext: containerSecurity,
              volumeMounts: [
                { name: 'deps', mountPath: '/deps' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          containers: [
            {
              name: 'upload',
              image: EXPORT_IMAGE,
              command: [
                'python',
                `${SCRIPT_DIR}/archive_upload.py`,
                '--bucket',
                props.bucket,
                '--prefix',
                props.prefix,
                ...sources.flatMap((s) => ['--source', s]),
              ],
              env: [
                { name: 'PYTHONPATH', value: '/deps' },
                { name: 'HOME', value: '/tmp' },
                { name: 'AWS_REGION', value: props.region },
              ],
              resources: {
                requests: { cpu: '250m', memory: '256Mi' },
                limits: { memory: '512Mi' },
              },
              securityContext: containerSecurity,
              volumeMounts: [
                { name: 'home', mountPath: MOUNTS.home, ...readOnly },
                { name: 'shared', mountPath: MOUNTS.shared, ...readOnly },
                { name: 'files', mountPath: SCRIPT_DIR, ...readOnly },
                ...(report.length ? [{ name: 'report', mountPath: MOUNTS.report, ...readOnly }] : []),
                { name: 'deps', mountPath: '/deps', ...readOnly },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'home', persistentVolumeClaim: { claimName: HOME_CLAIM, readOnly: true } },
            { name: 'shared', persistentVolumeClaim: { claimName: SHARED_CLAIM, readOnly: true } },
            {
              name: 'files',
              configMap: { name, items: [{ key: 'archive_upload.py', path: 'archive_upload.py' }] },
            },
            ...(report.length
              ? [
                  {
                    name: 'report',
                    configMap: { name, items: report.map(([file]) => ({ key: file, path: file })) },
                  },
                ]
              : []),
            { name: 'deps', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
  return { serviceAccount, configMap, job };
}

/** What the uploader's last line says. */
export interface ExportSummary {
  readonly bucket: string;
  readonly prefix: string;
  readonly objects: number;
  readonly bytes: number;
  readonly skipped: ReadonlyArray<{ path: string; kind: string }>;
  readonly failed: ReadonlyArray<{ key: string; error: string }>;
  readonly manifest?: string;
}

async function kube(
  api: KubeApi,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: KubeObject | undefined; text: string }> {
  const response = await fetch(`${api.url.replace(/\/$/, '')}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(api.token ? { authorization: `Bearer ${api.token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json: KubeObject | undefined;
  try {
    json = text ? (JSON.parse(text) as KubeObject) : undefined;
  } catch {
    // a log or an error page: keep the text
  }
  return { status: response.status, json, text };
}

function expectOk(what: string, answer: { status: number; text: string }, also: number[] = []): void {
  if (answer.status >= 300 && !also.includes(answer.status))
    throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
}

const core = (kind: string, name?: string) =>
  `/api/v1/namespaces/${HUB_NAMESPACE}/${kind}${name ? `/${name}` : ''}`;
const jobs = (name?: string) => `/apis/batch/v1/namespaces/${HUB_NAMESPACE}/jobs${name ? `/${name}` : ''}`;

/** Creates `object` at `collection`, or replaces the one of its name. */
async function apply(api: KubeApi, collection: string, object: KubeObject): Promise<void> {
  const created = await kube(api, 'POST', collection, object);
  if (created.status !== 409) return expectOk(`POST ${collection}`, created);
  expectOk(
    `PUT ${collection}/${object.metadata.name}`,
    await kube(api, 'PUT', `${collection}/${object.metadata.name}`, object),
  );
}

function finished(job: KubeObject | undefined): 'Complete' | 'Failed' | undefined {
  const condition = (job?.status?.conditions ?? []).find(
    (c: KubeObject) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
  return condition?.type;
}

export interface RunExportOptions {
  /** Between two looks at the Job. @default 10000 */
  readonly pollMs?: number;
  /** How long to wait for it in all. @default 3 hours */
  readonly timeoutMs?: number;
  readonly progress?: (line: string) => void;
}

/**
 * Runs the export: the service account and ConfigMap applied, the Job created (or, when
 * one of the same date is already there, watched: a rerun of `down` picks it up; a failed
 * one is replaced), then waited for. Resolves with the uploader's summary from the Job's
 * log; rejects when the Job fails, the uploader reports a failure, or time runs out.
 */
export async function runExportJob(
  api: KubeApi,
  objects: ExportObjects,
  options: RunExportOptions = {},
): Promise<ExportSummary> {
  const pollMs = options.pollMs ?? 10_000;
  const deadline = Date.now() + (options.timeoutMs ?? 3 * 3600_000);
  const say = options.progress ?? (() => {});
  const name = objects.job.metadata.name as string;
  const sleep = () => new Promise((resolve) => setTimeout(resolve, pollMs));

  await apply(api, core('serviceaccounts'), objects.serviceAccount);
  await apply(api, core('configmaps'), objects.configMap);
  let created = await kube(api, 'POST', jobs(), objects.job);
  if (created.status === 409) {
    const existing = await kube(api, 'GET', jobs(name));
    if (finished(existing.json) === 'Failed') {
      say(`job ${name} failed before; replacing it`);
      expectOk(
        `DELETE job ${name}`,
        await kube(api, 'DELETE', `${jobs(name)}?propagationPolicy=Background`),
        [404],
      );
      while ((await kube(api, 'GET', jobs(name))).status !== 404) {
        if (Date.now() > deadline) throw new Error(`job ${name} was not deleted in time`);
        await sleep();
      }
      created = await kube(api, 'POST', jobs(), objects.job);
    } else say(`job ${name} is already there; waiting for it`);
  }
  if (created.status !== 409) expectOk(`POST job ${name}`, created);

  for (;;) {
    const job = (await kube(api, 'GET', jobs(name))).json;
    const state = finished(job);
    if (state === 'Failed')
      throw new Error(
        `job ${name} failed: ${job?.status?.conditions?.find((c: KubeObject) => c.type === 'Failed')?.message ?? "see its pods' logs"}`,
      );
    if (state === 'Complete') break;
    say(`job ${name}: ${job?.status?.active ?? 0} running, ${job?.status?.failed ?? 0} failed so far`);
    if (Date.now() > deadline)
      throw new Error(`job ${name} did not finish in time; it goes on: run down again to wait for it`);
    await sleep();
  }

  const pods = await kube(
    api,
    'GET',
    `${core('pods')}?labelSelector=${encodeURIComponent(`job-name=${name}`)}`,
  );
  expectOk('GET pods', pods);
  const succeeded = (pods.json?.items ?? []).find((p: KubeObject) => p.status?.phase === 'Succeeded');
  if (!succeeded) throw new Error(`job ${name} completed but none of its pods shows Succeeded`);
  const log = await kube(api, 'GET', `${core('pods', succeeded.metadata.name)}/log?container=upload`);
  expectOk('GET log', log);
  const last = log.text.trim().split('\n').pop() ?? '';
  let summary: ExportSummary;
  try {
    summary = JSON.parse(last) as ExportSummary;
  } catch {
    throw new Error(`job ${name}: the uploader's log does not end in its summary: ${last.slice(0, 200)}`);
  }
  if (summary.failed.length || !summary.manifest)
    throw new Error(`job ${name}: ${summary.failed.length} file(s) failed, e.g. ${summary.failed[0]?.key}`);
  return summary;
}
