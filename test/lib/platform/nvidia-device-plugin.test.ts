import { parse } from 'yaml';
import { NVIDIA_DEVICE_PLUGIN } from '../../../lib/daemonsets';
import { NvidiaDevicePlugin, timeSlicingConfig } from '../../../lib/platform/nvidia-device-plugin';
import { probeStack, synthJson } from '../../support/constructs';
import { releaseOf } from '../../support/synth';

function pluginValues(timeSlicingReplicas?: number) {
  const stack = probeStack();
  const plugin = new NvidiaDevicePlugin(stack, 'plugin', { envName: 'probe', timeSlicingReplicas });
  return { plugin, values: releaseOf(synthJson(stack), 'nvidia-device-plugin').values };
}

describe('NvidiaDevicePlugin', () => {
  const { plugin, values } = pluginValues();

  it('runs only where the accelerator label is, instead of the chart default that expects node feature discovery', () => {
    expect(values.nodeSelector).toBeNull();
    expect(values.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'k8s.amazonaws.com/accelerator', operator: 'Exists' }] },
          ],
        },
      },
    });
    expect(plugin.placement.requiredLabelKeys).toEqual(['k8s.amazonaws.com/accelerator']);
  });

  it('tolerates exactly the taints of GPU nodes', () => {
    expect(values.tolerations).toEqual([
      { key: 'hub.jupyter.org/dedicated', operator: 'Equal', value: 'user', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
    ]);
  });

  it('is node-critical with requests equal to limits, the size the capacity maths subtracts', () => {
    expect(values.priorityClassName).toBe('system-node-critical');
    expect(values.resources.requests).toEqual({
      cpu: `${NVIDIA_DEVICE_PLUGIN.cpuMillis}m`,
      memory: `${NVIDIA_DEVICE_PLUGIN.memoryMiB}Mi`,
    });
    expect(values.resources.limits).toEqual(values.resources.requests);
  });

  it('pins the image to the chart version, fails on a broken driver and leaves feature discovery off', () => {
    expect(values.image).toEqual({ tag: 'v0.20.0' });
    expect(values.failOnInitError).toBe(true);
    expect(values.gfd).toEqual({ enabled: false });
  });

  it('shares no GPU unless asked: no plugin configuration at all', () => {
    expect(values).not.toHaveProperty('config');
    expect(pluginValues(1).values).not.toHaveProperty('config');
  });

  it('with time-slicing, advertises each GPU as N and refuses requests for more than one shared GPU', () => {
    const shared = pluginValues(4).values;
    expect(shared.config.default).toBe('default');
    expect(Object.keys(shared.config.map)).toEqual(['default']);
    expect(parse(shared.config.map.default)).toEqual({
      version: 'v1',
      flags: { migStrategy: 'none' },
      sharing: {
        timeSlicing: {
          failRequestsGreaterThanOne: true,
          resources: [{ name: 'nvidia.com/gpu', replicas: 4 }],
        },
      },
    });
    expect(shared.config.map.default).toBe(timeSlicingConfig(4));
  });
});
