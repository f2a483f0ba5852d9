/**
 * Where `npm run event` gets the hub API token it needs for `up`'s smoke test, `status`
 * and `down`: JUPYTERHUB_API_TOKEN when the operator sets it, else the `event-operator`
 * service's token that the chart generated into the hub's Secret, read through the
 * Kubernetes API with the operator's own cluster credentials. Either way it stays in
 * memory: it is never printed, logged or written to a file.
 */
import { HUB_NAMESPACE } from '../../lib/hub-storage';
import { EVENT_OPERATOR_TOKEN_SECRET_KEY, HUB_SECRET } from '../../lib/jupyterhub/names';
import { KubeApi, kubeGet } from './kube-api';

export const HUB_SECRET_PATH = `/api/v1/namespaces/${HUB_NAMESPACE}/secrets/${HUB_SECRET}`;

/** Says where the token comes from, for messages and --dry-run; never the token. */
export function describeTokenSource(env: NodeJS.ProcessEnv, kube: KubeApi | undefined): string {
  if (env.JUPYTERHUB_API_TOKEN) return 'JUPYTERHUB_API_TOKEN';
  if (kube)
    return `Secret ${HUB_NAMESPACE}/${HUB_SECRET}, key ${EVENT_OPERATOR_TOKEN_SECRET_KEY} (${kube.url})`;
  return 'nowhere: set JUPYTERHUB_API_TOKEN, or KUBE_API_URL (or --kube-api) to read it from the hub Secret';
}

/** The token; an error saying how to provide one when there is none. */
export async function hubToken(env: NodeJS.ProcessEnv, kube: KubeApi | undefined): Promise<string> {
  if (env.JUPYTERHUB_API_TOKEN) return env.JUPYTERHUB_API_TOKEN;
  if (!kube)
    throw new Error(
      'no hub API token: set JUPYTERHUB_API_TOKEN, or KUBE_API_URL (or --kube-api) and KUBE_TOKEN ' +
        `to read the ${EVENT_OPERATOR_TOKEN_SECRET_KEY} key of Secret ${HUB_NAMESPACE}/${HUB_SECRET}`,
    );
  const secret = await kubeGet<{ data?: Record<string, string> }>(kube, HUB_SECRET_PATH);
  const encoded = secret.data?.[EVENT_OPERATOR_TOKEN_SECRET_KEY];
  if (!encoded)
    throw new Error(
      `Secret ${HUB_NAMESPACE}/${HUB_SECRET} has no key ${EVENT_OPERATOR_TOKEN_SECRET_KEY}: ` +
        'is the hub deployed by this version (its event-operator service)?',
    );
  return Buffer.from(encoded, 'base64').toString('utf8');
}
