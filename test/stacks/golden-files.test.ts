/**
 * Golden files: the whole synthesized JSON of every stack. A diff here is a change to what
 * Terraform would plan; review it like a plan, then update with `npx jest -u`.
 */
import { synthStacks } from '../support/synth';

describe('golden files', () => {
  const stacks = synthStacks();

  it.each([...stacks.keys()].sort())('%s', (id) => {
    expect(stacks.get(id)).toMatchSnapshot();
  });
});
