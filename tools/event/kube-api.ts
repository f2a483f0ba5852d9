/**
 * Reading the hub cluster's Kubernetes API for `npm run event`: nodes, the placeholder
 * StatefulSet, the hub's Secret. The same address and token as `prewarm`: `--kube-api`
 * or KUBE_API_URL (the cluster endpoint, or `kubectl proxy` on loopback) and KUBE_TOKEN
 * (`aws eks get-token`; none through `kubectl proxy`).
 */
import { KubeApi } from './prewarm';

export type { KubeApi };

/** The API from `--kube-api` or KUBE_API_URL and KUBE_TOKEN; undefined when neither names one. */
export function kubeApiFrom(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): KubeApi | undefined {
  const url = flag ?? (env.KUBE_API_URL || undefined);
  return url ? { url, token: env.KUBE_TOKEN || undefined } : undefined;
}

/** GET `path` as JSON; an error naming the path and the answer otherwise. */
export async function kubeGet<T>(api: KubeApi, path: string): Promise<T> {
  const response = await fetch(`${api.url.replace(/\/$/, '')}${path}`, {
    headers: { accept: 'application/json', ...(api.token ? { authorization: `Bearer ${api.token}` } : {}) },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}
