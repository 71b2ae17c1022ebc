import type { ProcessRow } from '../../src-shared/process';
import { buildTree, withTheirAncestors, type TreeNode, type ViewRow } from '../../src-shared/rows';

/** A row of the tree view: where it sits, whether it can open, and why it is shown. */
export interface TreeRow extends ViewRow {
  /** It has children among the rows shown (so it gets a disclosure triangle). */
  hasChildren: boolean;
  /** Its children are listed below it (false when the user collapsed it). */
  expanded: boolean;
  /** Shown only because a descendant matches the filter: drawn dimmed. */
  ancestorOnly: boolean;
  /** The parent's key, for Left ("to the parent"); absent for a root. */
  parentKey?: string;
}

/**
 * The tree view's rows, in order: filtered (a match keeps its ancestors, marked `ancestorOnly`),
 * siblings in the order of `sorted`, and without the descendants of a collapsed row.
 * `collapsed` holds row keys, which stay the same while a process lives, so a collapse outlasts
 * the 1 Hz updates. `sorted` is the flat list's order (SortedRows keeps it from update to
 * update): sorting all the rows again here was most of a tree view update's script.
 * `matching`: the rows of `sorted` that the filter text matches, in its order, as FilteredRows
 * keeps them from keystroke to keystroke and update to update (matching all 5,000 rows again
 * was half of a filtered tree's update); undefined when no text is typed.
 */
export function treeRows(
  sorted: readonly ProcessRow[],
  matching: readonly ProcessRow[] | undefined,
  collapsed: ReadonlySet<string>,
): TreeRow[] {
  const shown = matching ? withTheirAncestors(sorted, matching) : sorted;
  const matched = matching && new Set(matching);
  const out: TreeRow[] = [];
  // An explicit stack, not recursion: a deep chain of processes cannot overflow it.
  const stack: { node: TreeNode; depth: number; parentKey?: string }[] = buildTree(shown)
    .map((node) => ({ node, depth: 0 }))
    .reverse();
  while (stack.length > 0) {
    const { node, depth, parentKey } = stack.pop()!;
    const { row, children } = node;
    const expanded = !collapsed.has(row.key);
    out.push({
      row,
      depth,
      hasChildren: children.length > 0,
      expanded,
      ancestorOnly: matched !== undefined && !matched.has(row),
      parentKey,
    });
    if (!expanded) continue;
    for (let i = children.length - 1; i >= 0; i--)
      stack.push({ node: children[i]!, depth: depth + 1, parentKey: row.key });
  }
  return out;
}

/** The key a Right or Left press acts on, as the WAI-ARIA treegrid pattern has it. */
export type TreeMove =
  { kind: 'expand' | 'collapse'; key: string } | { kind: 'select'; index: number } | undefined;

export function treeKey(rows: readonly TreeRow[], index: number, key: 'Right' | 'Left'): TreeMove {
  const r = rows[index];
  if (!r) return undefined;
  if (key === 'Right') {
    if (!r.hasChildren) return undefined;
    if (!r.expanded) return { kind: 'expand', key: r.row.key };
    // Expanded: its first child is the next row.
    return rows[index + 1]?.parentKey === r.row.key
      ? { kind: 'select', index: index + 1 }
      : undefined;
  }
  if (r.hasChildren && r.expanded) return { kind: 'collapse', key: r.row.key };
  if (r.parentKey === undefined) return undefined;
  for (let i = index - 1; i >= 0; i--)
    if (rows[i]!.row.key === r.parentKey) return { kind: 'select', index: i };
  return undefined;
}

/** The deepest level shown: the Name column widens by that much indent, so names keep room. */
export function maxDepth(rows: readonly ViewRow[]): number {
  let d = 0;
  for (const r of rows) if (r.depth > d) d = r.depth;
  return d;
}
