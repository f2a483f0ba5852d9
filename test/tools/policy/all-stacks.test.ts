import { ACCEPTED_RISKS_FILE, loadAcceptedRisks } from '../../../tools/policy/accepted-risks';
import { runPolicy } from '../../../tools/policy/engine';
import { RULES } from '../../../tools/policy/rules';
import { configuredEnvironments } from '../../support/synth';
import { realSynth } from './support';

describe('policy guard on every stack of every environment', () => {
  const risks = loadAcceptedRisks(ACCEPTED_RISKS_FILE, new Set(RULES.map((r) => r.id)));
  const report = runPolicy(realSynth(), RULES, risks.risks);

  it('covers the cluster and platform stacks of each configured environment', () => {
    for (const env of configuredEnvironments()) {
      expect(report.stacks).toEqual(
        expect.arrayContaining([`hub-cluster-${env.name}`, `hub-platform-${env.name}`]),
      );
    }
  });

  it('finds no violation that is not an accepted risk', () => {
    expect(report.violations).toEqual([]);
  });

  it('has a valid accepted-risks file with no stale entries', () => {
    expect(risks.errors).toEqual([]);
    expect(report.stale).toEqual([]);
  });
});
