/**
 * The hub pod helper renders a release the way the Helm provider hands it to helm: values
 * documents, then set, set_sensitive (typed) and set_list entries over them.
 */
import { parse } from 'yaml';
import { configuredEnvironments, releaseOf, synthStacks } from './synth';
import { renderRelease, setArguments } from './hub-pod';

describe('renderRelease', () => {
  const env = configuredEnvironments().find((e) => e.name === 'hackweek')!;
  const { body } = releaseOf(synthStacks().get('hub-platform-hackweek')!, 'jupyterhub');

  function renderedValues(release: typeof body) {
    const secret = renderRelease(release, env.cluster.kubernetesVersion).find(
      (o) => o.kind === 'Secret' && o.metadata.name === 'hub',
    )!;
    return parse(Buffer.from(secret.data['values.yaml'], 'base64').toString('utf8'));
  }

  it('puts set, set_sensitive and set_list entries over the values documents, typed as helm types them', () => {
    const values = renderedValues({
      ...body,
      set: [{ name: 'hub.concurrentSpawnLimit', value: '7' }],
      set_sensitive: [{ name: 'hub.config.GitHubOAuthenticator.client_id', value: '12345', type: 'string' }],
      set_list: [{ name: 'hub.config.GitHubOAuthenticator.allowed_organizations', value: ['a', 'b'] }],
    });
    expect(values.hub.concurrentSpawnLimit).toBe(7);
    expect(values.hub.config.GitHubOAuthenticator.client_id).toBe('12345');
    expect(values.hub.config.GitHubOAuthenticator.allowed_organizations).toEqual(['a', 'b']);
  }, 120_000);

  it('renders the values documents alone when there are no set entries', () => {
    expect(setArguments(body)).toEqual([]);
    expect(renderedValues(body).hub.concurrentSpawnLimit).toBe(env.hub.concurrentSpawnLimit);
  }, 120_000);
});
