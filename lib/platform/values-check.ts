/**
 * Checks the hand-written values folder before anything is synthesized, so a mistake there
 * fails the synth with the file, line and key instead of passing silently (helm ignores an
 * unknown key) or failing at deploy, after the cluster is built:
 *
 * - every file is one the synth reads: `<chart>/base.yaml` or `<chart>/<env>.yaml` of a
 *   chart the product installs and an environment config defines (a misspelt chart
 *   folder, a `.yml` file or an overlay for an environment that does not exist is an error);
 * - every file is a YAML map;
 * - with the pinned chart's data on this machine, each environment's base plus overlay
 *   fits the chart: its schema where it ships one, its keys where it does not.
 */
import { existsSync, readdirSync, statSync } from 'fs';
import { join } from 'path';
import { ChartPin } from './charts';
import { ChartData, chartValueProblems } from './chart-values';
import { ValuesFile, displayPath, fileAndLine, mergeValues, parseValuesFile } from './helm-values';

export interface ValuesCheckProps {
  /** The folder laid out like values/: one subfolder per chart. */
  readonly valuesDir: string;
  /** Names of every environment config defines; an overlay for any other is an error. */
  readonly environments: readonly string[];
  /** The charts whose folders the synth reads, by folder name. */
  readonly charts: Readonly<Record<string, ChartPin>>;
  /** The pinned chart's data, or undefined when it is not on this machine (then keys go unchecked). */
  readonly chartData: (pin: ChartPin) => ChartData | undefined;
  /** Subfolders of a chart folder that hold files the values refer to. @default { jupyterhub: ['files'] } */
  readonly dataFolders?: Readonly<Record<string, readonly string[]>>;
}

/** Every problem in the values folder, one line each; [] when the synth may read it. */
export function checkValuesFolder(props: ValuesCheckProps): string[] {
  const { valuesDir, environments, charts } = props;
  const dataFolders = props.dataFolders ?? { jupyterhub: ['files'] };
  if (!existsSync(valuesDir)) return [];
  const problems: string[] = [];
  const folders = Object.keys(charts);
  // Dot files (.gitkeep, an editor's or the OS's) are nobody's values.
  const visible = (dir: string) =>
    readdirSync(dir)
      .filter((name) => !name.startsWith('.'))
      .sort();
  for (const entry of visible(valuesDir)) {
    const path = join(valuesDir, entry);
    if (!(entry in charts)) {
      problems.push(
        `${displayPath(path)}: not read by the synth; values folders are the charts' names: ${folders.join(', ')}`,
      );
      continue;
    }
    if (!statSync(path).isDirectory()) continue;
    const overlays: ValuesFile[] = [];
    let base: ValuesFile | undefined;
    for (const name of visible(path)) {
      const file = join(path, name);
      if (statSync(file).isDirectory()) {
        if (!(dataFolders[entry] ?? []).includes(name))
          problems.push(
            `${displayPath(file)}: not read by the synth; ${entry}'s values are base.yaml and <env>.yaml`,
          );
        continue;
      }
      const match = /^(.+)\.(yaml|yml)$/.exec(name);
      const stem = match?.[1];
      if (!match || !stem) {
        problems.push(
          `${displayPath(file)}: not read by the synth; ${entry}'s values are base.yaml and <env>.yaml`,
        );
        continue;
      }
      if (match[2] === 'yml') {
        problems.push(
          `${displayPath(file)}: not read by the synth, which reads only .yaml; rename it ${stem}.yaml`,
        );
        continue;
      }
      if (stem !== 'base' && !environments.includes(stem)) {
        problems.push(
          `${displayPath(file)}: no environment is named '${stem}'; overlays are named after one of: ${environments.join(', ')}`,
        );
        continue;
      }
      let parsed: ValuesFile;
      try {
        parsed = parseValuesFile(file);
      } catch (error) {
        problems.push((error as Error).message);
        continue;
      }
      if (stem === 'base') base = parsed;
      else overlays.push(parsed);
    }
    problems.push(...chartProblems(entry, charts[entry], props.chartData(charts[entry]), base, overlays));
  }
  return [...new Set(problems)];
}

/** Problems of base plus each overlay against the chart, each named by the file that sets the key. */
function chartProblems(
  folder: string,
  pin: ChartPin,
  data: ChartData | undefined,
  base: ValuesFile | undefined,
  overlays: readonly ValuesFile[],
): string[] {
  if (!data) return [];
  const layerSets = overlays.length > 0 ? overlays.map((overlay) => [base, overlay]) : [[base]];
  return layerSets.flatMap((set) => {
    const files = set.filter((file): file is ValuesFile => file !== undefined);
    const merged = mergeValues(...files.map((file) => file.values));
    return chartValueProblems(pin.chart, data, merged).map((problem) => {
      // The highest layer that sets the key is the one to fix.
      const owner = [...files].reverse().find((file) => file.line(problem.path) !== undefined);
      const where = owner ? fileAndLine(owner, problem.path) : `${folder} values`;
      const key = problem.path.join('.') || '(top level)';
      return `${where}: ${key} ${problem.message} (chart ${pin.chart} ${pin.version})`;
    });
  });
}
