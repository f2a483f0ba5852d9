import { describeNames, isTestUser, nextIndex, userIndex, userName } from '../../../tools/hub-stress/names';

describe('test user names', () => {
  it('pads the index to four digits and keeps larger ones whole', () => {
    expect(userName('hub-stress', 7)).toBe('hub-stress-0007');
    expect(userName('hub-stress', 12345)).toBe('hub-stress-12345');
  });

  it('recognizes only <prefix>-digits, so purge never touches a real user', () => {
    expect(userIndex('hub-stress', 'hub-stress-0042')).toBe(42);
    expect(isTestUser('hub-stress', 'hub-stress-admin')).toBe(false);
    expect(isTestUser('hub-stress', 'hub-stress-0042x')).toBe(false);
    expect(isTestUser('hub-stress', 'xhub-stress-0042')).toBe(false);
    expect(isTestUser('hub-stress', 'hub-stress-42')).toBe(false);
    expect(isTestUser('hub', 'hub-stress-0001')).toBe(false);
    expect(isTestUser('a.b', 'axb-0001')).toBe(false);
  });

  it('continues numbering after the highest existing index', () => {
    expect(nextIndex('hub-stress', [])).toBe(1);
    expect(nextIndex('hub-stress', ['hub-stress-0003', 'hub-stress-0010', 'alice', 'hub-stress-admin'])).toBe(
      11,
    );
  });

  it('describes a set of names compactly', () => {
    expect(describeNames([])).toBe('no users');
    expect(describeNames(['hub-stress-0002', 'hub-stress-0001'])).toBe(
      'hub-stress-0001..hub-stress-0002 (2 users)',
    );
  });
});
