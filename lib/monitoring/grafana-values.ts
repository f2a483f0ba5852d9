/**
 * The typed values of the Grafana release: one login per person through the hubs' kind of
 * login (GitHub organisations/teams or OIDC groups decide who gets in and who is admin),
 * no anonymous access, no login form, no admin password anywhere in the repository (the
 * chart generates one into a Secret), HTTPS at an NLB with the ACM certificate, a gp3
 * volume, and the datasources: the central Prometheus and CloudWatch through Grafana's
 * own read-only role.
 */
import { NLB_TLS_POLICY } from '../jupyterhub/front-door';
import { CHARTS } from '../platform/charts';
import { Values } from '../platform/helm-values';
import { corePlacementValues, guaranteed } from '../platform/placement';
import { PodSize } from './central-values';
import {
  CLOUDWATCH_DATASOURCE_UID,
  GRAFANA_OAUTH_KEY,
  GRAFANA_OAUTH_MOUNT,
  GRAFANA_OAUTH_SECRET,
  GRAFANA_READER_USER,
  GRAFANA_SERVICE_ACCOUNT,
  PASSWORD_KEY,
  READER_SECRET,
} from './names';

const ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer';
/** Grafana's port in its pod. */
export const GRAFANA_PORT = 3000;
const READER_PASSWORD_ENV = 'PROMETHEUS_READER_PASSWORD';
const DASHBOARD_PROVIDER = 'hub';

export type GrafanaLogin =
  | {
      readonly type: 'github';
      readonly clientId: string;
      /** `org` or `org:team` entries: who may log in. */
      readonly allowedOrganizations: readonly string[];
    }
  | {
      readonly type: 'oidc';
      readonly clientId: string;
      readonly authorizeUrl: string;
      readonly tokenUrl: string;
      readonly userdataUrl: string;
      readonly usernameClaim: string;
      readonly groupsClaim: string;
      readonly scopes: readonly string[];
      readonly allowedGroups: readonly string[];
    };

export interface GrafanaValuesInputs {
  /** Grafana's DNS name. */
  readonly domain: string;
  readonly certificateArn: string;
  readonly login: GrafanaLogin;
  /** Admins by login name, and by GitHub `org:team` or OIDC group. */
  readonly admins: { readonly users: readonly string[]; readonly groups: readonly string[] };
  readonly size: PodSize;
  readonly volumeSizeGiB: number;
  readonly storageClass: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The CloudWatch datasource's IAM role (IRSA on Grafana's service account). */
  readonly cloudWatchRoleArn: string;
  readonly region: string;
  /** In-cluster URL of the central Prometheus. */
  readonly prometheusUrl: string;
  /** Dashboards by uid. */
  readonly dashboards: Readonly<Record<string, Record<string, unknown>>>;
}

/** A JMESPath string literal. */
const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** GitHub teams as Grafana names them in `groups`: `@org/team`. */
const githubTeam = (entry: string) => `@${entry.replace(':', '/')}`;

/**
 * The role expression: admins get GrafanaAdmin-capable Admin, members Viewer, anyone else
 * an empty role, which `role_attribute_strict` turns into a refused login.
 */
function roleExpression(admin: string[], member: string[] | 'everyone'): string {
  const adminTerm = admin.length > 0 ? `${admin.join(' || ')} && 'Admin' || ` : '';
  if (member === 'everyone') return `${adminTerm}'Viewer'`;
  return `${adminTerm}${member.length > 0 ? `(${member.join(' || ')}) && 'Viewer' || ` : ''}''`;
}

function loginSection(inputs: GrafanaValuesInputs): Values {
  const { login, admins } = inputs;
  const clientSecret = `$__file{${GRAFANA_OAUTH_MOUNT}/${GRAFANA_OAUTH_KEY}}`;
  const common = {
    enabled: true,
    client_id: login.clientId,
    client_secret: clientSecret,
    allow_sign_up: true,
    role_attribute_strict: true,
    allow_assign_grafana_admin: false,
    use_pkce: true,
  };
  if (login.type === 'github') {
    const orgs = [...new Set(login.allowedOrganizations.map((entry) => entry.split(':')[0]))];
    const teams = login.allowedOrganizations.filter((entry) => entry.includes(':'));
    const wholeOrgs = login.allowedOrganizations.some((entry) => !entry.includes(':'));
    const adminTerms = [
      ...admins.users.map((user) => `login == ${literal(user)}`),
      ...admins.groups.map((team) => `contains(groups[*], ${literal(githubTeam(team))})`),
    ];
    const memberTerms = teams.map((team) => `contains(groups[*], ${literal(githubTeam(team))})`);
    return {
      'auth.github': {
        ...common,
        scopes: 'user:email,read:org',
        allowed_organizations: orgs.join(' '),
        role_attribute_path: roleExpression(adminTerms, wholeOrgs ? 'everyone' : memberTerms),
      },
    };
  }
  const groups = `${login.groupsClaim}[*]`;
  const adminTerms = [
    ...admins.users.map((user) => `${login.usernameClaim} == ${literal(user)}`),
    ...admins.groups.map((group) => `contains(${groups}, ${literal(group)})`),
  ];
  return {
    'auth.generic_oauth': {
      ...common,
      name: 'OIDC',
      scopes: login.scopes.join(' '),
      auth_url: login.authorizeUrl,
      token_url: login.tokenUrl,
      api_url: login.userdataUrl,
      login_attribute_path: login.usernameClaim,
      groups_attribute_path: login.groupsClaim,
      allowed_groups: login.allowedGroups.join(','),
      role_attribute_path: roleExpression(adminTerms, 'everyone'),
    },
  };
}

export function grafanaValues(inputs: GrafanaValuesInputs): Values {
  const url = `https://${inputs.domain}`;
  return {
    image: { tag: CHARTS.grafana.imageTags.grafana },
    'grafana.ini': {
      server: { domain: inputs.domain, root_url: url },
      // Only the identity provider's login: no form, no basic auth, no anonymous viewer.
      auth: { disable_login_form: true, oauth_auto_login: true },
      'auth.anonymous': { enabled: false },
      'auth.basic': { enabled: false },
      users: { allow_sign_up: false },
      security: { cookie_secure: true, disable_initial_admin_creation: false },
      ...loginSection(inputs),
    },
    extraSecretMounts: [
      {
        name: 'oauth-client',
        secretName: GRAFANA_OAUTH_SECRET,
        mountPath: GRAFANA_OAUTH_MOUNT,
        readOnly: true,
      },
    ],
    envValueFrom: {
      [READER_PASSWORD_ENV]: { secretKeyRef: { name: READER_SECRET, key: PASSWORD_KEY } },
    },
    serviceAccount: {
      create: true,
      name: GRAFANA_SERVICE_ACCOUNT,
      annotations: { 'eks.amazonaws.com/role-arn': inputs.cloudWatchRoleArn },
    },
    service: {
      type: 'LoadBalancer',
      port: 443,
      targetPort: GRAFANA_PORT,
      annotations: {
        [`${ANNOTATION}-type`]: 'nlb',
        [`${ANNOTATION}-cross-zone-load-balancing-enabled`]: 'true',
        [`${ANNOTATION}-ssl-cert`]: inputs.certificateArn,
        [`${ANNOTATION}-ssl-ports`]: '443',
        [`${ANNOTATION}-ssl-negotiation-policy`]: NLB_TLS_POLICY,
        [`${ANNOTATION}-backend-protocol`]: 'tcp',
      },
    },
    persistence: {
      enabled: true,
      type: 'pvc',
      size: `${inputs.volumeSizeGiB}Gi`,
      storageClassName: inputs.storageClass,
    },
    // The volume's fsGroup is enough; the chown init container would need its own resources.
    initChownData: { enabled: false },
    // The chart adds this init container whenever dashboards are provisioned; sized so the pod stays Guaranteed.
    downloadDashboards: { resources: guaranteed(50, 64) },
    deploymentStrategy: { type: 'Recreate' },
    testFramework: { enabled: false },
    resources: guaranteed(inputs.size.cpuMillis, inputs.size.memoryMiB),
    ...corePlacementValues(),
    nodeSelector: { ...inputs.nodeSelector },
    datasources: {
      'datasources.yaml': {
        apiVersion: 1,
        datasources: [
          {
            name: 'Prometheus',
            uid: 'prometheus',
            type: 'prometheus',
            access: 'proxy',
            url: inputs.prometheusUrl,
            isDefault: true,
            basicAuth: true,
            basicAuthUser: GRAFANA_READER_USER,
            // Grafana expands $VAR in provisioning files; the value comes from the Secret.
            secureJsonData: { basicAuthPassword: `$${READER_PASSWORD_ENV}` },
          },
          {
            name: 'CloudWatch',
            uid: CLOUDWATCH_DATASOURCE_UID,
            type: 'cloudwatch',
            jsonData: { authType: 'default', defaultRegion: inputs.region },
          },
        ],
      },
    },
    dashboardProviders: {
      'dashboardproviders.yaml': {
        apiVersion: 1,
        providers: [
          {
            name: DASHBOARD_PROVIDER,
            orgId: 1,
            folder: 'JupyterHub',
            type: 'file',
            disableDeletion: true,
            editable: false,
            options: { path: `/var/lib/grafana/dashboards/${DASHBOARD_PROVIDER}` },
          },
        ],
      },
    },
    dashboards: {
      [DASHBOARD_PROVIDER]: Object.fromEntries(
        Object.entries(inputs.dashboards).map(([uid, json]) => [uid, { json: JSON.stringify(json) }]),
      ),
    },
  };
}
