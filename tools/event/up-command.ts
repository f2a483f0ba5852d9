/**
 * `npm run event -- up --env NAME [--dry-run] [--hub-url URL] [--kube-api URL]`: the
 * command line's `up`, wired to the real parts: cdktf (tools/event/cdktf.ts), the policy
 * guard in this process, the hub token (tools/event/hub-token.ts) and the smoke test.
 */
import { join } from 'path';
import { ENVIRONMENTS, MONITORING } from '../../config';
import { loadConfig } from '../../config/load';
import { Environment } from '../../config/schema';
import { hubUrl } from '../../lib/jupyterhub/authentication';
import { UID as GOLDEN_SIGNALS } from '../../lib/monitoring/dashboards/hub-golden-signals';
import { archiveStackId, stackId } from '../../lib/naming';
import { main as policyGuard } from '../policy/cli';
import { cdktf } from './cdktf';
import { describeTokenSource, hubToken } from './hub-token';
import { KubeApi } from './kube-api';
import { runSmokeTest, smokeTestPlan } from './smoke-test';
import { eventDir, StepLog } from './step-log';
import { runUp, UpOptions } from './up';

/** The hub API: `--hub-url`, else JUPYTERHUB_API_URL, else the environment's domain. */
export function hubApiUrl(env: Environment, flag: string | undefined): string {
  return (flag ?? (process.env.JUPYTERHUB_API_URL || `${hubUrl(env.hub)}/hub/api`)).replace(/\/$/, '');
}

/** Grafana's hub dashboard for the environment, on the monitoring deployment it reports to. */
export function grafanaAddress(env: Environment): string | undefined {
  const monitoring = loadConfig(ENVIRONMENTS, MONITORING).monitoring.find((m) =>
    m.environments.includes(env.name),
  );
  return monitoring
    ? `https://${monitoring.grafana.domain.name}/d/${GOLDEN_SIGNALS}?var-environment=${env.name}`
    : undefined;
}

/** A log for --dry-run: the terminal only, no file (a dry run changes nothing). */
export function terminalLog(quiet: boolean): StepLog {
  return {
    path: '(none: --dry-run writes no log)',
    say: (line) => (quiet ? process.stderr : process.stdout).write(`${line}\n`),
    record: () => undefined,
  };
}

/**
 * Why the platform cannot be deployed yet: the cluster API is reached only through the
 * SSM port forward (no endpoint CIDRs in config) and TF_VAR_api_tunnel_port is not set.
 */
export function tunnelMissing(
  env: Environment,
  vars: NodeJS.ProcessEnv,
  clusterOutputs: Readonly<Record<string, string>>,
): string | undefined {
  const { cluster } = env;
  if (!cluster.ssmPortForward || vars.TF_VAR_api_tunnel_port) return undefined;
  if (cluster.privateEndpointCidrs.length || cluster.publicEndpointCidrs.length) return undefined;
  const command =
    clusterOutputs.api_port_forward_command ?? 'the api_port_forward_command output of the cluster stack';
  return (
    `the cluster API of ${env.name} is reached through the SSM port forward: run ${command} in a second terminal, ` +
    'then run up again with TF_VAR_api_tunnel_port=8443 (the cluster deploy is done; it will change nothing)'
  );
}

/** The policy guard (tools/policy) in this process: its report goes to the log file. */
export function policyStep(log: StepLog): UpOptions['policy'] {
  return {
    describe: (dir) => `the policy guard (npm run policy -- ${dir})`,
    run: (dir) => {
      let report = '';
      const code = policyGuard([dir], {
        out: (text) => (report += `${text}\n`),
        err: (text) => log.say(text),
      });
      log.record(report);
      // On failure the violations go to the terminal too (the report's last lines hold them and the total).
      if (code !== 0) for (const line of report.trim().split('\n').slice(-30)) log.say(`policy: ${line}`);
      return code;
    },
  };
}

export async function up(
  env: Environment,
  options: {
    readonly dryRun: boolean;
    readonly hubUrl?: string;
    readonly kube?: KubeApi;
    readonly log: StepLog;
  },
): Promise<number> {
  const { log } = options;
  const apiUrl = hubApiUrl(env, options.hubUrl);
  // The CLI's synth writes only the selected environments (the others keep example values).
  process.env.HUB_ENVIRONMENTS ??= env.name;
  const outDir = join(eventDir(), `${env.name}-synth`);
  // Ctrl-C: the running step stops waiting (the smoke test cleans up), no further step starts.
  // cdktf, in the same process group, gets the signal from the terminal itself.
  const interrupt = new AbortController();
  const onInterrupt = () => {
    log.say('interrupted (Ctrl-C): finishing the current step, cleaning up');
    interrupt.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    return await runUp({
      environment: env.name,
      stacks: {
        archive: archiveStackId(env),
        cluster: stackId('cluster', env),
        platform: stackId('platform', env),
      },
      outDir,
      outputsFile: join(eventDir(), `${env.name}-outputs.json`),
      dryRun: options.dryRun,
      validate: () => loadConfig(ENVIRONMENTS, MONITORING),
      cdktf: cdktf(log),
      policy: policyStep(log),
      hub: {
        apiUrl,
        token: () => hubToken(process.env, options.kube),
        tokenSource: describeTokenSource(process.env, options.kube),
      },
      smokeTest: (api, signal) => runSmokeTest({ api, signal, say: (line) => log.say(line) }),
      smokeTestPlan: smokeTestPlan(apiUrl),
      addresses: { hub: hubUrl(env.hub), grafana: grafanaAddress(env) },
      platformPreflight: (outputs) => tunnelMissing(env, process.env, outputs),
      signal: interrupt.signal,
      log,
    });
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}
