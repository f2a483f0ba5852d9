/** Every environment the app synthesizes. Add one by writing its file and listing it here. */
import { dev } from './environments/dev';
import { hackweek } from './environments/hackweek';
import { prod } from './environments/prod';
import { staging } from './environments/staging';
import { central } from './monitoring/central';
import { MonitoringInput } from './monitoring-schema';
import { EnvironmentInput } from './schema';

export const ENVIRONMENTS: Readonly<Record<string, EnvironmentInput>> = { dev, staging, prod, hackweek };

/** Every monitoring deployment, each naming the environments that report to it. */
export const MONITORING: Readonly<Record<string, MonitoringInput>> = { central };
