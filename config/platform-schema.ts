/**
 * The `platform` section of an environment: how the cluster add-ons behave (autoscaler,
 * termination handler, shared storage, GPU sharing). Defaults suit a hackweek; see
 * docs/storage-and-nodes.md.
 */
import { z } from 'zod';

/** A Kubernetes object name (DNS subdomain), which a URL can never be. */
const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export const platformSchema = z.strictObject({
  autoscaler: z
    .strictObject({
      /** Minutes a node must be unneeded before cluster-autoscaler removes it. @default 10 */
      scaleDownUnneededMinutes: z.number().int().min(1).max(1440).default(10),
      /**
       * How it picks the pool to grow. `priority` fills CPU user pools before GPU pools and
       * breaks ties by least waste; `least-waste` picks the pool that leaves the least idle.
       * @default 'priority'
       */
      expander: z.enum(['priority', 'least-waste']).default('priority'),
      /**
       * cluster-autoscaler's `balance-similar-node-groups`: grow node groups with identical
       * labels and instance types evenly. It changes nothing with the pools as built, since
       * each pool is one node group spanning every AZ (the ASG spreads its own instances
       * over the AZs) and carries its own `node-pool` label, so no two groups are similar.
       * It would matter if a pool were ever split into one node group per AZ. @default true
       */
      balanceSimilarNodeGroups: z.boolean().default(true),
    })
    .prefault({}),
  terminationHandler: z
    .strictObject({
      /**
       * Name of a Secret in kube-system whose key `webhookurl` holds a Slack-compatible
       * incoming-webhook URL; the handler posts there when it drains a node. The URL itself
       * never enters the repository. @default none (Kubernetes events only)
       */
      webhookSecretName: z
        .string()
        .regex(KUBERNETES_NAME, {
          error:
            "must be the name of a Kubernetes Secret (lower-case letters, digits, '-', '.'), never the URL",
        })
        .optional(),
      /** Seconds each pod (a notebook server) gets to stop when its node is drained. @default 120 */
      drainGracePeriodSeconds: z.number().int().min(30).max(3600).default(120),
    })
    .prefault({}),
  efs: z
    .strictObject({
      /** `elastic` scales with demand; `bursting` runs out of credits on small file systems. @default 'elastic' */
      throughputMode: z.enum(['elastic', 'bursting']).default('elastic'),
      /** Terraform refuses to destroy the file system. @default true in the production tier, else false */
      deletionProtection: z.boolean().optional(),
    })
    .prefault({}),
  gpu: z
    .strictObject({
      /**
       * Pods that share one physical GPU through CUDA time-slicing; 1 turns sharing off.
       * Shared GPUs have no memory isolation. @default 1
       */
      timeSlicingReplicas: z.number().int().min(1).max(16).default(1),
    })
    .prefault({}),
});

type ParsedPlatform = z.output<typeof platformSchema>;

/** The platform section with the tier-dependent defaults resolved. */
export type PlatformConfig = Omit<ParsedPlatform, 'efs'> & {
  readonly efs: ParsedPlatform['efs'] & { readonly deletionProtection: boolean };
};

/** Resolves defaults that depend on the tier (EFS deletion protection is on in production). */
export function resolvePlatformDefaults<T extends { tier: string; platform: ParsedPlatform }>(
  env: T,
): Omit<T, 'platform'> & { platform: PlatformConfig } {
  const efs = env.platform.efs;
  return {
    ...env,
    platform: {
      ...env.platform,
      efs: { ...efs, deletionProtection: efs.deletionProtection ?? env.tier === 'production' },
    },
  };
}
