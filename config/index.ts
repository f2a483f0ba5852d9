/** Every environment the app synthesizes. Add one by writing its file and listing it here. */
import { dev } from './environments/dev';
import { hackweek } from './environments/hackweek';
import { prod } from './environments/prod';
import { staging } from './environments/staging';
import { EnvironmentInput } from './schema';

export const ENVIRONMENTS: Readonly<Record<string, EnvironmentInput>> = { dev, staging, prod, hackweek };
