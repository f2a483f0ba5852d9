import { MonitoringInput } from '../monitoring-schema';
import { ACCOUNT_ID, stateBackend } from '../state-bucket';

/**
 * The monitoring cluster shared by the hubs: staging, prod and the hackweek report here,
 * dev reports nowhere. A year and a month of history, so an event's data outlives its hub.
 */
export const central: MonitoringInput = {
  name: 'central',
  // The hubs' account: they peer with its VPC and their alarms publish to its topic.
  account: ACCOUNT_ID,
  region: 'us-west-2',
  // Its own prefix and key in the state bucket, like an environment's.
  state: stateBackend('monitoring-central'),
  network: { vpcCidr: '10.100.0.0/16' },
  cluster: {
    admins: ['arn:aws:iam::123456789012:role/HubAdmin'],
    logRetentionDays: 365,
  },
  corePool: { instanceType: 'm5.xlarge', minSize: 2, maxSize: 3 },
  environments: ['staging', 'prod', 'hackweek'],
  prometheus: { retentionDays: 400, volumeSizeGiB: 200, resources: { cpu: 2, memory: '8Gi' } },
  receiver: {
    domain: { name: 'metrics.monitoring.example.org', hostedZone: 'monitoring.example.org' },
    credentialsPrefix: 'monitoring-central/remote-write',
  },
  alertmanager: {
    slackWebhook: { source: 'secrets-manager', name: 'monitoring-central/slack-webhook' },
  },
  alarms: { emails: ['hub-admins@example.org'], efsIoLimitPercent: 90 },
  grafana: {
    domain: { name: 'grafana.monitoring.example.org', hostedZone: 'monitoring.example.org' },
    authentication: {
      type: 'github',
      clientKind: 'github-app',
      clientId: 'Iv1.monitoring',
      clientSecret: { source: 'secrets-manager', name: 'monitoring-central/grafana-oauth-client-secret' },
      allowedOrganizations: ['ICESAT-2HackWeek:organisers', 'research-computing'],
    },
    admins: { groups: ['research-computing:hub-admins'] },
  },
};
