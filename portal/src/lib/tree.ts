// The pathway editor's model: a requirement tree the admin edits, turned into the API's
// RequirementInput, and the API's errors (``requirement.allOf.1.nOf.n``) put back on the node
// they name.

export type NodeKind = 'BADGE_CLASS' | 'COURSE' | 'ALL_OF' | 'N_OF';

export interface TreeNode {
  uid: string;
  kind: NodeKind;
  title: string;
  key: string;
  optional: boolean;
  targetId: string;
  milestoneId: string;
  n: number;
  prerequisiteKeys: string[];
  children: TreeNode[];
}

export interface RequirementInputShape {
  title?: string | null;
  key?: string | null;
  optional?: boolean;
  milestoneBadgeClassId?: string | null;
  badgeClassId?: string | null;
  courseId?: string | null;
  prerequisiteKeys?: string[] | null;
  allOf?: RequirementInputShape[] | null;
  nOf?: { n: number; of: RequirementInputShape[] } | null;
}

let counter = 0;
export function newNode(kind: NodeKind, extra: Partial<TreeNode> = {}): TreeNode {
  counter += 1;
  return { uid: `n${counter}`, kind, title: '', key: '', optional: false, targetId: '', milestoneId: '', n: 1, prerequisiteKeys: [], children: [], ...extra };
}

export const isGroup = (node: TreeNode): boolean => node.kind === 'ALL_OF' || node.kind === 'N_OF';

/** The input the API takes, and each node's path in it (for errors). */
export function toInput(node: TreeNode, path = 'requirement', paths: Map<string, string> = new Map()): { input: RequirementInputShape; paths: Map<string, string> } {
  paths.set(node.uid, path);
  const input: RequirementInputShape = {
    title: node.title.trim() || null,
    key: node.key.trim() || null,
    optional: node.optional,
    milestoneBadgeClassId: node.milestoneId || null,
    prerequisiteKeys: node.prerequisiteKeys.length ? node.prerequisiteKeys : null,
  };
  if (node.kind === 'BADGE_CLASS') input.badgeClassId = node.targetId || null;
  else if (node.kind === 'COURSE') input.courseId = node.targetId || null;
  else if (node.kind === 'ALL_OF') input.allOf = node.children.map((c, i) => toInput(c, `${path}.allOf.${i}`, paths).input);
  else input.nOf = { n: node.n, of: node.children.map((c, i) => toInput(c, `${path}.nOf.of.${i}`, paths).input) };
  return { input, paths };
}

/** Errors by node: an error belongs to the deepest node whose path is a prefix of its field. */
export function errorsByNode(errors: Record<string, string>, paths: Map<string, string>): { byNode: Map<string, string[]>; rest: string[] } {
  const byNode = new Map<string, string[]>();
  const rest: string[] = [];
  const ordered = [...paths.entries()].sort((a, b) => b[1].length - a[1].length);
  for (const [field, message] of Object.entries(errors)) {
    const owner = ordered.find(([, path]) => field === path || field.startsWith(`${path}.`));
    if (owner) byNode.set(owner[0], [...(byNode.get(owner[0]) ?? []), message]);
    else rest.push(message);
  }
  return { byNode, rest };
}

/** A copy of the tree with ``change`` applied to the node ``uid``. */
export function update(node: TreeNode, uid: string, change: (n: TreeNode) => TreeNode | null): TreeNode | null {
  if (node.uid === uid) return change(node);
  const children = node.children.map((c) => update(c, uid, change)).filter((c): c is TreeNode => c !== null);
  return { ...node, children };
}

/** Move a node one place up or down among its siblings. */
export function move(node: TreeNode, uid: string, by: -1 | 1): TreeNode {
  const index = node.children.findIndex((c) => c.uid === uid);
  if (index >= 0) {
    const target = index + by;
    if (target < 0 || target >= node.children.length) return node;
    const children = [...node.children];
    [children[index], children[target]] = [children[target], children[index]];
    return { ...node, children };
  }
  return { ...node, children: node.children.map((c) => move(c, uid, by)) };
}

/** Keys named in the tree, for prerequisites. */
export function keys(node: TreeNode): { key: string; label: string }[] {
  const own = node.key.trim() ? [{ key: node.key.trim(), label: node.title.trim() || node.key.trim() }] : [];
  return [...own, ...node.children.flatMap(keys)];
}

export interface ApiNode {
  key?: string | null;
  title?: string | null;
  optional: boolean;
  kind: NodeKind;
  required?: number | null;
  badgeClass?: { id: string } | null;
  course?: { id: string } | null;
  milestone?: { id: string } | null;
  prerequisites?: { key?: string | null }[];
  children?: ApiNode[];
}

/** An editable tree from a pathway's stored one. */
export function fromApi(node: ApiNode): TreeNode {
  return newNode(node.kind, {
    title: node.title ?? '',
    key: node.key ?? '',
    optional: node.optional,
    targetId: node.badgeClass?.id ?? node.course?.id ?? '',
    milestoneId: node.milestone?.id ?? '',
    n: node.required ?? 1,
    prerequisiteKeys: (node.prerequisites ?? []).map((p) => p.key ?? '').filter(Boolean),
    children: (node.children ?? []).map(fromApi),
  });
}
