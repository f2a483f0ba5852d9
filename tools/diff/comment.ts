/**
 * The one pull-request comment: a hidden marker (how the workflow finds the comment to
 * update on the next push), the offline diff, then each stack's plan summary or the note
 * saying why it has none, in dependency order. GitHub rejects comments over 65,536
 * characters, so a longer text keeps its head and tail and says where the whole is.
 */

/** Marks the comment this tool owns; the workflow updates the comment that contains it. */
export const MARKER = '<!-- hub-plan-diff -->';

/** GitHub's limit on a comment's body, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/**
 * `text` when it fits in `limit` characters; otherwise its first and last lines, as many
 * as fit, around a line that says how much was cut and where the full text is.
 */
export function truncateMiddle(text: string, limit: number, whereFull: string): string {
  if (text.length <= limit) return text;
  const notice = (cut: number): string =>
    `\n\n> [!NOTE]\n> ${cut.toLocaleString('en-US')} characters cut here to stay under GitHub's comment limit; ${whereFull}\n\n`;
  const budget = limit - notice(text.length).length;
  if (budget <= 0) throw new Error(`limit ${limit} is too small for a truncated comment`);
  const half = Math.floor(budget / 2);
  // Cut at line ends, so no markdown line (or table row) is split.
  let head = text.slice(0, half);
  head = head.slice(0, Math.max(head.lastIndexOf('\n'), 0));
  let tail = text.slice(text.length - half);
  tail = tail.slice(tail.indexOf('\n') + 1);
  return `${head}${notice(text.length - head.length - tail.length)}${tail}`;
}

export interface PlanSection {
  readonly stack: string;
  /** The plan summary in markdown, or a note saying why there is no plan. */
  readonly markdown: string;
}

export interface CommentParts {
  readonly offline: string;
  /** Plan sections in dependency order; absent when no plan role is configured. */
  readonly plans?: readonly PlanSection[];
  /** Appended under the plans: how to get plans when they are off, links, etc. */
  readonly footer?: string;
}

/** The full text (for the job summary) and the comment body (marker, within the limit). */
export function composeComment(
  parts: CommentParts,
  limit = GITHUB_COMMENT_LIMIT,
  whereFull = 'the full text is in the job summary of this workflow run.',
): { full: string; comment: string } {
  const sections = [parts.offline];
  if (parts.plans) {
    sections.push(
      parts.plans.length > 0
        ? ['## Terraform plans', ...parts.plans.map((p) => p.markdown)].join('\n\n')
        : '## Terraform plans\n\nNo stack changed, so nothing was planned.',
    );
  }
  if (parts.footer) sections.push(parts.footer);
  const full = sections.join('\n\n');
  const body = truncateMiddle(full, limit - MARKER.length - 1, whereFull);
  return { full, comment: `${MARKER}\n${body}` };
}
