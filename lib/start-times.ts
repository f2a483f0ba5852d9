/**
 * How long a notebook server may really need to start on a pool that scales from zero:
 * the autoscaler adds a node, the node boots and joins, then the kubelet pulls the
 * notebook image while the image pullers pull every profile's image beside it. A start
 * timeout shorter than this fails the first spawns of every scale-up.
 *
 * - A CPU node from zero: about five minutes until Ready (docs/operator-guide.md); the
 *   scipy-notebook image then takes up to five more while the pullers compete for the link.
 *   Together ten minutes, what the ICESat-2 hackweek ran with (600 s).
 * - A GPU node: up to ten minutes (the NVIDIA AMI is larger and loads the driver), plus the
 *   CUDA image, several GB, five more: the 900 s the GPU profiles ship.
 */
export type ServerPoolKind = 'user' | 'gpu';

export const NODE_BOOT_SECONDS: Readonly<Record<ServerPoolKind, number>> = { user: 300, gpu: 600 };
export const IMAGE_PULL_SECONDS: Readonly<Record<ServerPoolKind, number>> = { user: 300, gpu: 300 };

/** Seconds a server on a pool of `kind` may need: node boot from zero plus the image pull. */
export function serverStartSeconds(kind: ServerPoolKind): number {
  return NODE_BOOT_SECONDS[kind] + IMAGE_PULL_SECONDS[kind];
}
