/** Every rule of the policy guard, in report order. */
import { Rule } from '../types';
import { EKS_RULES } from './eks';
import { HELM_RULES } from './helm';
import { IAM_RULES } from './iam';
import { JUPYTERHUB_RULES } from './jupyterhub';
import { MONITORING_RULES } from './monitoring';
import { NETWORK_RULES } from './network';
import { NODE_RULES } from './nodes';
import { PLATFORM_RULES } from './platform';
import { STATE_RULES } from './state';
import { SCHEDULE_RULES } from './schedule';
import { STORAGE_RULES } from './storage';

export const RULES: readonly Rule[] = [
  ...EKS_RULES,
  ...NODE_RULES,
  ...NETWORK_RULES,
  ...IAM_RULES,
  ...STORAGE_RULES,
  ...STATE_RULES,
  ...HELM_RULES,
  ...PLATFORM_RULES,
  ...JUPYTERHUB_RULES,
  ...MONITORING_RULES,
  ...SCHEDULE_RULES,
];
