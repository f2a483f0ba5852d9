/**
 * The typed shape of a monitoring deployment: its own VPC and EKS cluster, the central
 * Prometheus, Alertmanager and Grafana, and which hub environments report to it. Network,
 * cluster and state fields are the environments' own, so the monitoring cluster is built
 * and hardened the same way. Rules between it and the environments live in
 * config/monitoring-checks.ts.
 */
import { z } from 'zod';
import { isMemoryQuantity } from '../lib/quantities';
import { clientSecret, githubAuthentication, hostname, oidcAuthentication, people } from './hub-schema';
import { ENVIRONMENT_FIELDS, corePool, resolveZones } from './schema';

const memory = z.string().refine(isMemoryQuantity, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a memory size such as 8Gi`,
});

/** CPU and memory of a pod, given as both request and limit (Guaranteed QoS). */
const size = (cpu: number, memoryDefault: string) =>
  z
    .strictObject({
      /** Cores. */
      cpu: z.number().positive().default(cpu),
      memory: memory.default(memoryDefault),
    })
    .prefault({});

const domain = z.strictObject({ name: hostname, hostedZone: hostname });

const monitoringFields = z.strictObject({
  /** Names the stacks (`monitoring-cluster-<name>`) and the cluster (`monitoring-<name>`). */
  name: ENVIRONMENT_FIELDS.name,
  /**
   * The AWS account it deploys to, which every reporting environment's must be (peering,
   * the alarm topic and Grafana's CloudWatch role work within one account); its AWS
   * provider refuses credentials of any other.
   */
  account: ENVIRONMENT_FIELDS.account,
  region: ENVIRONMENT_FIELDS.region,
  state: ENVIRONMENT_FIELDS.state,
  tags: ENVIRONMENT_FIELDS.tags,
  /** Its own VPC: the range must overlap no reporting environment's, they are peered. */
  network: ENVIRONMENT_FIELDS.network,
  cluster: ENVIRONMENT_FIELDS.cluster,
  /** The only pool: Prometheus, Alertmanager and Grafana run here. @default m5.xlarge, 1 to 3 */
  corePool: corePool.prefault({}),
  /**
   * Names of the hub environments whose metrics agents remote-write here. An environment
   * listed nowhere (dev) reports nowhere and gets no agent.
   */
  environments: z.array(z.string().min(1)).min(1, { error: 'must list at least one environment' }),
  prometheus: z
    .strictObject({
      /** Days of history; long enough to keep a hackweek's data after its teardown. @default 400 */
      retentionDays: z.number().int().min(1).max(3650).default(400),
      /** The gp3 volume. @default 200 */
      volumeSizeGiB: z.number().int().min(10).max(16384).default(200),
      /** @default 2 cores, 8Gi */
      resources: size(2, '8Gi'),
    })
    .prefault({}),
  /** Where hub agents send metrics: an internal NLB with TLS, reached through VPC peering. */
  receiver: z.strictObject({
    /** The receiver's DNS name (a certificate is issued for it) and its public zone. */
    domain,
    /**
     * Prefix of the Secrets Manager secrets holding each user's credentials: the JSON
     * `{"password": ..., "bcrypt": ...}` at `<prefix>/<environment>` for every reporting
     * environment and at `<prefix>/grafana` for Grafana (docs/monitoring.md).
     */
    credentialsPrefix: z.string().regex(/^[\w/+=.@-]{1,400}$/, {
      error: 'must be a Secrets Manager name prefix such as monitoring-central/remote-write',
    }),
    /**
     * Bump after changing any credentials secret: Terraform never keeps the values (they are
     * written write-only), so it sends them again only when this number changes. @default 1
     */
    credentialsVersion: z.number().int().min(1).default(1),
  }),
  alertmanager: z.strictObject({
    /** The Slack-compatible incoming-webhook URL, kept in AWS: never in the repository. */
    slackWebhook: clientSecret,
    /**
     * Where operators open docs/runbook.md (https, e.g. the file on the repository's web
     * host); every alert's `runbook_url` is this plus `#<section>`, so Slack messages link
     * straight to what to do. @default 'docs/runbook.md' (the path in a checkout)
     */
    runbookUrl: z
      .url({ protocol: /^https$/, error: 'must be an https URL of docs/runbook.md' })
      .refine((url) => !url.includes('#'), { error: 'must not contain #: the section is appended' })
      .optional(),
    /** @default 100m, 256Mi */
    resources: size(0.1, '256Mi'),
    /** @default 10 */
    volumeSizeGiB: z.number().int().min(1).default(10),
  }),
  /**
   * Who CloudWatch alarms reach (what Prometheus cannot see: each reporting hub's EFS near
   * its I/O limit). An SNS topic in the monitoring deployment, encrypted, delivering to
   * these e-mail addresses (each confirms once) and/or a Slack channel through AWS Chatbot.
   */
  alarms: z
    .strictObject({
      /** @default none */
      emails: z.array(z.email()).max(10).default([]),
      /** A Slack channel reached through AWS Chatbot (authorise the workspace in its console first). @default none */
      slack: z
        .strictObject({
          workspaceId: z
            .string()
            .regex(/^T[A-Z0-9]{6,}$/, { error: 'must be a Slack workspace id such as T0123ABCD' }),
          channelId: z
            .string()
            .regex(/^[CG][A-Z0-9]{6,}$/, { error: 'must be a Slack channel id such as C0123ABCD' }),
        })
        .optional(),
      /** The hubs' EFS alarm fires above this percentage of the I/O limit, for 15 minutes. @default 90 */
      efsIoLimitPercent: z.number().gt(0).lt(100).default(90),
    })
    .refine((a) => a.emails.length > 0 || a.slack !== undefined, {
      error: 'names nobody: list emails or a slack channel, or the alarms reach no one',
    }),
  grafana: z.strictObject({
    /** Grafana's HTTPS name and its public Route 53 zone. */
    domain,
    /** The same kind of login the hubs use: GitHub organisations/teams or OIDC groups. */
    authentication: z.discriminatedUnion('type', [githubAuthentication, oidcAuthentication]),
    /** Grafana admins: login names, and GitHub `org:team` teams or OIDC groups. @default no one */
    admins: people.default({ users: [], groups: [] }),
    /** @default 10 */
    volumeSizeGiB: z.number().int().min(1).default(10),
    /** @default 500m, 1Gi */
    resources: size(0.5, '1Gi'),
  }),
});

export const monitoringSchema = monitoringFields.transform(resolveZones);

export type MonitoringInput = z.input<typeof monitoringSchema>;
/** A validated monitoring deployment with every default resolved. */
export type MonitoringConfig = z.output<typeof monitoringSchema>;
