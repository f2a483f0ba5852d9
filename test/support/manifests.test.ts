/** The Kubernetes rules the render tests lean on must be able to say no. */
import { egressAllowsIp, notGuaranteed, quantity, unschedulableReasons } from './manifests';

describe('quantity', () => {
  it('reads Kubernetes quantities, binary and decimal', () => {
    expect([quantity('100m'), quantity(0.5), quantity('1'), quantity('1.5G'), quantity('512Mi')]).toEqual([
      0.1,
      0.5,
      1,
      1.5e9,
      512 * 2 ** 20,
    ]);
    expect(() => quantity('lots')).toThrow('"lots" is not a Kubernetes quantity');
  });
});

describe('notGuaranteed', () => {
  const resources = (requests: object, limits: object) => ({
    containers: [{ name: 'c', resources: { requests, limits } }],
  });

  it('accepts equal requests and limits in different spellings, and limits alone', () => {
    expect(notGuaranteed(resources({ cpu: '500m', memory: '1Gi' }, { cpu: 0.5, memory: '1024Mi' }))).toEqual(
      [],
    );
    expect(notGuaranteed(resources({}, { cpu: '1', memory: '1Gi' }))).toEqual([]);
  });

  it('names each container whose requests fall short or that has no limit, init containers too', () => {
    expect(notGuaranteed(resources({ cpu: '0.5', memory: '1G' }, { cpu: 2, memory: '1G' }))).toEqual([
      'c: cpu request 0.5 is not its limit 2',
    ]);
    expect(notGuaranteed({ initContainers: [{ name: 'init' }], containers: [] })).toEqual([
      'init: no cpu limit',
      'init: no memory limit',
    ]);
  });
});

describe('unschedulableReasons', () => {
  const gpuNode = {
    labels: { 'k8s.amazonaws.com/accelerator': 'nvidia-tesla-t4' },
    taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
  };
  const requireGpu = {
    nodeSelectorTerms: [{ matchExpressions: [{ key: 'k8s.amazonaws.com/accelerator', operator: 'Exists' }] }],
  };

  it('needs the required affinity, the node selector and a toleration for every hard taint', () => {
    expect(
      unschedulableReasons(
        {
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: requireGpu } },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
        },
        gpuNode,
      ),
    ).toEqual([]);
    expect(unschedulableReasons({ nodeSelector: { pool: 'gpu' } }, gpuNode)).toEqual([
      'nodeSelector pool=gpu',
      'taint nvidia.com/gpu=present:NoSchedule',
    ]);
    expect(
      unschedulableReasons(
        { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: requireGpu } } },
        { labels: {}, taints: [] },
      ),
    ).toEqual(['required node affinity']);
  });
});

describe('egressAllowsIp', () => {
  const policy = (egress: object[]) => ({
    metadata: { name: 'p' },
    spec: { policyTypes: ['Egress'], egress },
  });

  it('allows through an ipBlock only outside its exceptions, and only on the listed ports', () => {
    const internet = policy([{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }]);
    expect(egressAllowsIp(internet, '8.8.8.8', 443)).toBe(true);
    expect(egressAllowsIp(internet, '10.1.2.3', 443)).toBe(false);
    const dns = policy([
      { ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }], to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] },
    ]);
    expect(egressAllowsIp(dns, '10.1.2.3', 53)).toBe(true);
    expect(egressAllowsIp(dns, '10.1.2.3', 443)).toBe(false);
    expect(egressAllowsIp(policy([]), '8.8.8.8', 443)).toBe(false);
  });
});
