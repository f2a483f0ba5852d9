import { CUDA_NOTEBOOK_IMAGE } from '../profiles';
import { EnvironmentInput } from '../schema';
import { STATE_BUCKET } from '../state-bucket';

/** The GitHub team (org:team) of the tutorial leads: they write ~/shared and may use GPUs. */
const TUTORIAL_LEADS = 'ICESAT-2HackWeek:tutorial-leads';

/**
 * A week-long event sized for the ICESat-2 2020 hackweek: 80 people at once, each
 * guaranteed 1.75 CPU and 7G (limits 4 and 8G), so four fit on an m5.2xlarge and the
 * peak needs 20 user nodes; max 25 leaves headroom for instructors and stragglers.
 */
export const hackweek: EnvironmentInput = {
  name: 'hackweek',
  tier: 'production',
  region: 'us-west-2',
  state: { backend: 's3', ...STATE_BUCKET },
  network: { vpcCidr: '10.40.0.0/16' },
  cluster: {
    admins: ['arn:aws:iam::123456789012:role/HubAdmin'],
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
      clientId: 'Iv1.hackweek2020',
      clientSecret: { source: 'secrets-manager', name: 'hub-hackweek/github-client-secret' },
      allowedOrganizations: ['ICESAT-2HackWeek'],
    },
    admins: { users: ['hackweek-organiser'], groups: ['ICESAT-2HackWeek:organisers'] },
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
};
