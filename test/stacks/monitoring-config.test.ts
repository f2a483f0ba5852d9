/**
 * What the monitoring config changes in the synthesized stacks: where alerts link to the
 * runbook. The real configuration is synthesized as is and once more with the fields set.
 */
import { parse } from 'yaml';
import { ENVIRONMENTS, MONITORING } from '../../config';
import { loadConfig } from '../../config/load';
import { CENTRAL_PROMETHEUS_RELEASE } from '../../lib/monitoring/names';
import { StackJson, resourcesOf, synthStacks } from '../support/synth';

const CENTRAL = 'monitoring-platform-central';
const config = loadConfig(ENVIRONMENTS, MONITORING);
const [central] = config.monitoring;
const PUBLISHED = 'https://git.example.org/research-computing/hub/blob/main/docs/runbook.md';
const configured = synthStacks(
  config.environments.filter((env) => central.environments.includes(env.name)),
  [{ ...central, alertmanager: { ...central.alertmanager, runbookUrl: PUBLISHED } }],
);

/** Every alert's runbook_url in the central Prometheus release's rule files. */
function runbookUrls(stack: StackJson): string[] {
  const [[, release]] = resourcesOf(stack, 'helm_release').filter(
    ([, r]) => r.name === CENTRAL_PROMETHEUS_RELEASE,
  );
  const files = parse(release.values[0]).serverFiles as Record<string, { groups?: unknown[] }>;
  return Object.values(files).flatMap((file) =>
    ((file.groups ?? []) as { rules: { annotations?: { runbook_url?: string } }[] }[]).flatMap((g) =>
      g.rules.flatMap((r) => (r.annotations?.runbook_url ? [r.annotations.runbook_url] : [])),
    ),
  );
}

describe('runbook links', () => {
  it('point into the runbook of a checkout when the config names no published runbook', () => {
    const urls = runbookUrls(synthStacks().get(CENTRAL)!);
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) expect(url).toMatch(/^docs\/runbook\.md#[a-z0-9-]+$/);
  });

  it('point at alertmanager.runbookUrl plus the section when the config sets it', () => {
    const urls = runbookUrls(configured.get(CENTRAL)!);
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) expect(url.startsWith(`${PUBLISHED}#`)).toBe(true);
    expect(urls).toContain(`${PUBLISHED}#hub-down`);
  });
});
