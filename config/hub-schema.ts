/**
 * The `hub` section of an environment: who may log in and how, the server sizes users
 * pick from, the shared folder's writers, culling, placeholders, the hub's spawn limits
 * and the HTTPS front door. Defaults are resolved here; rules that relate these fields to
 * the node pools live in config/hub-checks.ts.
 */
import { z } from 'zod';
import { isMemoryQuantity } from '../lib/quantities';
import { scheduleSchema } from './schedule-schema';

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SLUG = /^[a-z][a-z0-9-]{0,30}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Secrets Manager names and SSM parameter names: letters, digits and /_+=.@- */
const SECRET_NAME = /^[\w/+=.@-]{1,512}$/;
/** An image repository without tag or digest: an optional registry host (and port), then a path. */
const IMAGE_NAME = /^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
/** A tag as registries spell them. */
const IMAGE_TAG = /^[\w][\w.-]{0,127}$/;
/** Tags that move: `latest` and the `<variant>-latest` of image families such as cuda12-latest. */
const MOVING_TAG = /(^|-)latest$/i;

/** Keys of a JSON secret; kept plain because they are written into a Terraform expression. */
const JSON_KEY = /^[\w.-]{1,128}$/;

const memory = z.string().refine(isMemoryQuantity, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a memory size such as 7G or 512M`,
});

export const hostname = z
  .string()
  .regex(HOSTNAME, { error: 'must be a lower-case DNS name such as hub.example.org' });

const names = z.array(z.string().min(1)).default([]);

/** A container image pinned to an exact tag, as KubeSpawner's image override takes it. */
const image = z.strictObject({
  name: z.string().regex(IMAGE_NAME, {
    error: 'must be an image repository without a tag, such as quay.io/jupyter/pytorch-notebook',
  }),
  tag: z
    .string()
    .regex(IMAGE_TAG, { error: 'must be an image tag such as 2025-07-14' })
    .refine((tag) => !MOVING_TAG.test(tag), {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is a moving tag; pin an exact one such as 2025-07-14, so every server gets the same image`,
    }),
});

const resourcePair = <T extends z.ZodType>(value: T) =>
  z.strictObject({ guarantee: value.optional(), limit: value.optional() });

const profile = z.strictObject({
  slug: z.string().regex(SLUG),
  displayName: z.string().min(1),
  description: z.string().default(''),
  /** The profile pre-selected in the spawn form. @default the first profile */
  default: z.boolean().default(false),
  /** Name of the user or GPU pool its servers run on. */
  pool: z.string(),
  cpu: resourcePair(z.number().positive()),
  memory: resourcePair(memory),
  /** NVIDIA GPUs per server. @default 0 */
  gpus: z.number().int().min(0).default(0),
  /** The notebook image of its servers, e.g. a CUDA build for GPU profiles. @default singleuser.image (values/jupyterhub/base.yaml) */
  image: image.optional(),
  /**
   * Seconds a server may take to start, including a node scale-up; a spawn hook applies it
   * before JupyterHub's timer starts. @default the hub's startTimeoutSeconds
   */
  startTimeoutSeconds: z.number().int().min(60).optional(),
  /**
   * Seconds a server of this profile may sit idle before it stops itself (GPU servers
   * sooner); at most culling.idleTimeoutSeconds. @default culling.idleTimeoutSeconds
   */
  idleTimeoutSeconds: z.number().int().min(300).optional(),
  /** Only these users may pick the profile (the runbook's custom sizes for named users). @default everyone */
  allowedUsers: z.array(z.string().min(1)).optional(),
  /** Only members of these groups may pick the profile. @default everyone */
  allowedGroups: z.array(z.string().min(1)).optional(),
});

/** Where the OAuth client secret lives in AWS; Terraform reads it at plan time, the repository never holds it. */
export const clientSecret = z.strictObject({
  source: z.enum(['secrets-manager', 'ssm']),
  /** Secret name (Secrets Manager) or parameter name (SSM, a SecureString). */
  name: z.string().regex(SECRET_NAME, { error: 'must be a Secrets Manager secret or SSM parameter name' }),
  /**
   * The key that holds the client secret when the stored value is a JSON object (a Secrets
   * Manager key/value secret). @default none: the whole value is the client secret
   */
  jsonKey: z
    .string()
    .regex(JSON_KEY, { error: "must be a JSON key of letters, digits, '_', '.' or '-'" })
    .optional(),
  /**
   * Bump after changing the stored secret: Terraform never keeps the value (it is written
   * write-only), so it sends it again only when this number changes. @default 1
   */
  version: z.number().int().min(1).default(1),
});

/** A GitHub team as JupyterHub groups name it: `org:team-slug`. */
const GITHUB_TEAM = /^[\w.-]+:[\w.-]+$/;

/** Claims OIDC Core guarantees unique and never reassigned within one issuer (5.7): only `sub`. */
export const STABLE_USERNAME_CLAIM = 'sub';

/** GitHub login: members of the listed organisations or `org:team` teams may log in. */
export const githubAuthentication = z.strictObject({
  type: z.literal('github'),
  /**
   * Which kind of GitHub client `clientId` belongs to. A GitHub App ignores OAuth scopes:
   * the organisation and team checks work only if the app has the organisation permission
   * Members: read-only. An OAuth App gets them from the `read:org` scope.
   */
  clientKind: z.enum(['github-app', 'oauth-app']),
  clientId: z.string().min(1),
  clientSecret,
  allowedOrganizations: z.array(z.string().regex(/^[\w.-]+(:[\w.-]+)?$/)).min(1),
  /**
   * Every `org:team` the hub relies on (admin and instructor groups, profile groups, team
   * logins). They must exist before the hub is deployed, with team creation restricted to
   * organisation owners, or any member could create one and gain its rights
   * (docs/operator-guide.md). Each group the hub names must be listed. @default []
   */
  teams: z
    .array(z.string().regex(GITHUB_TEAM, { error: 'must be a GitHub team as org:team-slug' }))
    .default([]),
});

/** A generic OpenID Connect provider whose ID token or userinfo carries a groups claim. */
export const oidcAuthentication = z.strictObject({
  type: z.literal('oidc'),
  clientId: z.string().min(1),
  clientSecret,
  authorizeUrl: z.url({ protocol: /^https$/ }),
  tokenUrl: z.url({ protocol: /^https$/ }),
  userdataUrl: z.url({ protocol: /^https$/ }),
  /**
   * Claim that names the user, and so owns their server and home folder. Only `sub` is
   * unique and never reassigned (OIDC Core 5.7); another claim needs
   * `usernameClaimDecision`. @default 'sub'
   */
  usernameClaim: z.string().min(1).default(STABLE_USERNAME_CLAIM),
  /**
   * Why this identity provider keeps a claim other than `sub` unique and unchangeable by
   * its users: the written decision that lets one name the user. @default none
   */
  usernameClaimDecision: z.string().min(20).optional(),
  /** Claim listing the user's groups. @default 'groups' */
  groupsClaim: z.string().min(1).default('groups'),
  /** @default ['openid', 'profile', 'email'] */
  scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email']),
  /** Members of these groups may log in. */
  allowedGroups: z.array(z.string().min(1)).min(1),
});

const authentication = z.discriminatedUnion('type', [
  githubAuthentication,
  oidcAuthentication,
  z.strictObject({
    /**
     * Any name with one shared password that the cluster stack generates into Secrets
     * Manager (`<cluster>/shared-password`); no admins. Only for an environment that is not
     * publicly reachable.
     */
    type: z.literal('shared-password'),
  }),
]);

export const people = z.strictObject({
  /** @default [] */
  users: names,
  /** @default [] */
  groups: names,
});

const https = z.discriminatedUnion('type', [
  /** An ACM certificate validated through the Route 53 zone, terminated at the NLB. */
  z.strictObject({ type: z.literal('acm') }),
  /** The chart's Traefik pod gets a certificate from Let's Encrypt (needs a public hub). */
  z.strictObject({ type: z.literal('letsencrypt'), contactEmail: z.string().regex(EMAIL) }),
]);

const seconds = z.number().int().min(0);

const hubFields = z.strictObject({
  /** Users expected at the same time; the user pools must host them at max size. */
  peakUsers: z.number().int().min(1),
  profiles: z.array(profile).min(1),
  /**
   * Whether the hub's load balancer faces the internet. A hub that is not publicly
   * reachable gets an internal NLB and may use the shared-password login. @default true
   */
  publiclyReachable: z.boolean().default(true),
  /** The hub's DNS name and the public Route 53 zone it lives in (also used to validate the certificate). */
  domain: z.strictObject({ name: hostname, hostedZone: hostname }),
  /** @default { type: 'acm' } */
  https: https.default({ type: 'acm' }),
  authentication,
  /**
   * JupyterHub admins. With GitHub or OIDC login only identity-provider groups: a user
   * name can be renamed or claimed by someone else. @default no one
   */
  admins: people.default({ users: [], groups: [] }),
  /** Who may write the shared folder through ~/shared-readwrite. @default no one */
  instructors: people.default({ users: [], groups: [] }),
  /** The chart's idle culler: it is what lets user nodes scale down at night. */
  culling: z
    .strictObject({
      /** Stop servers idle this long. @default 3600 */
      idleTimeoutSeconds: z.number().int().min(60).default(3600),
      /** How often the culler looks. @default 600 */
      checkIntervalSeconds: z.number().int().min(30).default(600),
      /** Stop servers older than this whatever their activity; 0 turns the backstop off. @default 604800 (7 days) */
      maxAgeSeconds: seconds.default(604800),
    })
    .default({ idleTimeoutSeconds: 3600, checkIntervalSeconds: 600, maxAgeSeconds: 604800 }),
  /** Kernel culling inside each user server, so forgotten notebooks and tabs release memory. */
  kernelCulling: z
    .strictObject({
      /** Shut down kernels idle this long, even with a browser tab connected. @default 1200 */
      idleTimeoutSeconds: z.number().int().min(60).default(1200),
      /** @default 120 */
      checkIntervalSeconds: z.number().int().min(10).default(120),
    })
    .default({ idleTimeoutSeconds: 1200, checkIntervalSeconds: 120 }),
  /** Placeholder pods of the default profile's size that keep warm capacity. @default 0 */
  placeholders: z.number().int().min(0).max(200).default(0),
  /** Placeholder counts on the event's timetable and night mode (config/schedule-schema.ts). @default none: hub.placeholders all week */
  schedule: scheduleSchema.optional(),
  /** Spawns the hub runs at once; more get 429 and retry. @default 64 (the chart's) */
  concurrentSpawnLimit: z.number().int().min(1).default(64),
  /**
   * Failed spawns in a row before the hub exits and restarts. Must be above
   * concurrentSpawnLimit, so the spawns of one scale-up timing out together cannot
   * restart the hub. @default twice concurrentSpawnLimit
   */
  consecutiveFailureLimit: z.number().int().min(1).optional(),
  /**
   * Seconds a server may take to start, for profiles that set none. The chart's
   * singleuser.startTimeout becomes the longest of all profiles' timeouts.
   * @default what each profile's pool needs: node boot from zero plus image pull (lib/start-times.ts)
   */
  startTimeoutSeconds: z.number().int().min(60).optional(),
  /** Most servers running at once. @default what the user and GPU pools host at max size */
  activeServerLimit: z.number().int().min(1).optional(),
  /** What `npm run event -- loadtest` must meet (config/hub-checks.ts resolves the defaults). @default the derived targets */
  loadTest: z
    .strictObject({
      /**
       * Target: 95 % of the load test's servers ready within this many seconds of their
       * spawn request. Must be below the default profile's start timeout, which fails a
       * server that slow anyway.
       * @default the default profile's start timeout less its pool's node boot: what a
       * server may need on a node that is already up (lib/start-times.ts)
       */
      p95StartSeconds: z.number().int().min(1).optional(),
    })
    .default({}),
  /**
   * Run a py-spy container with SYS_PTRACE in the hub pod's process namespace so the hub can
   * be profiled (the stress-test guide); the hub container itself gains nothing. @default false
   */
  profiling: z.boolean().default(false),
});

/** The hub section with its derived defaults resolved. */
export const hubSchema = hubFields.transform((hub) => ({
  ...hub,
  consecutiveFailureLimit: hub.consecutiveFailureLimit ?? 2 * hub.concurrentSpawnLimit,
}));

export type HubConfig = z.output<typeof hubSchema>;
export type ProfileConfig = z.output<typeof profile>;
export type AuthenticationConfig = z.output<typeof authentication>;
export type ClientSecretConfig = z.output<typeof clientSecret>;
export type ClientSecretInput = z.input<typeof clientSecret>;
