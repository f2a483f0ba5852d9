/**
 * The monitoring secrets never enter Terraform state: every value is read by an ephemeral
 * resource and written through a Kubernetes Secret's write-only `data_wo`. The Prometheus
 * web config, composed inside that argument, is evaluated by the real terraform binary
 * and accepted by promtool; the config's version numbers drive `data_wo_revision`.
 */
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { ENVIRONMENTS, MONITORING } from '../../../config';
import { loadConfig } from '../../../config/load';
import {
  AGENT_CREDENTIALS_SECRET,
  GRAFANA_OAUTH_KEY,
  GRAFANA_OAUTH_SECRET,
  READER_SECRET,
  SLACK_WEBHOOK_SECRET,
  WEB_CONFIG_KEY,
  WEB_CONFIG_SECRET,
} from '../../../lib/monitoring/names';
import { StackJson, resourcesOf, synthStacks } from '../../support/synth';
import { goTool, systemTool } from '../../support/tools';

const CENTRAL = 'monitoring-platform-central';
const stacks = synthStacks();
/** The central platform and every hub platform (the agents' and the hubs' own Secrets). */
const platforms = [...stacks.keys()].filter((id) => id === CENTRAL || id.startsWith('hub-platform-'));

/** Every `ephemeral.<type>.<name>` an expression reads. */
function ephemeralReads(expression: string): Array<{ type: string; name: string }> {
  return [...expression.matchAll(/ephemeral\.(\w+)\.([\w-]+)\./g)].map(([, type, name]) => ({ type, name }));
}

function secretsOf(stack: StackJson) {
  return resourcesOf(stack, 'kubernetes_secret_v1').map(([, body]) => body);
}

describe('secrets of the monitoring platform and the agents', () => {
  it('are read by no data source', () => {
    for (const id of platforms) {
      const data = stacks.get(id)!.data ?? {};
      expect([id, data.aws_secretsmanager_secret_version, data.aws_ssm_parameter]).toEqual([
        id,
        undefined,
        undefined,
      ]);
    }
  });

  it('reach their Kubernetes Secrets only write-only, from ephemeral reads the stack declares', () => {
    const central = stacks.get(CENTRAL)!;
    expect(secretsOf(central).map((s) => s.metadata.name)).toEqual(
      expect.arrayContaining([GRAFANA_OAUTH_SECRET, WEB_CONFIG_SECRET, READER_SECRET, SLACK_WEBHOOK_SECRET]),
    );
    expect(secretsOf(stacks.get('hub-platform-prod')!).map((s) => s.metadata.name)).toContain(
      AGENT_CREDENTIALS_SECRET,
    );
    for (const id of platforms) {
      const stack = stacks.get(id)!;
      for (const secret of secretsOf(stack)) {
        expect([id, secret.metadata.name, secret.data, secret.binary_data]).toEqual([
          id,
          secret.metadata.name,
          undefined,
          undefined,
        ]);
        expect(typeof secret.data_wo_revision).toBe('number');
        const reads = Object.values<string>(secret.data_wo).flatMap(ephemeralReads);
        expect(reads.length).toBeGreaterThan(0);
        for (const { type, name } of reads) expect(stack.ephemeral?.[type]?.[name]).toBeDefined();
      }
    }
  });
});

describe('the Prometheus web config', () => {
  const central = stacks.get(CENTRAL)!;
  const [webConfig] = secretsOf(central).filter((s) => s.metadata.name === WEB_CONFIG_SECRET);
  const expression: string = webConfig.data_wo[WEB_CONFIG_KEY];
  const reads = central.ephemeral.aws_secretsmanager_secret_version;
  /** A bcrypt-shaped hash per user (names are in bcrypt's alphabet), distinct by its salt. */
  const hashFor = (user: string) => `$2b$04$${user.padEnd(53, 'O')}`;

  /** The expression evaluated by terraform, each ephemeral read replaced by a stored JSON value. */
  function evaluate(): string {
    const stored: Record<string, string> = {};
    for (const [name, read] of Object.entries<StackJson>(reads)) {
      const user = String(read.secret_id).split('/').pop()!;
      stored[name] = JSON.stringify({ password: `pw-${user}`, bcrypt: hashFor(user) });
    }
    const substituted = expression.replace(
      /ephemeral\.aws_secretsmanager_secret_version\.([\w-]+)\.secret_string/g,
      (_, name: string) => `local.stored[${JSON.stringify(name)}]`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'web-config-'));
    try {
      writeFileSync(
        join(dir, 'main.tf.json'),
        JSON.stringify({ locals: { stored }, output: { web: { value: substituted } } }),
      );
      const terraform = goTool('terraform');
      const run = (args: string[]) =>
        execFileSync(terraform, args, {
          cwd: dir,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, TF_IN_AUTOMATION: '1' },
        });
      run(['init', '-input=false', '-no-color']);
      run(['apply', '-auto-approve', '-input=false', '-no-color']);
      return run(['output', '-raw', 'web']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('maps every reporting environment and Grafana to its own hash, and promtool accepts it', () => {
    const text = evaluate();
    const users = parse(text).basic_auth_users as Record<string, string>;
    const expected = ['staging', 'prod', 'hackweek', 'grafana'];
    expect(Object.keys(users).sort()).toEqual([...expected].sort());
    for (const user of expected) expect(users[user]).toBe(hashFor(user));
    const dir = mkdtempSync(join(tmpdir(), 'web-config-'));
    try {
      const file = join(dir, 'web.yml');
      writeFileSync(file, text);
      const check = spawnSync(systemTool('promtool', 'prometheus'), ['check', 'web-config', file], {
        encoding: 'utf8',
      });
      expect([check.status, `${check.stdout}${check.stderr}`]).toEqual([0, expect.stringMatching(/SUCCESS/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rotation and SSM', () => {
  const config = loadConfig(ENVIRONMENTS, MONITORING);
  const [monitoring] = config.monitoring;
  const changed = {
    ...monitoring,
    receiver: { ...monitoring.receiver, credentialsVersion: 3 },
    alertmanager: {
      ...monitoring.alertmanager,
      slackWebhook: { ...monitoring.alertmanager.slackWebhook, version: 2 },
    },
    grafana: {
      ...monitoring.grafana,
      authentication: {
        ...monitoring.grafana.authentication,
        clientSecret: {
          source: 'ssm' as const,
          name: '/monitoring/grafana-client',
          jsonKey: 'secret',
          version: 4,
        },
      },
    },
  };
  const synthesized = synthStacks(config.environments, [changed]);
  const central = synthesized.get(CENTRAL)!;
  const revision = (name: string) =>
    secretsOf(central).find((s) => s.metadata.name === name)!.data_wo_revision;

  it('sends each secret again when its version in the config is bumped', () => {
    expect(revision(WEB_CONFIG_SECRET)).toBe(3);
    expect(revision(READER_SECRET)).toBe(3);
    expect(revision(SLACK_WEBHOOK_SECRET)).toBe(2);
    expect(revision(GRAFANA_OAUTH_SECRET)).toBe(4);
    const agent = secretsOf(synthesized.get('hub-platform-prod')!).find(
      (s) => s.metadata.name === AGENT_CREDENTIALS_SECRET,
    );
    expect(agent?.data_wo_revision).toBe(3);
  });

  it("reads Grafana's secret from SSM by ARN, decrypted, and takes the JSON key", () => {
    const [[name, read]] = Object.entries<StackJson>(central.ephemeral.aws_ssm_parameter);
    expect(read.arn).toMatch(
      /^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:ssm:\$\{data\.aws_region\.[\w-]+\.region\}:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:parameter\/monitoring\/grafana-client$/,
    );
    expect(read.with_decryption).toBe(true);
    expect(secretsOf(central).find((s) => s.metadata.name === GRAFANA_OAUTH_SECRET)!.data_wo).toEqual({
      [GRAFANA_OAUTH_KEY]: `\${jsondecode(ephemeral.aws_ssm_parameter.${name}.value)["secret"]}`,
    });
  });
});
