/**
 * Placeholders on a timetable: one Kubernetes CronJob per change of the count, each
 * setting the chart's user-placeholder StatefulSet to its count through the scale
 * subresource (lib/jupyterhub/scale_placeholders.py, shipped in a ConfigMap), in the
 * schedule's own time zone. The jobs' service account may get and patch that one
 * StatefulSet's scale and nothing else. Without a timetable (no changes) the account, its
 * role and the script are still there: `npm run event -- prewarm --until` runs its one-off
 * undo Job as that account (tools/event/prewarm.ts).
 */
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { readFileSync } from 'fs';
import { join } from 'path';
import { CORE_NODE_SELECTOR, guaranteed } from '../platform/placement';
import { PROJECT_ROOT } from '../project-paths';

/** The script each job runs, read from the checkout (a compiled build has no .py files beside it). */
export const SCALE_SCRIPT = join(PROJECT_ROOT, 'lib', 'jupyterhub', 'scale_placeholders.py');

/** The chart's placeholder StatefulSet (templates/scheduling/user-placeholder/statefulset.yaml, fullnameOverride ''). */
export const USER_PLACEHOLDER_STATEFULSET = 'user-placeholder';

/** A small pinned Python: the script needs only the standard library. */
export const PLACEHOLDER_SCALER_IMAGE = 'docker.io/library/python:3.13.5-alpine3.22';

/** Name of the jobs' service account, role and binding. */
export const PLACEHOLDER_SCALER = 'placeholder-scaler';

/** The script's key in the ConfigMap `<PLACEHOLDER_SCALER>-script`, and where pods mount it. */
export const PLACEHOLDER_SCRIPT_KEY = 'scale_placeholders.py';
export const PLACEHOLDER_SCRIPT_DIR = '/opt/placeholder-scaler';
/** nobody: the image's unprivileged user. */
export const PLACEHOLDER_SCALER_UID = 65534;
const SCRIPT_KEY = PLACEHOLDER_SCRIPT_KEY;
const SCRIPT_DIR = PLACEHOLDER_SCRIPT_DIR;
const RUN_AS = PLACEHOLDER_SCALER_UID;

/** From `schedule` (five-field cron, in the time zone) on, keep `replicas` placeholders. */
export interface PlaceholderChange {
  readonly schedule: string;
  readonly replicas: number;
}

export interface PlaceholderScheduleProps {
  /** Namespace of the JupyterHub release; the jobs and their role live there too. */
  readonly namespace: string;
  /** IANA time zone the cron expressions are in (CronJob spec.timeZone). */
  readonly timeZone: string;
  /** One CronJob each; none leaves only the account, role and script (for one-off jobs). */
  readonly changes: readonly PlaceholderChange[];
  /** @default USER_PLACEHOLDER_STATEFULSET */
  readonly statefulSet?: string;
  /** @default PLACEHOLDER_SCALER_IMAGE */
  readonly image?: string;
  /** What must exist first (the namespace). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

export class PlaceholderSchedule extends Construct {
  readonly serviceAccount: ServiceAccountV1;
  readonly role: RoleV1;
  readonly binding: RoleBindingV1;
  readonly cronJobs: CronJobV1[];

  constructor(scope: Construct, id: string, props: PlaceholderScheduleProps) {
    super(scope, id);
    const statefulSet = props.statefulSet ?? USER_PLACEHOLDER_STATEFULSET;
    const image = props.image ?? PLACEHOLDER_SCALER_IMAGE;
    const { namespace } = props;
    props.changes.forEach((change, i) => {
      if (!Number.isInteger(change.replicas) || change.replicas < 0) {
        throw new Error(
          `PlaceholderSchedule: changes.${i}.replicas: ${change.replicas} must be a whole number, 0 or more`,
        );
      }
      if (change.schedule.trim().split(/\s+/).length !== 5) {
        throw new Error(
          `PlaceholderSchedule: changes.${i}.schedule: '${change.schedule}' is not a five-field cron expression`,
        );
      }
    });
    const metadata = {
      name: PLACEHOLDER_SCALER,
      namespace,
      labels: { 'app.kubernetes.io/name': PLACEHOLDER_SCALER },
    };
    const dependsOn = props.dependsOn;

    this.serviceAccount = new ServiceAccountV1(this, 'service-account', { metadata, dependsOn });
    this.role = new RoleV1(this, 'role', {
      metadata,
      dependsOn,
      rule: [
        {
          apiGroups: ['apps'],
          resources: ['statefulsets/scale'],
          resourceNames: [statefulSet],
          verbs: ['get', 'patch'],
        },
      ],
    });
    this.binding = new RoleBindingV1(this, 'binding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.role.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: this.serviceAccount.metadata.name, namespace }],
    });
    const script = new ConfigMapV1(this, 'script', {
      metadata: { ...metadata, name: `${PLACEHOLDER_SCALER}-script` },
      dependsOn,
      data: { [SCRIPT_KEY]: readFileSync(SCALE_SCRIPT, 'utf8') },
    });

    this.cronJobs = props.changes.map(
      (change, i) =>
        new CronJobV1(this, `change-${i}`, {
          metadata: { ...metadata, name: `${PLACEHOLDER_SCALER}-${i}` },
          dependsOn: [this.binding, script],
          spec: {
            schedule: change.schedule,
            timezone: props.timeZone,
            // A run missed (controller down, node gone) still happens within the hour; runs never overlap.
            startingDeadlineSeconds: 3600,
            concurrencyPolicy: 'Forbid',
            successfulJobsHistoryLimit: 1,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
              metadata: {},
              spec: {
                backoffLimit: 3,
                activeDeadlineSeconds: 600,
                ttlSecondsAfterFinished: '86400',
                template: {
                  metadata: { labels: { 'app.kubernetes.io/name': PLACEHOLDER_SCALER } },
                  spec: {
                    serviceAccountName: this.serviceAccount.metadata.name,
                    restartPolicy: 'Never',
                    nodeSelector: { ...CORE_NODE_SELECTOR },
                    securityContext: {
                      runAsNonRoot: true,
                      runAsUser: String(RUN_AS),
                      runAsGroup: String(RUN_AS),
                      seccompProfile: { type: 'RuntimeDefault' },
                    },
                    container: [
                      {
                        name: 'scale',
                        image,
                        command: [
                          'python',
                          `${SCRIPT_DIR}/${SCRIPT_KEY}`,
                          '--namespace',
                          namespace,
                          '--statefulset',
                          statefulSet,
                          String(change.replicas),
                        ],
                        env: [{ name: 'PYTHONDONTWRITEBYTECODE', value: '1' }],
                        resources: guaranteed(50, 64),
                        securityContext: {
                          allowPrivilegeEscalation: false,
                          readOnlyRootFilesystem: true,
                          capabilities: { drop: ['ALL'] },
                        },
                        volumeMount: [{ name: 'script', mountPath: SCRIPT_DIR, readOnly: true }],
                      },
                    ],
                    volume: [{ name: 'script', configMap: { name: script.metadata.name } }],
                  },
                },
              },
            },
          },
        }),
    );
  }
}
