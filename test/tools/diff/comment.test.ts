import { GITHUB_COMMENT_LIMIT, MARKER, composeComment, truncateMiddle } from '../../../tools/diff/comment';

describe('the pull-request comment', () => {
  const line = (i: number): string =>
    `| \`hub-cluster-prod\` | aws_subnet.network_private-${i} | cidr_block forces replacement |`;
  const long = Array.from({ length: 5000 }, (_, i) => line(i)).join('\n');

  it('keeps a short text whole, behind the marker the workflow finds it by', () => {
    const { full, comment } = composeComment({ offline: '## Offline diff\n\nNo danger.' });
    expect(comment).toBe(`${MARKER}\n${full}`);
  });

  it("stays under GitHub's limit, keeping the first and last lines whole and saying where the rest is", () => {
    expect(long.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    const { full, comment } = composeComment({ offline: `## Offline diff\n${long}`, footer: 'the end' });
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    expect(comment.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(comment.startsWith(`${MARKER}\n## Offline diff\n${line(0)}\n`)).toBe(true);
    expect(comment.endsWith(`${line(4999)}\n\nthe end`)).toBe(true);
    expect(comment).toMatch(
      /characters cut here to stay under GitHub's comment limit; the full text is in the job summary/,
    );
    // Every line that is kept is a whole line of the original.
    const kept = comment.split('\n').filter((l) => l.startsWith('| '));
    for (const l of kept) expect(long).toContain(l);
    expect(kept.length).toBeGreaterThan(500);
  });

  it('says how much was cut', () => {
    const text = 'a\n'.repeat(1000);
    const cut = truncateMiddle(text, 400, 'see the summary');
    const match = /([\d,]+) characters cut here/.exec(cut);
    const kept = cut.replace(/\n\n> \[!NOTE\][^\n]*\n> [^\n]*\n\n/, '');
    expect(Number(match![1].replace(/,/g, ''))).toBe(text.length - kept.length);
    expect(cut.length).toBeLessThanOrEqual(400);
  });
});
