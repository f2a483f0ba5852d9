/**
 * Pulls a Helm chart package from an OCI registry (`oci://<host>/<repository>:<tag>`), as
 * `helm pull oci://...` does, over the OCI distribution API: GET the tag's manifest; on a
 * 401, take an anonymous bearer token from the realm the `WWW-Authenticate` header names
 * and ask again; pick the one layer of the Helm chart media type; GET that blob and check
 * it is the sha256 the manifest gives. The layer's digest is the sha256 of the chart's
 * .tgz, the same value a classic repository's index.yaml lists.
 */
import { createHash } from 'crypto';

export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const MANIFEST_TYPES = 'application/vnd.oci.image.manifest.v1+json';

export interface OciReference {
  /** `host[:port]` of the registry. */
  readonly registry: string;
  /** The repository inside the registry (`aws-ec2/helm/aws-node-termination-handler`). */
  readonly repository: string;
  readonly tag: string;
}

export interface OciPullOptions {
  readonly timeoutMs: number;
  /** Talk HTTP instead of HTTPS to the registry (helm's `--plain-http`). @default false */
  readonly plainHttp?: boolean;
}

export interface OciPackage {
  /** The chart layer's digest as the manifest gives it, verified against the bytes (64 hex digits). */
  readonly digest: string;
  readonly archive: Buffer;
}

/** `oci://host/repo/path:tag` parsed; throws naming the URL and the form expected. */
export function parseOciUrl(url: string): OciReference {
  const match = /^oci:\/\/([^/]+)\/(.+):([A-Za-z0-9_][A-Za-z0-9._-]{0,127})$/.exec(url);
  if (!match || match[2].includes(':') || match[2].includes('@')) {
    throw new Error(`${url} is not an OCI chart reference of the form oci://<registry>/<repository>:<tag>`);
  }
  return { registry: match[1], repository: match[2], tag: match[3] };
}

/** The parameters of a `Bearer` challenge (`realm`, `service`, `scope`), or undefined when it is not one. */
export function bearerChallenge(header: string | null): Record<string, string> | undefined {
  if (!header || !/^\s*bearer\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of header
    .replace(/^\s*bearer\s+/i, '')
    .matchAll(/([A-Za-z]+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params[key.toLowerCase()] = quoted ?? bare;
  }
  return params;
}

function reason(error: unknown): string {
  const cause = (error as { cause?: Error }).cause;
  return cause?.message ?? (error as Error).message;
}

/**
 * Pulls the chart package tagged `url`. Throws, naming the URL and the step, on an
 * unreachable registry, a refused token, a missing manifest, a manifest with no chart layer
 * and a blob that is not the digest its manifest gives.
 */
export async function pullOciChart(url: string, options: OciPullOptions): Promise<OciPackage> {
  const ref = parseOciUrl(url);
  const base = `${options.plainHttp ? 'http' : 'https'}://${ref.registry}/v2/${ref.repository}`;
  const signal = (): AbortSignal => AbortSignal.timeout(options.timeoutMs);
  let authorization: string | undefined;

  async function get(what: string, target: string, accept?: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (accept) headers.accept = accept;
    if (authorization) headers.authorization = authorization;
    try {
      return await fetch(target, { headers, signal: signal(), redirect: 'follow' });
    } catch (error) {
      throw new Error(`could not download ${url} (${what} ${target}): ${reason(error)}`);
    }
  }

  async function token(challenge: Record<string, string>): Promise<string> {
    if (!challenge.realm) {
      throw new Error(`${url}: the registry asks for a bearer token but names no realm to get it from`);
    }
    const tokenUrl = new URL(challenge.realm);
    if (challenge.service) tokenUrl.searchParams.append('service', challenge.service);
    const wanted = `repository:${ref.repository}:pull`;
    if (challenge.scope && challenge.scope !== wanted) tokenUrl.searchParams.append('scope', challenge.scope);
    tokenUrl.searchParams.append('scope', wanted);
    const response = await get('token', tokenUrl.toString());
    if (!response.ok) {
      throw new Error(
        `${url}: the registry's token endpoint ${tokenUrl} answered ${response.status} ${response.statusText} to an anonymous pull request`,
      );
    }
    const body = (await response.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown };
    const value = body.token ?? body.access_token;
    if (typeof value !== 'string' || value === '') {
      throw new Error(`${url}: the registry's token endpoint ${tokenUrl} gave no token`);
    }
    return value;
  }

  const manifestUrl = `${base}/manifests/${ref.tag}`;
  let response = await get('manifest', manifestUrl, MANIFEST_TYPES);
  if (response.status === 401) {
    const challenge = bearerChallenge(response.headers.get('www-authenticate'));
    if (!challenge) {
      throw new Error(`${url}: ${manifestUrl} answered 401 without a Bearer challenge; anonymous pulls only`);
    }
    authorization = `Bearer ${await token(challenge)}`;
    response = await get('manifest', manifestUrl, MANIFEST_TYPES);
  }
  if (!response.ok) {
    throw new Error(`${url}: the manifest ${manifestUrl} answered ${response.status} ${response.statusText}`);
  }
  const manifest = (await response.json().catch(() => undefined)) as
    { layers?: Array<{ mediaType?: unknown; digest?: unknown }> } | undefined;
  const layers = (manifest?.layers ?? []).filter((layer) => layer.mediaType === HELM_CHART_LAYER);
  if (layers.length !== 1) {
    throw new Error(
      `${url}: the manifest has ${layers.length} layers of type ${HELM_CHART_LAYER}; a chart has one`,
    );
  }
  const layerDigest = String(layers[0].digest);
  const hex = /^sha256:([0-9a-f]{64})$/.exec(layerDigest)?.[1];
  if (!hex) throw new Error(`${url}: the chart layer's digest ${layerDigest} is not a sha256 digest`);

  const blobUrl = `${base}/blobs/${layerDigest}`;
  const blob = await get('blob', blobUrl);
  if (!blob.ok)
    throw new Error(`${url}: the chart layer ${blobUrl} answered ${blob.status} ${blob.statusText}`);
  const archive = Buffer.from(await blob.arrayBuffer());
  const actual = createHash('sha256').update(archive).digest('hex');
  if (actual !== hex) {
    throw new Error(
      `${url}: the chart layer ${blobUrl} has sha256 ${actual}, not the ${hex} its manifest gives`,
    );
  }
  return { digest: hex, archive };
}
