import { CUDA_NOTEBOOK_IMAGE } from '../profiles';
import { EnvironmentInput } from '../schema';
import { ACCOUNT_ID, stateBackend } from '../state-bucket';

/** The GitHub team (org:team) of the tutorial leads: they write ~/shared and may use GPUs. */
const TUTORIAL_LEADS = 'ICESAT-2HackWeek:tutorial-leads';
/** The organisers' team: the hub's admins. */
const ORGANISERS = 'ICESAT-2HackWeek:organisers';

/**
 * A week-long event sized for the ICESat-2 2020 hackweek: 80 people at once, each
 * guaranteed 1.75 CPU and 7G (limits 4 and 8G), so four fit on an m5.2xlarge and the
 * peak needs 20 user nodes; max 25 leaves headroom for instructors and stragglers.
 */
export const hackweek: EnvironmentInput = {
  name: 'hackweek',
  tier: 'production',
  account: ACCOUNT_ID,
  region: 'us-west-2',
  state: stateBackend('hackweek'),
  network: { vpcCidr: '10.40.0.0/16' },
  cluster: {
    admins: ['arn:aws:iam::123456789012:role/HubAdmin'],
    // Organisers reach the private API from their laptops through an SSM port forward (README, deploying).
    ssmPortForward: {},
    logRetentionDays: 30,
  },
  nodePools: {
    core: { instanceType: 'm5.xlarge', minSize: 1, maxSize: 3 },
    user: { user: { instanceType: 'm5.2xlarge', minSize: 0, maxSize: 25 } },
    gpu: { gpu: { instanceType: 'g4dn.xlarge', minSize: 0, maxSize: 2 } },
  },
  hub: {
    peakUsers: 80,
    profiles: [
      {
        slug: 'icesat2',
        displayName: 'Hackweek: 1.75 CPU, 7 GB',
        description: 'The tutorial environment, four participants per node.',
        default: true,
        pool: 'user',
        cpu: { guarantee: 1.75, limit: 4 },
        memory: { guarantee: '7G', limit: '8G' },
      },
      {
        slug: 'gpu',
        displayName: 'GPU: 1 NVIDIA T4 (instructors)',
        description: 'PyTorch with CUDA 12, for the machine-learning tutorial leads.',
        pool: 'gpu',
        image: CUDA_NOTEBOOK_IMAGE,
        cpu: { guarantee: 2, limit: 4 },
        memory: { guarantee: '12G', limit: '14G' },
        gpus: 1,
        startTimeoutSeconds: 900,
        // A T4 costs about three times a participant's share of an m5: idle GPUs stop after 30 min.
        idleTimeoutSeconds: 1800,
        allowedGroups: [TUTORIAL_LEADS],
      },
    ],
    domain: { name: 'icesat2.hackweek.example.org', hostedZone: 'hackweek.example.org' },
    authentication: {
      type: 'github',
      // A GitHub App (its client id starts Iv1.): it needs the organisation permission
      // Members: read-only for the organisation and team checks (docs/operator-guide.md).
      clientKind: 'github-app',
      clientId: 'Iv1.hackweek2020',
      clientSecret: { source: 'secrets-manager', name: 'hub-hackweek/github-client-secret' },
      allowedOrganizations: ['ICESAT-2HackWeek'],
      // Create both teams, and restrict team creation to owners, before deploying.
      teams: [ORGANISERS, TUTORIAL_LEADS],
    },
    // Groups only: a GitHub login can be renamed and claimed by someone outside the organisation.
    admins: { groups: [ORGANISERS] },
    // Tutorial leads manage the shared data themselves (the 2020 notes: only admins could).
    instructors: { groups: [TUTORIAL_LEADS] },
    // Servers idle an hour are stopped and none lives past 12 h, so nodes do not idle overnight.
    culling: { idleTimeoutSeconds: 3600, checkIntervalSeconds: 300, maxAgeSeconds: 12 * 3600 },
    // One node's worth of warm seats, so the first users of a session do not wait for a scale-up.
    placeholders: 4,
    // Seattle time: two nodes' worth of warm seats from before the morning session to its end
    // of day, none overnight or at the weekend; idle servers stop at night unless their owner
    // is in the night-owls team.
    schedule: {
      timeZone: 'America/Los_Angeles',
      sessions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
      placeholders: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], at: '08:15', count: 8 },
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], at: '17:00', count: 0 },
      ],
      nightMode: {
        start: '22:00',
        end: '07:00',
        idleSeconds: 1800,
        optOutGroup: 'ICESAT-2HackWeek:night-owls',
        announceMinutesBefore: 60,
      },
    },
    concurrentSpawnLimit: 30,
    activeServerLimit: 100,
  },
  cost: {
    event: 'icesat2-hackweek',
    // Five days of sessions, 8 hours each; about 7.5 GiB of EFS per person (600 GB for 80).
    plan: { days: 5, activeHoursPerDay: 8, efsGiBPerUser: 7.5 },
    // The plan comes to about 505 USD (npm run cost -- --env hackweek); the margin covers
    // longer days or a slow teardown.
    budget: { monthlyUsd: 800, notify: { emails: ['hackweek-organisers@example.org'] } },
  },
};
