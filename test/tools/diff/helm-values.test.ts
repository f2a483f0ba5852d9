/** What a values change of the real jupyterhub release does to people, key by key. */
import { stringify } from 'yaml';
import { releaseValuesChange } from '../../../tools/diff/helm-values';
import { StackJson, releaseOf, synthStacks } from '../../support/synth';

const HUB_RESTART =
  'the hub restarts: for about a minute nobody can log in or start a server; running servers keep running';

function changed(edit: (values: StackJson) => void): ReturnType<typeof releaseValuesChange> {
  const { body, values } = releaseOf(synthStacks().get('hub-platform-prod')!, 'jupyterhub');
  edit(values);
  return releaseValuesChange('jupyterhub', body, { ...body, values: [stringify(values)] });
}

describe('Helm values changes of the jupyterhub release', () => {
  it('sees no change when the values are the same', () => {
    expect(changed(() => undefined)).toBeUndefined();
  });

  it('a new single-user image restarts the hub and reaches only servers started afterwards', () => {
    const change = changed(
      (v) => (v.singleuser.image = { name: 'quay.io/jupyter/scipy-notebook', tag: '2099-01-01' }),
    );
    expect(change!.keys).toEqual(expect.arrayContaining(['singleuser.image.tag']));
    expect(change!.effects).toEqual([
      HUB_RESTART,
      'the single-user image changes for servers started afterwards only; running servers keep their image until they are stopped',
    ]);
  });

  it('a proxy change drops open connections, first', () => {
    const change = changed((v) => (v.proxy.chp.resources.requests.cpu = '999m'));
    expect(change!.keys).toEqual(['proxy.chp.resources.requests.cpu']);
    expect(change!.effects[0]).toBe(
      'the proxy restarts: every open connection drops; notebooks reconnect by themselves, kernels keep running',
    );
    expect(change!.effects).toContain(HUB_RESTART);
  });
});
