import { spawnSync } from 'child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  ACCEPTED_RISKS_FILE,
  loadAcceptedRisks,
  parseAcceptedRisks,
} from '../../../tools/policy/accepted-risks';
import { USAGE, main } from '../../../tools/policy/cli';
import { runPolicy } from '../../../tools/policy/engine';
import { parseJsonencode, referencesIn, wholeReference } from '../../../tools/policy/hcl';
import { releaseValues } from '../../../tools/policy/helm';
import { statementsOf } from '../../../tools/policy/iam';
import { formatText, toJson } from '../../../tools/policy/report';
import { RULES } from '../../../tools/policy/rules';
import { StackView } from '../../../tools/policy/stack-view';
import { SynthOutput } from '../../../tools/policy/synth-output';
import { Json } from '../../../tools/policy/types';
import { realSynth } from './support';

const RULE_IDS = new Set(RULES.map((r) => r.id));

describe('references', () => {
  it('finds resource, data and local references, ignoring quoted text', () => {
    expect(
      referencesIn('${replace(aws_eks_cluster.c.identity[0].oidc[0].issuer, "https://x.y", "")}'),
    ).toEqual([{ address: 'aws_eks_cluster.c', attribute: 'identity[0].oidc[0].issuer' }]);
    expect(referencesIn('arn:${data.aws_partition.p.partition}:iam::${local.acct}:root')).toEqual([
      { address: 'data.aws_partition.p', attribute: 'partition' },
      { address: 'local.acct', attribute: '' },
    ]);
  });

  it('recognises a value that is exactly one reference, including into nested attributes', () => {
    expect(wholeReference('${aws_eks_cluster.c.vpc_config[0].cluster_security_group_id}')).toEqual({
      address: 'aws_eks_cluster.c',
      attribute: 'vpc_config[0].cluster_security_group_id',
    });
    expect(wholeReference('${aws_vpc.v.id}-suffix')).toBeUndefined();
    expect(wholeReference('${element(aws_subnet.s.*.id, 0)}')).toBeUndefined();
  });

  it('follows cdktf cross-stack outputs to the resource in the producing stack', () => {
    const synth = SynthOutput.fromJson([
      [
        'producer',
        {
          resource: { aws_iam_role: { r: { name: 'x' } } },
          output: { 'out-r': { value: '${aws_iam_role.r.arn}' } },
        },
      ],
      ['consumer', {}],
    ]);
    const found = synth.locate(
      synth.stack('consumer')!,
      '${data.terraform_remote_state.in-producer.outputs.out-r}',
    );
    expect(found?.stack.id).toBe('producer');
    expect(found?.resource.address).toBe('aws_iam_role.r');
    expect(found?.attribute).toBe('arn');
  });
});

describe('IAM documents', () => {
  const stack = new StackView('s', {
    resource: { aws_iam_role: { r0: {} } },
    data: {
      aws_iam_policy_document: {
        doc: {
          statement: [
            {
              actions: ['sts:AssumeRole'],
              principals: [
                { type: 'AWS', identifiers: ['arn:a'] },
                { type: 'AWS', identifiers: ['arn:b'] },
              ],
              condition: { test: 'StringEquals', variable: 'x:sub', values: ['y'] },
            },
          ],
        },
      },
    },
  });

  it('reads JSON strings with interpolations inside', () => {
    const [s] = statementsOf(
      stack,
      '{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"${aws_iam_role.r0.arn}","Principal":"*"}}',
    )!;
    expect(s).toMatchObject({
      effect: 'Allow',
      actions: ['s3:*'],
      resources: ['${aws_iam_role.r0.arn}'],
      principals: { AWS: ['*'] },
    });
  });

  it('reads ${jsonencode(...)} with bare references', () => {
    const value =
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = "sts:AssumeRole", "Principal" = {"AWS" = aws_iam_role.r0.arn}, "Condition" = {"StringEquals" = {"a:b" = ["c", 1]}}}]})}';
    expect(parseJsonencode(value)).toMatchObject({
      Statement: [{ Principal: { AWS: '${aws_iam_role.r0.arn}' } }],
    });
    expect(statementsOf(stack, value)![0]).toMatchObject({
      principals: { AWS: ['${aws_iam_role.r0.arn}'] },
      conditions: [{ test: 'StringEquals', variable: 'a:b', values: ['c', '1'] }],
    });
  });

  it('reads data.aws_iam_policy_document, in object and list block forms, merging principals', () => {
    expect(statementsOf(stack, '${data.aws_iam_policy_document.doc.json}')).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        notActions: [],
        resources: [],
        principals: { AWS: ['arn:a', 'arn:b'] },
        conditions: [{ test: 'StringEquals', variable: 'x:sub', values: ['y'] }],
      },
    ]);
  });

  it('reports a document it cannot read as undefined', () => {
    expect(statementsOf(stack, 'not json')).toBeUndefined();
    expect(statementsOf(stack, '${aws_iam_role.r0.arn}')).toBeUndefined();
  });
});

describe('helm values', () => {
  it('merges values documents in order, then applies set, set_list and set_sensitive like helm', () => {
    const { values } = releaseValues({
      values: ['a: {b: 1, c: 2}\nlist: [1, 2]', 'a: {b: 3}\nlist: [9]'],
      set: [
        { name: 'a.d', value: 'true' },
        { name: 'annotations.eks\\.amazonaws\\.com/role-arn', value: 'arn' },
        { name: 'tag', value: '1', type: 'string' },
        { name: 'items[0].name', value: 'x' },
      ],
      set_sensitive: { name: 'secret', value: '42' },
      set_list: [{ name: 'args', value: ['--x'] }],
    });
    expect(values).toEqual({
      a: { b: 3, c: 2, d: true },
      list: [9],
      annotations: { 'eks.amazonaws.com/role-arn': 'arn' },
      tag: '1',
      items: [{ name: 'x' }],
      secret: 42,
      args: ['--x'],
    });
  });

  it('reads ${yamlencode(...)} layers like the YAML they render to', () => {
    const values = releaseValues({
      values: ['a: {b: 1, c: 2}', '${yamlencode({"a" = {"b" = 3}, "role" = aws_iam_role.r.arn})}', ''],
    });
    expect(values).toEqual({ values: { a: { b: 3, c: 2 }, role: '${aws_iam_role.r.arn}' }, unreadable: [] });
  });

  it('reads ${jsonencode(...)} layers too, since helm reads JSON as YAML', () => {
    expect(releaseValues({ values: ['a: {b: 1}', '${jsonencode({"a" = {"c" = 2}})}'] })).toEqual({
      values: { a: { b: 1, c: 2 } },
      unreadable: [],
    });
  });

  it('reports every entry it cannot read, and merges the rest', () => {
    const { values, unreadable } = releaseValues({
      values: [
        'a: [unclosed',
        'b: 1',
        '${file("values/extra.yaml")}',
        '${yamlencode(merge(local.base, {"c" = 1}))}',
        '- a list',
      ],
    });
    expect(values).toEqual({ b: 1 });
    expect(unreadable).toEqual([
      expect.stringMatching(/^values\[0\] is not valid YAML: /),
      'values[2] is not a literal YAML document; the guard cannot check it',
      'values[3] is not a literal YAML document; the guard cannot check it',
      'values[4] is not a literal YAML document; the guard cannot check it',
    ]);
  });
});

describe('accepted risks', () => {
  const violation = {
    rule: 'network.nat-per-az',
    severity: 'should' as const,
    stack: 'hub-cluster-dev',
    address: 'aws_subnet.network_private-1_X',
    message: 'm',
  };
  const justification = 'dev shares one NAT gateway to save cost; an AZ outage in dev is acceptable';

  it('rejects entries without a written justification, with unknown rules or missing fields', () => {
    const { risks, errors } = parseAcceptedRisks(
      {
        acceptedRisks: [
          { rule: 'network.nat-per-az', stack: 'hub-*', resource: '*' },
          { rule: 'network.nat-per-az', stack: 'hub-*', resource: '*', justification: 'ok' },
          { rule: 'no.such-rule', stack: '*', resource: '*', justification },
          { rule: 'network.nat-per-az', resource: '*', justification },
        ],
      },
      RULE_IDS,
      'risks.json',
    );
    expect(risks).toEqual([]);
    expect(errors).toEqual([
      'risks.json: acceptedRisks[0]: "justification" is missing',
      expect.stringMatching(/^risks.json: acceptedRisks\[1\]: justification "ok" is too short/),
      'risks.json: acceptedRisks[2]: rule "no.such-rule" does not exist',
      'risks.json: acceptedRisks[3]: "stack" is missing',
    ]);
    expect(parseAcceptedRisks({}, RULE_IDS, 'f').errors).toEqual([
      'f: must be an object with an "acceptedRisks" list',
    ]);
  });

  it('accepts matching violations by glob, and reports entries that match nothing as stale', () => {
    const { risks } = parseAcceptedRisks(
      {
        acceptedRisks: [
          {
            rule: 'network.nat-per-az',
            stack: 'hub-cluster-de?',
            resource: 'aws_subnet.network_private-*',
            justification,
          },
          { rule: 'network.nat-per-az', stack: 'hub-cluster-prod', resource: '*', justification },
        ],
      },
      RULE_IDS,
      'f',
    );
    const synth = realSynth().withStacks([]);
    const accepted = runPolicy(synth, [], risks);
    expect(accepted.stale).toEqual(risks);
    const rule = RULES.find((r) => r.id === violation.rule)!;
    const fake = {
      ...rule,
      *check(stack: StackView) {
        if (stack.id === violation.stack) yield { address: violation.address, failure: 'm' };
      },
    };
    const report = runPolicy(synth, [fake], risks);
    expect(report.violations).toEqual([]);
    expect(report.accepted).toEqual([{ violation, justification }]);
    expect(report.stale).toEqual([risks[1]]);
  });
});

describe('the text report', () => {
  it('names the rules that examined nothing in the whole run, so a vacuous pass shows', () => {
    const bucketOnly = SynthOutput.fromJson([['bucket', { resource: { aws_s3_bucket: { b: {} } } }]]);
    const report = runPolicy(bucketOnly, RULES, []);
    const idle = RULES.filter((r) => !r.id.startsWith('s3.')).map((r) => r.id);
    expect(formatText(report, RULES)).toContain(
      `${idle.length} rule(s) examined nothing: ${idle.join(', ')}\n`,
    );
    expect(toJson(report)).toMatchObject({ examinedNothing: idle });
  });

  it('has no such line when every rule examined something', () => {
    const report = runPolicy(realSynth(), RULES, []);
    expect(formatText(report, RULES)).not.toContain('examined nothing');
  });
});

describe('npm run policy', () => {
  let dir: string;
  const write = (id: string, json: Json) => {
    mkdirSync(join(dir, 'stacks', id), { recursive: true });
    writeFileSync(join(dir, 'stacks', id, 'cdk.tf.json'), JSON.stringify(json));
  };
  const run = (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const risksFile = () => join(dir, 'risks.json');
  const writeRisks = (json: unknown) => writeFileSync(risksFile(), JSON.stringify(json));
  const checkedIn = () => JSON.parse(readFileSync(ACCEPTED_RISKS_FILE, 'utf8'));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'policy-cli-'));
    writeRisks(checkedIn());
    for (const stack of realSynth().stacks) write(stack.id, stack.json);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints each violation with rule, stack, address and message on stdout, and exits 1', () => {
    const json = structuredClone(realSynth().stack('hub-cluster-staging')!.json);
    const [name, cluster] = Object.entries<Json>(json.resource.aws_eks_cluster)[0];
    cluster.enabled_cluster_log_types = ['api'];
    write('hub-cluster-staging', json);
    const { code, out, err } = run(dir, '--accepted', risksFile());
    expect(code).toBe(1);
    expect(out).toContain(
      `eks.control-plane-logs [must] hub-cluster-staging aws_eks_cluster.${name}: enabled_cluster_log_types lacks audit, authenticator, controllerManager, scheduler`,
    );
    expect(out).toMatch(/FAILED$/);
    expect(err).toBe('');
  });

  it('exits 0 on the real stacks with the checked-in accepted risks, and gives a JSON report', () => {
    const { code, out } = run(dir, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ passed: true, violations: [], stale: [], examinedNothing: [] });
    expect(report.stacks).toEqual(realSynth().stacks.map((s) => s.id));
  });

  it('fails with exit 1 on a stale accepted risk, which could later hide a new violation', () => {
    const stale = {
      rule: 'eks.control-plane-logs',
      stack: 'hub-cluster-*',
      resource: 'aws_eks_cluster.renamed',
      justification: 'audit logs are off on this cluster while the log pipeline is rebuilt',
    };
    writeRisks({ acceptedRisks: [...checkedIn().acceptedRisks, stale] });
    const { code, out } = run(dir, '--accepted', risksFile());
    expect(code).toBe(1);
    expect(out).toContain(
      'stale accepted risk: eks.control-plane-logs hub-cluster-* aws_eks_cluster.renamed matches no violation',
    );
    expect(out).toMatch(/0 violation\(s\), \d+ accepted risk\(s\), 1 stale: FAILED$/);
  });

  it.each([
    [
      'an entry without a justification',
      { acceptedRisks: [{ rule: 'network.nat-per-az', stack: '*', resource: '*' }] },
      'acceptedRisks[0]: "justification" is missing',
    ],
    ['a file that is not JSON', '{ not json', 'not valid JSON'],
  ])('rejects an accepted-risks file with %s as bad input (exit 2, on stderr)', (_name, content, message) => {
    if (typeof content === 'string') writeFileSync(risksFile(), content);
    else writeRisks(content);
    const { code, out, err } = run(dir, '--accepted', risksFile());
    expect(code).toBe(2);
    expect(err).toMatch(/^policy: accepted risks:\n {2}/);
    expect(err).toContain(message);
    expect(out).toBe('');
  });

  it('rejects a missing --accepted file with exit 2 and "no such file"', () => {
    const missing = join(dir, 'typo.json');
    expect(run(dir, '--accepted', missing)).toEqual({
      code: 2,
      out: '',
      err: expect.stringContaining(`${missing}: no such file`),
    });
    expect(loadAcceptedRisks(missing, RULE_IDS).errors).toEqual([`${missing}: no such file`]);
  });

  it('with --json, puts an error object on stdout as well as the message on stderr', () => {
    const { code, out, err } = run(join(dir, 'nothing'), '--json');
    expect(code).toBe(2);
    expect(JSON.parse(out)).toEqual({ error: expect.stringContaining('no stacks/ folder') });
    expect(err).toContain('no stacks/ folder');
  });

  it('explains a missing synth output and bad arguments on stderr with exit code 2', () => {
    expect(run(join(dir, 'nothing'))).toEqual({
      code: 2,
      out: '',
      err: expect.stringContaining('no stacks/ folder; run `npm run synth` first'),
    });
    expect(run('--bogus')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unexpected argument --bogus'),
    });
    expect(run(dir, '--accepted')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--accepted needs a file'),
    });
  });

  it("checks the stacks the synth's manifest lists, and no accepted risk of a stack it did not write is stale", () => {
    const written = ['hub-cluster-prod', 'hub-platform-prod', 'state-bootstrap'];
    const manifest = {
      version: 'stacks',
      stacks: Object.fromEntries(written.map((id) => [id, { name: id }])),
    };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    // The checked-in risks include ones for dev's single NAT gateway, whose stacks are on disk but not listed.
    expect(checkedIn().acceptedRisks.some((r: Json) => r.stack.includes('dev'))).toBe(true);
    const { code, out } = run(dir, '--json', '--accepted', risksFile());
    expect(JSON.parse(out)).toMatchObject({ passed: true, stacks: written, stale: [] });
    expect(code).toBe(0);
  });

  it('refuses a manifest that lists a stack without its Terraform JSON', () => {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ stacks: { 'hub-cluster-moon': {} } }));
    expect(run(dir)).toMatchObject({ code: 2, err: expect.stringContaining('lists hub-cluster-moon, but') });
  });

  it("gives parseable JSON through npm, as the README runs it: --silent, or npm's own --json", () => {
    const root = join(__dirname, '..', '..', '..');
    const npm = (...args: string[]) =>
      spawnSync('npm', args, {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, npm_config_json: undefined },
      });
    const silent = npm('run', '--silent', 'policy', '--', dir, '--json', '--accepted', risksFile());
    expect(JSON.parse(silent.stdout)).toMatchObject({ passed: true });
    const ofNpm = npm('run', 'policy', '--json', '--', dir, '--accepted', risksFile());
    expect(JSON.parse(ofNpm.stdout)).toMatchObject({ passed: true });
    expect(ofNpm.status).toBe(0);
  });

  it('prints its usage, with the exit codes, for --help', () => {
    expect(run('--help')).toEqual({ code: 0, out: USAGE, err: '' });
    expect(USAGE).toMatch(/exit codes: 0 passed; 1 violations or stale accepted risks;\s+2 bad arguments/);
  });
});
