import { mkdtempSync, mkdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  fileLayers,
  mergeValues,
  parseValuesFile,
  readValuesFile,
  withChartDefaults,
} from '../../../lib/platform/helm-values';

describe('mergeValues (helm -f semantics)', () => {
  it('merges maps key by key, later layers winning', () => {
    expect(mergeValues({ a: { b: 1, c: 2 } }, { a: { c: 3, d: 4 } })).toEqual({ a: { b: 1, c: 3, d: 4 } });
  });

  it('replaces lists and scalars whole', () => {
    expect(mergeValues({ list: [1, 2], s: 'x', m: { k: 1 } }, { list: [3], s: 'y', m: 'flat' })).toEqual({
      list: [3],
      s: 'y',
      m: 'flat',
    });
  });

  it('keeps a null in the merged document, replacing what lower layers set', () => {
    expect(mergeValues({ a: { b: 1, c: 2 } }, { a: { b: null } })).toEqual({ a: { b: null, c: 2 } });
    expect(mergeValues({ a: { b: 1 } }, { a: null })).toEqual({ a: null });
    // A later layer can set the key again.
    expect(mergeValues({ a: { b: 1 } }, { a: null }, { a: { c: 3 } })).toEqual({ a: { c: 3 } });
  });

  it('does not modify its inputs', () => {
    const base = { a: { b: 1 } };
    mergeValues(base, { a: { b: 2 } });
    expect(base).toEqual({ a: { b: 1 } });
  });
});

describe('withChartDefaults (what the templates see)', () => {
  const defaults = {
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
    image: { repository: 'example/image', tag: '' },
  };

  it('merges our maps into the chart defaults and replaces lists and scalars', () => {
    expect(
      withChartDefaults(defaults, { nodeSelector: { pool: 'core' }, tolerations: [], image: { tag: 'v1' } }),
    ).toEqual({
      nodeSelector: { 'kubernetes.io/os': 'linux', pool: 'core' },
      tolerations: [],
      image: { repository: 'example/image', tag: 'v1' },
    });
  });

  it('removes a chart default our document sets to null, at any depth', () => {
    expect(withChartDefaults(defaults, { nodeSelector: null, image: { tag: null } })).toEqual({
      tolerations: defaults.tolerations,
      image: { repository: 'example/image' },
    });
  });

  it('drops the default after a null survived the merge of our layers', () => {
    const ours = mergeValues({ nodeSelector: { pool: 'core' } }, { nodeSelector: null });
    expect(withChartDefaults(defaults, ours)).not.toHaveProperty('nodeSelector');
  });

  it('does not modify the defaults', () => {
    withChartDefaults(defaults, { image: { tag: null } });
    expect(defaults.image).toEqual({ repository: 'example/image', tag: '' });
  });
});

describe('values files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'values-'));
  mkdirSync(join(dir, 'chart'));
  writeFileSync(join(dir, 'chart', 'base.yaml'), 'replicas: 1\nimage:\n  tag: v1\n');
  writeFileSync(join(dir, 'chart', 'prod.yaml'), 'replicas: 2\n');
  writeFileSync(join(dir, 'chart', 'broken.yaml'), 'a: [\n');
  writeFileSync(join(dir, 'chart', 'list.yaml'), '- 1\n- 2\n');

  it('reads base then the environment overlay, a missing overlay being empty', () => {
    expect(fileLayers('chart', 'prod', dir)).toEqual([
      { replicas: 1, image: { tag: 'v1' } },
      { replicas: 2 },
    ]);
    expect(fileLayers('chart', 'dev', dir)[1]).toEqual({});
  });

  it('names the file and line when its YAML is broken or not a map, in one line', () => {
    expect(() => readValuesFile(join(dir, 'chart', 'broken.yaml'))).toThrow(
      /broken\.yaml:2: not valid YAML: [^\n]+$/,
    );
    expect(() => readValuesFile(join(dir, 'chart', 'list.yaml'))).toThrow(/list\.yaml:1: must be a YAML map/);
  });

  it('finds the line of the deepest key a file sets', () => {
    const file = parseValuesFile(join(dir, 'chart', 'base.yaml'));
    expect(file.line(['image', 'tag'])).toBe(3);
    expect(file.line(['image', 'tagg'])).toBe(2);
    expect(file.line(['replicas'])).toBe(1);
    expect(file.line(['other'])).toBeUndefined();
  });
});
