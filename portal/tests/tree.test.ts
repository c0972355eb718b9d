import { describe, expect, it } from 'vitest';
import { errorsByNode, fromApi, keys, move, newNode, toInput, update } from '../src/lib/tree';

describe('the pathway tree editor', () => {
  const basics = newNode('COURSE', { title: 'Basics', key: 'basics', targetId: 'C1' });
  const choice = newNode('N_OF', { n: 1, prerequisiteKeys: ['basics'], children: [newNode('BADGE_CLASS', { targetId: 'B1' }), newNode('BADGE_CLASS', { targetId: 'B2' })] });
  const root = newNode('ALL_OF', { children: [basics, choice] });

  it('gives the API its RequirementInput', () => {
    const { input } = toInput(root);
    expect(input.allOf?.[0]).toMatchObject({ title: 'Basics', key: 'basics', courseId: 'C1', optional: false });
    expect(input.allOf?.[1].nOf).toEqual({ n: 1, of: [expect.objectContaining({ badgeClassId: 'B1' }), expect.objectContaining({ badgeClassId: 'B2' })] });
    expect(input.allOf?.[1].prerequisiteKeys).toEqual(['basics']);
  });

  it('puts each error on the node its path names', () => {
    const { paths } = toInput(root);
    const { byNode, rest } = errorsByNode(
      { 'requirement.allOf.1.nOf.n': 'n is too big', 'requirement.allOf.1.nOf.of.0.badgeClassId': 'not found', name: 'required' },
      paths,
    );
    expect(byNode.get(choice.uid)).toEqual(['n is too big']);
    expect(byNode.get(choice.children[0].uid)).toEqual(['not found']);
    expect(rest).toEqual(['required']);
  });

  it('edits, removes and moves nodes without touching the original', () => {
    const renamed = update(root, basics.uid, (n) => ({ ...n, title: 'Start' }))!;
    expect(renamed.children[0].title).toBe('Start');
    expect(root.children[0].title).toBe('Basics');
    expect(update(root, basics.uid, () => null)!.children).toHaveLength(1);
    expect(move(root, choice.uid, -1).children[0].uid).toBe(choice.uid);
    expect(keys(root)).toEqual([{ key: 'basics', label: 'Basics' }]);
  });

  it('reads a stored tree back', () => {
    const tree = fromApi({ kind: 'N_OF', required: 2, optional: false, children: [{ kind: 'COURSE', optional: true, course: { id: 'C9' }, prerequisites: [{ key: 'k' }] }] });
    expect(tree.n).toBe(2);
    expect(tree.children[0]).toMatchObject({ kind: 'COURSE', targetId: 'C9', optional: true, prerequisiteKeys: ['k'] });
  });
});
