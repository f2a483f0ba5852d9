/** The pinned price table: every recorded source belongs to a price the table has. */
import { PINNED_PRICES } from '../../../lib/cost/prices';

describe.each(Object.entries(PINNED_PRICES))('pinned prices for %s', (_region, table) => {
  const priced = new Set([
    ...Object.keys(table.instanceHour),
    ...Object.entries(table)
      .filter(([, value]) => typeof value === 'number')
      .map(([field]) => field),
  ]);

  it.each(Object.entries(table.sources ?? {}))(
    'the source for %s names a price in the table',
    (key, source) => {
      expect(priced).toContain(key);
      expect(source.url).toMatch(/^https?:\/\/[^/]+\.[a-z]+\//);
      expect(source.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    },
  );
});
