import type { ProcessRow } from '../../src-shared/process';

export interface TreeNode {
  row: ProcessRow;
  children: TreeNode[];
}

/**
 * Parent/child forest from one snapshot. A row whose parent is absent, is itself, or started
 * after it (its PID was reused by a younger process) is a root, so the result is always a forest
 * with every row exactly once. Children keep the order of `rows`.
 */
export function buildTree(rows: readonly ProcessRow[]): TreeNode[] {
  const nodes = new Map<number, TreeNode>();
  for (const row of rows) nodes.set(row.pid, { row, children: [] });
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const { pid, ppid, startTime } = node.row;
    const parent = ppid !== pid ? nodes.get(ppid) : undefined;
    if (parent && parent.row.startTime <= startTime && !isAncestor(node, parent, nodes)) {
      parent.children.push(node);
    } else roots.push(node);
  }
  return roots;
}

/** Guards against a cycle (only possible with equal start times and reused PIDs). */
function isAncestor(node: TreeNode, of: TreeNode, nodes: Map<number, TreeNode>): boolean {
  if (node.row.startTime !== of.row.startTime) return false;
  const seen = new Set<number>();
  for (let cur: TreeNode | undefined = of; cur && !seen.has(cur.row.pid);) {
    if (cur === node) return true;
    seen.add(cur.row.pid);
    cur = cur.row.ppid !== cur.row.pid ? nodes.get(cur.row.ppid) : undefined;
  }
  return false;
}

/** Depth-first walk, parents before children, with each node's depth. */
export function* walkTree(
  roots: readonly TreeNode[],
  depth = 0,
): Generator<{ node: TreeNode; depth: number }> {
  for (const node of roots) {
    yield { node, depth };
    yield* walkTree(node.children, depth + 1);
  }
}
