// Pathways: the list (publish, archive), and a visual editor of the requirement tree: steps
// (a badge or a course) and groups (all of them, or n of them), nested; titles, keys and
// prerequisites, optional steps, milestone badges, a capstone. Every mistake the API reports is
// shown on the node it names.

import { useMemo, useState } from 'preact/hooks';
import { graphql } from '../../gql';
import type { RequirementInput } from '../../gql/graphql';
import { byField } from '../../lib/api';
import { useApp } from '../../lib/app';
import { t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { href, navigate } from '../../lib/router';
import { errorsByNode, fromApi, isGroup, keys, move, newNode, toInput, update, type ApiNode, type NodeKind, type TreeNode } from '../../lib/tree';
import { Await, Button, Check, Chip, Empty, ErrorNote, FormErrors, PageHeader, Section, SelectField, TextArea, TextField } from '../../ui/kit';

const List = graphql(`
  query AdminPathways {
    pathways(first: 100) { edges { node { id name status version audiences { id name } capstone { id name } } } }
  }
`);

const Editor = graphql(`
  query PathwayEditorData {
    badgeClasses(first: 100) { edges { node { id name status } } }
    courses(first: 100) { edges { node { id title } } }
    audiences { id name }
  }
`);

const Existing = graphql(`
  query PathwayForEdit($id: ID!) {
    node(id: $id) {
      ... on Pathway {
        id
        name
        description
        status
        autoEnrol
        audiences { id }
        capstone { id }
        root {
          ...TreeFields
          children {
            ...TreeFields
            children { ...TreeFields children { ...TreeFields children { ...TreeFields children { ...TreeFields } } } }
          }
        }
      }
    }
  }
  fragment TreeFields on PathwayNode {
    key title optional kind required badgeClass { id } course { id } milestone { id } prerequisites { key }
  }
`);

const Create = graphql(`
  mutation PathwayCreate($input: PathwayCreateInput!) {
    pathwayCreate(input: $input) { pathway { id name status } errors { code field message } }
  }
`);
const Update = graphql(`
  mutation PathwayUpdate($input: PathwayUpdateInput!) {
    pathwayUpdate(input: $input) { pathway { id name status version } errors { code field message } }
  }
`);
const Publish = graphql(`
  mutation PathwayPublish($id: ID!) { pathwayPublish(id: $id) { pathway { id status version } errors { code field message } } }
`);
const Archive = graphql(`
  mutation PathwayArchive($id: ID!) { pathwayArchive(id: $id) { pathway { id status } errors { code field message } } }
`);

const KIND_LABEL: Record<NodeKind, string> = { BADGE_CLASS: 'Earn a badge', COURSE: 'Complete a course', ALL_OF: 'All of these', N_OF: 'Some of these' };

export function PathwaysAdminScreen() {
  const { api, notify } = useApp();
  const state = useQuery(api, List);
  const [error, setError] = useState<string | null>(null);
  async function run(action: Promise<{ errors: { message: string }[] }>, done: string) {
    setError(null);
    const result = await action;
    if (result.errors.length) setError(result.errors.map((e) => e.message).join(' '));
    else notify(done);
    invalidate();
  }
  return (
    <>
      <PageHeader title={t('Pathways')} lead={t('Badges and courses arranged toward a larger goal.')} actions={<a class="button primary" href={href('/admin/pathways/new')}>{t('New pathway')}</a>} />
      <ErrorNote error={error} />
      <Await state={state}>
        {(data) => {
          const pathways = data.pathways.edges.map((e) => e.node);
          return (
            <Section title={t('All pathways')}>
              {pathways.length ? (
                <div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('Pathway')}</th>
                        <th scope="col">{t('Status')}</th>
                        <th scope="col">{t('Open to')}</th>
                        <th scope="col">{t('Actions')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {pathways.map((p) => (
                        <tr key={p.id}>
                          <th scope="row">
                            <a href={href(`/admin/pathways/${p.id}`)}>{p.name}</a>
                            <span class="muted small block">{t('version {n}', { n: p.version })}{p.capstone ? ` · ${t('capstone')}: ${p.capstone.name}` : ''}</span>
                          </th>
                          <td><Chip status={p.status} /></td>
                          <td>{p.audiences.map((a) => a.name).join(', ') || t('everyone')}</td>
                          <td>
                            <div class="row-actions">
                              {p.status === 'DRAFT' ? <Button small onClick={() => run(api.request(Publish, { id: p.id }).then((r) => r.pathwayPublish), t('Published'))}>{t('Publish')}</Button> : null}
                              {p.status === 'PUBLISHED' ? <Button small variant="secondary" onClick={() => run(api.request(Archive, { id: p.id }).then((r) => r.pathwayArchive), t('Archived'))}>{t('Archive')}</Button> : null}
                            </div>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : (
                <Empty>{t('No pathways yet.')}</Empty>
              )}
            </Section>
          );
        }}
      </Await>
    </>
  );
}

interface Options {
  badges: { value: string; label: string }[];
  courses: { value: string; label: string }[];
}

function NodeEditor({ node, depth, options, errors, allKeys, onChange, onMove, isRoot }: { node: TreeNode; depth: number; options: Options; errors: Map<string, string[]>; allKeys: { key: string; label: string }[]; onChange: (uid: string, change: (n: TreeNode) => TreeNode | null) => void; onMove: (uid: string, by: -1 | 1) => void; isRoot?: boolean }) {
  const set = (patch: Partial<TreeNode>) => onChange(node.uid, (n) => ({ ...n, ...patch }));
  const mine = errors.get(node.uid);
  const label = node.title || KIND_LABEL[node.kind];
  return (
    <li>
      <div class={`tree-node${isGroup(node) ? ' group' : ''}${mine ? ' invalid' : ''}`} role="group" aria-label={t(label)}>
        <div class="tree-row">
          <SelectField
            label={t('Step')}
            value={node.kind}
            onValue={(v) => set({ kind: v as NodeKind, targetId: '', children: v === 'ALL_OF' || v === 'N_OF' ? node.children : [] })}
            options={(Object.keys(KIND_LABEL) as NodeKind[]).map((k) => ({ value: k, label: t(KIND_LABEL[k]) }))}
          />
          {node.kind === 'BADGE_CLASS' ? <SelectField label={t('Badge')} value={node.targetId} onValue={(v) => set({ targetId: v })} options={options.badges} placeholder={t('Choose')} /> : null}
          {node.kind === 'COURSE' ? <SelectField label={t('Course')} value={node.targetId} onValue={(v) => set({ targetId: v })} options={options.courses} placeholder={t('Choose')} /> : null}
          {node.kind === 'N_OF' ? <TextField label={t('How many')} type="number" min={1} value={String(node.n)} onValue={(v) => set({ n: Number(v) || 1 })} /> : null}
          <TextField label={t('Title')} value={node.title} onValue={(v) => set({ title: v })} maxLength={200} />
          <TextField label={t('Key (for prerequisites)')} value={node.key} onValue={(v) => set({ key: v })} maxLength={64} />
          <SelectField label={t('Milestone badge')} value={node.milestoneId} onValue={(v) => set({ milestoneId: v })} options={options.badges} placeholder={t('none')} />
          {allKeys.filter((k) => k.key !== node.key.trim()).length ? (
            <SelectField
              label={t('Unlocked after')}
              value={node.prerequisiteKeys[0] ?? ''}
              onValue={(v) => set({ prerequisiteKeys: v ? [v] : [] })}
              options={allKeys.filter((k) => k.key !== node.key.trim()).map((k) => ({ value: k.key, label: k.label }))}
              placeholder={t('nothing')}
            />
          ) : null}
        </div>
        {!isRoot ? <Check label={t('Optional (shown, never required)')} checked={node.optional} onChange={(v) => set({ optional: v })} /> : null}
        {mine ? mine.map((m, i) => <p key={i} class="field-error">{m}</p>) : null}
        <div class="tree-tools">
          {isGroup(node) ? (
            <>
              <Button small variant="secondary" onClick={() => onChange(node.uid, (n) => ({ ...n, children: [...n.children, newNode('BADGE_CLASS')] }))}>{t('Add a step')}</Button>
              {depth < 5 ? <Button small variant="secondary" onClick={() => onChange(node.uid, (n) => ({ ...n, children: [...n.children, newNode('N_OF', { children: [newNode('BADGE_CLASS'), newNode('BADGE_CLASS')] })] }))}>{t('Add a group')}</Button> : null}
            </>
          ) : null}
          {!isRoot ? (
            <>
              <Button small variant="ghost" onClick={() => onMove(node.uid, -1)} aria-label={t('Move {step} up', { step: t(label) })}>↑</Button>
              <Button small variant="ghost" onClick={() => onMove(node.uid, 1)} aria-label={t('Move {step} down', { step: t(label) })}>↓</Button>
              <Button small variant="danger" onClick={() => onChange(node.uid, () => null)}>{t('Remove')}</Button>
            </>
          ) : null}
        </div>
      </div>
      {node.children.length ? (
        <ul class="tree">
          {node.children.map((c) => (
            <NodeEditor key={c.uid} node={c} depth={depth + 1} options={options} errors={errors} allKeys={allKeys} onChange={onChange} onMove={onMove} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function Form({ existing, options, audiences }: { existing?: { id: string; name: string; description: string; autoEnrol: boolean; audiences: { id: string }[]; capstone?: { id: string } | null; root: ApiNode }; options: Options; audiences: { id: string; name: string }[] }) {
  const { api, notify } = useApp();
  const [name, setName] = useState(existing?.name ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [capstone, setCapstone] = useState(existing?.capstone?.id ?? '');
  const [chosen, setChosen] = useState<Set<string>>(new Set(existing?.audiences.map((a) => a.id)));
  const [autoEnrol, setAutoEnrol] = useState(existing?.autoEnrol ?? false);
  const [root, setRoot] = useState<TreeNode>(() => (existing ? fromApi(existing.root) : newNode('ALL_OF', { children: [newNode('BADGE_CLASS')] })));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const built = useMemo(() => toInput(root), [root]);
  const placed = useMemo(() => errorsByNode(Object.fromEntries(Object.entries(errors).filter(([f]) => f.startsWith('requirement'))), built.paths), [errors, built]);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const requirement = built.input as RequirementInput;
      const audienceIds = [...chosen];
      const result = existing
        ? (await api.request(Update, { input: { id: existing.id, name, description, requirement, audienceIds, autoEnrol, capstoneBadgeClassId: capstone || null, clearCapstone: !capstone } })).pathwayUpdate
        : (await api.request(Create, { input: { name, description, requirement, audienceIds, autoEnrol, capstoneBadgeClassId: capstone || null } })).pathwayCreate;
      setErrors(byField(result.errors));
      if (!result.errors.length && result.pathway) {
        notify(existing ? t('Pathway saved') : t('Pathway created as a draft'));
        invalidate();
        navigate('/admin/pathways');
      }
    } catch (e) {
      setErrors({ '': (e as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="form-grid" onSubmit={submit}>
      <Section title={t('About the pathway')}>
        <div class="form-grid">
          <TextField label={t('Name')} value={name} onValue={setName} error={errors.name} required maxLength={200} />
          <TextArea label={t('Description')} value={description} onValue={setDescription} error={errors.description} rows={2} />
          <SelectField label={t('Capstone badge (awarded on completion)')} value={capstone} onValue={setCapstone} options={options.badges} placeholder={t('none')} error={errors.capstoneBadgeClassId} />
          <fieldset class="choices inline">
            <legend>{t('Open to (none: everyone)')}</legend>
            {audiences.map((a) => (
              <label key={a.id} class="choice">
                <input type="checkbox" checked={chosen.has(a.id)} onChange={(e) => { const next = new Set(chosen); if (e.currentTarget.checked) next.add(a.id); else next.delete(a.id); setChosen(next); }} />
                <span>{a.name}</span>
              </label>
            ))}
          </fieldset>
          {errors.audienceIds ? <p class="field-error">{errors.audienceIds}</p> : null}
          <Check label={t('Enrol these audiences automatically')} checked={autoEnrol} onChange={setAutoEnrol} />
        </div>
      </Section>
      <Section title={t('Requirements')}>
        <ul class="tree" aria-label={t('Requirement tree')}>
          <NodeEditor
            node={root}
            depth={0}
            isRoot
            options={options}
            errors={placed.byNode}
            allKeys={keys(root)}
            onChange={(uid, change) => setRoot((r) => update(r, uid, change) ?? r)}
            onMove={(uid, by) => setRoot((r) => move(r, uid, by))}
          />
        </ul>
        {placed.rest.length ? <ErrorNote error={placed.rest.join(' ')} /> : null}
      </Section>
      <FormErrors errors={errors} />
      <div class="form-actions">
        <button class="button primary" type="submit" disabled={busy || !name}>{existing ? t('Save pathway') : t('Create pathway')}</button>
        <a class="button secondary" href={href('/admin/pathways')}>{t('Cancel')}</a>
      </div>
    </form>
  );
}

export function PathwayEditorScreen({ id }: { id?: string }) {
  const { api } = useApp();
  const data = useQuery(api, Editor);
  const existing = useQuery(api, Existing, { id: id ?? '' }, !id);
  return (
    <>
      <p class="breadcrumb"><a href={href('/admin/pathways')}>{t('Pathways')}</a></p>
      <PageHeader title={id ? t('Edit pathway') : t('New pathway')} />
      <Await state={data}>
        {(d) => {
          const options: Options = {
            badges: d.badgeClasses.edges.map((e) => e.node).filter((b) => b.status !== 'ARCHIVED').map((b) => ({ value: b.id, label: b.name })),
            courses: d.courses.edges.map((e) => ({ value: e.node.id, label: e.node.title })),
          };
          if (!id) return <Form options={options} audiences={d.audiences} />;
          return (
            <Await state={existing}>
              {(e) => (e.node && 'root' in e.node ? <Form key={e.node.id} existing={e.node as never} options={options} audiences={d.audiences} /> : <Empty>{t('No such pathway.')}</Empty>)}
            </Await>
          );
        }}
      </Await>
    </>
  );
}
