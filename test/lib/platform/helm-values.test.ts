import { mkdtempSync, mkdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fileLayers, mergeValues, readValuesFile } from '../../../lib/platform/helm-values';

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

  it('removes a key set to null, as helm does', () => {
    expect(mergeValues({ a: { b: 1, c: 2 } }, { a: { b: null } })).toEqual({ a: { c: 2 } });
  });

  it('does not modify its inputs', () => {
    const base = { a: { b: 1 } };
    mergeValues(base, { a: { b: 2 } });
    expect(base).toEqual({ a: { b: 1 } });
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

  it('names the file when its YAML is broken or not a map', () => {
    expect(() => readValuesFile(join(dir, 'chart', 'broken.yaml'))).toThrow(/broken\.yaml: not valid YAML/);
    expect(() => readValuesFile(join(dir, 'chart', 'list.yaml'))).toThrow(/list\.yaml: must be a YAML map/);
  });
});
