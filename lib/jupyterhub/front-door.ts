/**
 * How users reach the hub: an AWS Network Load Balancer in front of the proxy, created by
 * the proxy-public Service. With ACM, the NLB terminates TLS with the environment's
 * certificate and forwards plain TCP to the proxy (the chart's `offload` mode; port 80 is
 * closed, so nothing travels in clear). With Let's Encrypt, the NLB passes TCP through
 * and the chart's Traefik pod obtains the certificate and redirects HTTP to HTTPS.
 */
import { HubConfig } from '../../config/hub-schema';

const ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer';

/** TLS 1.3 with 1.2 fallback, the current recommended NLB policy. */
export const NLB_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** proxy.https and proxy.service values; `certificateArn` is required with ACM. */
export function frontDoorValues(hub: HubConfig, certificateArn?: string) {
  const annotations: Record<string, string> = {
    [`${ANNOTATION}-type`]: 'nlb',
    [`${ANNOTATION}-cross-zone-load-balancing-enabled`]: 'true',
    ...(hub.publiclyReachable ? {} : { [`${ANNOTATION}-internal`]: 'true' }),
  };
  if (hub.https.type === 'letsencrypt') {
    return {
      https: {
        enabled: true,
        type: 'letsencrypt',
        hosts: [hub.domain.name],
        letsencrypt: { contactEmail: hub.https.contactEmail },
      },
      service: { type: 'LoadBalancer', annotations, disableHttpPort: false },
    };
  }
  if (!certificateArn)
    throw new Error(`hub ${hub.domain.name}: HTTPS through ACM needs the certificate's ARN`);
  return {
    https: { enabled: true, type: 'offload' },
    service: {
      type: 'LoadBalancer',
      annotations: {
        ...annotations,
        [`${ANNOTATION}-ssl-cert`]: certificateArn,
        [`${ANNOTATION}-ssl-ports`]: 'https',
        [`${ANNOTATION}-ssl-negotiation-policy`]: NLB_TLS_POLICY,
        [`${ANNOTATION}-backend-protocol`]: 'tcp',
      },
      disableHttpPort: true,
    },
  };
}
