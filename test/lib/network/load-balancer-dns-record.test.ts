import { Testing, TerraformStack } from 'cdktf';
import { LoadBalancerDnsRecord } from '../../../lib/network/load-balancer-dns-record';
import { StackJson } from '../../support/synth';

describe('LoadBalancerDnsRecord', () => {
  const stack = new TerraformStack(Testing.app(), 'probe');
  new LoadBalancerDnsRecord(stack, 'dns', {
    zoneId: 'Z0PROBE',
    name: 'hub.example.org',
    namespace: 'jupyterhub',
    serviceName: 'proxy-public',
    dependsOn: [],
  });
  const json: StackJson = JSON.parse(Testing.synth(stack));
  const [service] = Object.values(json.data.kubernetes_service_v1) as StackJson[];
  const [record] = Object.values(json.resource.aws_route53_record) as StackJson[];

  it('reads the proxy Service that the release creates', () => {
    expect(service.metadata).toEqual({ name: 'proxy-public', namespace: 'jupyterhub' });
  });

  it("points the hub's name at the NLB hostname from the Service's status, as a CNAME", () => {
    expect(record).toMatchObject({ zone_id: 'Z0PROBE', name: 'hub.example.org', type: 'CNAME', ttl: 300 });
    expect(record.records).toEqual([
      expect.stringMatching(
        /^\$\{data\.kubernetes_service_v1\.dns_service_\w+\.status\[0\]\.load_balancer\[0\]\.ingress\[0\]\.hostname\}$/,
      ),
    ]);
  });
});
