/**
 * What environments may not share, and what an environment meant for deploying may not
 * keep from the examples. The copy is the one the README's "Adding an environment" makes.
 */
import { ENVIRONMENTS } from '../../config';
import { loadEnvironments, placeholderProblems } from '../../config/load';
import { EnvironmentInput } from '../../config/schema';
import { configProblems } from '../support/synth';

/** staging.ts copied with a new name, size, pool and VPC, as the README's steps make it. */
function copiedStaging(): EnvironmentInput {
  const copy = structuredClone(ENVIRONMENTS.staging);
  return {
    ...copy,
    name: 'summer',
    network: { vpcCidr: '10.50.0.0/16' },
    nodePools: { ...copy.nodePools, user: { user: { instanceType: 'm5.2xlarge', minSize: 0, maxSize: 6 } } },
    hub: { ...copy.hub, peakUsers: 40, profiles: copy.hub.profiles.filter((p) => p.pool !== 'large') },
  };
}

describe('across environments', () => {
  it("refuses a copy that keeps another environment's host name, OAuth client and secret", () => {
    expect(configProblems(() => loadEnvironments({ ...ENVIRONMENTS, summer: copiedStaging() }))).toEqual([
      "summer.hub.domain.name: 'staging.hub.example.org' is also staging's hub; each environment needs its own name (its DNS record and certificate)",
      "summer.hub.authentication.clientId: 'jupyterhub-staging' is also staging's OAuth client; each hub needs its own client, whose callback URL is that hub's",
      "summer.hub.authentication.clientSecret.name: '/hub-staging/oauth-client-secret' is also staging's client secret in ssm; each hub's OAuth client has its own secret",
    ]);
  });

  it('accepts the copy once it has its own name, client and secret', () => {
    const summer = copiedStaging();
    summer.hub.domain = { name: 'summer.hub.example.org', hostedZone: 'hub.example.org' };
    summer.hub.authentication = {
      ...(summer.hub.authentication as Extract<EnvironmentInput['hub']['authentication'], { type: 'oidc' }>),
      clientId: 'jupyterhub-summer',
      clientSecret: { source: 'ssm', name: '/hub-summer/oauth-client-secret' },
    };
    expect(loadEnvironments({ ...ENVIRONMENTS, summer }).map((env) => env.name)).toContain('summer');
  });

  it("reports an environment's own problems and the ones it has with others at once", () => {
    const summer = copiedStaging();
    summer.hub.peakUsers = 500;
    summer.network.vpcCidr = '10.20.0.0/16';
    const problems = configProblems(() => loadEnvironments({ ...ENVIRONMENTS, summer }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^summer\.hub\.peakUsers: 500 users/),
        expect.stringMatching(/^summer\.network\.vpcCidr: 10\.20\.0\.0\/16 overlaps staging's/),
      ]),
    );
  });
});

describe('example values', () => {
  it('are refused field by field in the environments a deploy synthesizes, outside development', () => {
    const deployed = loadEnvironments(ENVIRONMENTS).filter((env) => ['staging', 'dev'].includes(env.name));
    const problems = placeholderProblems(deployed);
    expect(problems).toEqual([
      "staging.account: '123456789012' uses the example account 123456789012",
      "staging.state.bucket: 'jupyterhub-aws-tfstate-123456789012' uses the example account 123456789012",
      "staging.state.kmsKeyId: 'arn:aws:kms:us-west-2:123456789012:alias/hub/terraform-state/staging' uses the example account 123456789012",
      "staging.cluster.admins.0: 'arn:aws:iam::123456789012:role/HubAdmin' uses the example account 123456789012",
      "staging.hub.domain.name: 'staging.hub.example.org' is an example domain",
      "staging.hub.domain.hostedZone: 'hub.example.org' is an example domain",
      "staging.hub.authentication.authorizeUrl: 'https://login.example.org/oauth2/authorize' is an example domain",
      "staging.hub.authentication.tokenUrl: 'https://login.example.org/oauth2/token' is an example domain",
      "staging.hub.authentication.userdataUrl: 'https://login.example.org/oauth2/userinfo' is an example domain",
    ]);
  });

  it('pass in an offline synth, and an environment with real values has none', () => {
    expect(() => loadEnvironments(ENVIRONMENTS)).not.toThrow();
    const real = structuredClone(ENVIRONMENTS.hackweek);
    real.account = '210987654321';
    real.state = {
      backend: 's3',
      bucket: 'hackweek-tfstate',
      region: 'us-west-2',
      kmsKeyId: 'arn:aws:kms:us-west-2:210987654321:alias/hub/terraform-state/hackweek',
    };
    real.cluster.admins = ['arn:aws:iam::210987654321:role/Organisers'];
    real.hub.domain = { name: 'hub.icesat2.hackweek.io', hostedZone: 'icesat2.hackweek.io' };
    // A name that merely contains "example" is not an example domain. With GitHub login admins
    // come from teams only (hub.admins.users is refused), and every team must be listed in teams.
    const organisers = 'ICESAT-2HackWeek:example-organisers';
    if (real.hub.authentication.type !== 'github') throw new Error('hackweek logs in with GitHub');
    real.hub.authentication.teams = [...(real.hub.authentication.teams ?? []), organisers];
    real.hub.admins = { groups: [organisers] };
    real.cost = { ...real.cost, budget: { monthlyUsd: 800, notify: { emails: ['organisers@hackweek.io'] } } };
    expect(placeholderProblems(loadEnvironments({ hackweek: real }))).toEqual([]);
  });
});
