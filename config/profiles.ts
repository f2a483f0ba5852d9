/**
 * Server sizes shared by the general-purpose environments: the research-cloud service
 * guide's default (2 CPU, 1.5 GB), large-memory (8 CPU, 7.5 GB) and GPU instances.
 * The advertised memory is guaranteed (guarantee = limit: users get what the guide
 * promises, and nothing is overcommitted); the advertised CPU is the limit, over a smaller
 * guarantee, since notebooks idle most of the time. The hackweek environment defines its own.
 */
import { EnvironmentInput } from './schema';

type ProfileInput = EnvironmentInput['hub']['profiles'][number];

/**
 * The Jupyter docker-stacks PyTorch notebook built on CUDA 12, for GPU profiles (the default
 * scipy-notebook has no CUDA). Same user (jovyan, uid 1000, gid 100) as the default image.
 */
export const CUDA_NOTEBOOK_IMAGE = { name: 'quay.io/jupyter/pytorch-notebook', tag: 'cuda12-2025-07-07' };

export const STANDARD_PROFILES: ProfileInput[] = [
  {
    slug: 'default',
    displayName: 'Default: 2 CPU, 1.5 GB',
    description: 'Everyday notebooks and small datasets.',
    default: true,
    pool: 'user',
    cpu: { guarantee: 0.5, limit: 2 },
    memory: { guarantee: '1.5G', limit: '1.5G' },
  },
  {
    slug: 'large-memory',
    displayName: 'Large memory: 8 CPU, 7.5 GB',
    description: 'For scripts that process large datasets.',
    pool: 'large',
    cpu: { guarantee: 2, limit: 8 },
    memory: { guarantee: '7.5G', limit: '7.5G' },
  },
  {
    slug: 'gpu',
    displayName: 'GPU: 1 NVIDIA T4, 4 CPU, 12 GB',
    description: 'PyTorch with CUDA 12. Starting takes up to 10 minutes while a GPU node boots.',
    pool: 'gpu',
    image: CUDA_NOTEBOOK_IMAGE,
    cpu: { guarantee: 2, limit: 4 },
    // A g4dn.xlarge's OS sees 15.2 GiB; after the kubelet's reserve and the DaemonSets (the EFS
    // plugin sized for the CPU nodes' 15 servers, the DCGM and node exporters) 12.7 GiB is
    // left for the server: 12G.
    memory: { guarantee: '12G', limit: '12G' },
    gpus: 1,
    startTimeoutSeconds: 900,
  },
];
