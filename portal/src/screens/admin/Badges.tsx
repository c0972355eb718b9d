// Badge classes: the catalog with status, and a form to create one with its criteria (courses to
// complete, assessments to pass, badges to hold; all of them or n of them), skills at levels,
// validity and points; publish, archive, upload an image.

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import type { CriterionInput } from '../../gql/graphql';
import { byField } from '../../lib/api';
import { useApp } from '../../lib/app';
import { t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { Await, Button, Chip, Empty, ErrorNote, FormErrors, PageHeader, Section, SelectField, TextArea, TextField } from '../../ui/kit';

const Query = graphql(`
  query AdminBadges {
    badgeClasses(first: 100) {
      edges { node { id name description status imageUrl validityDays points skillLevels { level skill { id name } } } }
    }
    courses(first: 100) { edges { node { id title assessments { id title } } } }
    skills(first: 100) { edges { node { id name } } }
  }
`);

const Create = graphql(`
  mutation BadgeClassCreate($input: BadgeClassCreateInput!) {
    badgeClassCreate(input: $input) { badgeClass { id name status } errors { code field message } }
  }
`);
const Publish = graphql(`
  mutation BadgeClassPublish($id: ID!) { badgeClassPublish(id: $id) { badgeClass { id status } errors { code field message } } }
`);
const Archive = graphql(`
  mutation BadgeClassArchive($id: ID!) { badgeClassArchive(id: $id) { badgeClass { id status } errors { code field message } } }
`);
const ImageSet = graphql(`
  mutation BadgeClassImageSet($id: ID!, $imageBase64: String!, $format: ImageFormat!) {
    badgeClassImageSet(id: $id, imageBase64: $imageBase64, format: $format) { badgeClass { id imageUrl } errors { code field message } }
  }
`);

interface Row {
  kind: 'course' | 'assessment' | 'badge';
  id: string;
  minScore: string;
}

function CreateForm({ courses, badges, skills, onDone }: { courses: { id: string; title: string; assessments: { id: string; title: string }[] }[]; badges: { id: string; name: string }[]; skills: { id: string; name: string }[]; onDone: () => void }) {
  const { api, notify } = useApp();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [narrative, setNarrative] = useState('');
  const [rows, setRows] = useState<Row[]>([{ kind: 'course', id: '', minScore: '' }]);
  const [mode, setMode] = useState<'ALL_OF' | 'N_OF'>('ALL_OF');
  const [n, setN] = useState('1');
  const [levels, setLevels] = useState<Record<string, string>>({});
  const [validity, setValidity] = useState('');
  const [points, setPoints] = useState('0');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const assessments = courses.flatMap((c) => c.assessments.map((a) => ({ id: a.id, title: `${c.title}: ${a.title}` })));
  const targets = (kind: Row['kind']) =>
    kind === 'course' ? courses.map((c) => ({ value: c.id, label: c.title })) : kind === 'assessment' ? assessments.map((a) => ({ value: a.id, label: a.title })) : badges.map((b) => ({ value: b.id, label: b.name }));

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    const requirements: CriterionInput[] = rows
      .filter((r) => r.id)
      .map((r) => (r.kind === 'course' ? { courseId: r.id } : r.kind === 'badge' ? { badgeClassId: r.id } : { assessmentId: r.id, minScore: r.minScore ? Number(r.minScore) : null }));
    try {
      const result = (
        await api.request(Create, {
          input: {
            name,
            description,
            criteriaNarrative: narrative,
            criteria: { mode, n: mode === 'N_OF' ? Number(n) : null, requirements },
            skillLevels: Object.entries(levels)
              .filter(([, level]) => level)
              .map(([skillId, level]) => ({ skillId, level: Number(level) })),
            validityDays: validity ? Number(validity) : null,
            points: Number(points) || 0,
          },
        })
      ).badgeClassCreate;
      setErrors(byField(result.errors));
      if (!result.errors.length) {
        notify(t('Badge created as a draft'));
        setName('');
        setDescription('');
        setNarrative('');
        setRows([{ kind: 'course', id: '', minScore: '' }]);
        setLevels({});
        invalidate();
        onDone();
      }
    } catch (e) {
      setErrors({ '': (e as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="form-grid" onSubmit={submit}>
      <div class="form-grid cols">
        <TextField label={t('Name')} value={name} onValue={setName} error={errors.name} required maxLength={200} />
        <TextField label={t('Valid for (days, empty: no expiry)')} type="number" min={1} value={validity} onValue={setValidity} error={errors.validityDays} />
        <TextField label={t('Points')} type="number" min={0} value={points} onValue={setPoints} error={errors.points} />
      </div>
      <TextArea label={t('Description')} value={description} onValue={setDescription} error={errors.description} rows={2} />
      <TextArea label={t('Criteria (Markdown)')} value={narrative} onValue={setNarrative} error={errors.criteriaNarrative} rows={4} hint={t('What the learner must do, in words; the rules below award it automatically.')} />
      <fieldset class="choices">
        <legend>{t('Rules')}</legend>
        <div class="inline-form">
          <SelectField label={t('Require')} value={mode} onValue={(v) => setMode(v as 'ALL_OF' | 'N_OF')} options={[{ value: 'ALL_OF', label: t('all of these') }, { value: 'N_OF', label: t('some of these') }]} />
          {mode === 'N_OF' ? <TextField label={t('How many')} type="number" min={1} value={n} onValue={setN} error={errors['criteria.n']} /> : null}
        </div>
        {rows.map((row, i) => (
          <div class="inline-form" key={i}>
            <SelectField label={t('Kind')} value={row.kind} onValue={(v) => setRows(rows.map((r, j) => (j === i ? { ...r, kind: v as Row['kind'], id: '' } : r)))} options={[{ value: 'course', label: t('Complete a course') }, { value: 'assessment', label: t('Pass an assessment') }, { value: 'badge', label: t('Hold a badge') }]} />
            <SelectField label={t('Which')} value={row.id} onValue={(v) => setRows(rows.map((r, j) => (j === i ? { ...r, id: v } : r)))} options={targets(row.kind)} placeholder={t('Choose')} error={errors[`criteria.requirements.${i}`] || errors[`criteria.requirements.${i}.courseId`] || errors[`criteria.requirements.${i}.assessmentId`] || errors[`criteria.requirements.${i}.badgeClassId`]} />
            {row.kind === 'assessment' ? <TextField label={t('Minimum score')} type="number" min={0} max={100} value={row.minScore} onValue={(v) => setRows(rows.map((r, j) => (j === i ? { ...r, minScore: v } : r)))} error={errors[`criteria.requirements.${i}.minScore`]} /> : null}
            <Button small variant="ghost" onClick={() => setRows(rows.filter((_, j) => j !== i))} aria-label={t('Remove rule {n}', { n: i + 1 })}>
              {t('Remove')}
            </Button>
          </div>
        ))}
        <div>
          <Button small variant="secondary" onClick={() => setRows([...rows, { kind: 'course', id: '', minScore: '' }])}>
            {t('Add a rule')}
          </Button>
        </div>
      </fieldset>
      {skills.length ? (
        <fieldset class="choices">
          <legend>{t('Skills it grants')}</legend>
          <div class="form-grid cols">
            {skills.map((s) => (
              <SelectField key={s.id} label={s.name} value={levels[s.id] ?? ''} onValue={(v) => setLevels({ ...levels, [s.id]: v })} options={[1, 2, 3, 4, 5].map((l) => ({ value: String(l), label: t('level {n}', { n: l }) }))} placeholder={t('none')} />
            ))}
          </div>
          {errors.skillLevels ? <p class="field-error">{errors.skillLevels}</p> : null}
        </fieldset>
      ) : null}
      <FormErrors errors={errors} />
      <div class="form-actions">
        <button class="button primary" type="submit" disabled={busy || !name}>
          {t('Create badge')}
        </button>
      </div>
    </form>
  );
}

function imageFormat(file: File): 'PNG' | 'SVG' {
  return file.type === 'image/svg+xml' ? 'SVG' : 'PNG';
}

export function BadgesScreen() {
  const { api, notify } = useApp();
  const state = useQuery(api, Query);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(action: Promise<{ errors: { message: string }[] }>, done: string) {
    setError(null);
    try {
      const result = await action;
      if (result.errors.length) setError(result.errors.map((e) => e.message).join(' '));
      else notify(done);
      invalidate();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <>
      <PageHeader
        title={t('Badges')}
        lead={t('Micro-credentials and the rules that award them.')}
        actions={
          <Button onClick={() => setCreating(!creating)} aria-expanded={creating}>
            {creating ? t('Close') : t('New badge')}
          </Button>
        }
      />
      <Await state={state}>
        {(data) => {
          const badges = data.badgeClasses.edges.map((e) => e.node);
          return (
            <>
              {creating ? (
                <Section title={t('New badge')}>
                  <CreateForm courses={data.courses.edges.map((e) => e.node)} badges={badges} skills={data.skills.edges.map((e) => e.node)} onDone={() => setCreating(false)} />
                </Section>
              ) : null}
              <ErrorNote error={error} />
              <Section title={t('Catalog')}>
                {badges.length ? (
                  <div class="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">{t('Badge')}</th>
                          <th scope="col">{t('Status')}</th>
                          <th scope="col">{t('Skills')}</th>
                          <th scope="col">{t('Actions')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {badges.map((b) => (
                          <tr key={b.id}>
                            <th scope="row">
                              <span class="row" style={{ justifyContent: 'flex-start' }}>
                                <img src={b.imageUrl} alt="" width={36} height={36} />
                                {b.name}
                              </span>
                            </th>
                            <td>
                              <Chip status={b.status} />
                            </td>
                            <td>{b.skillLevels.map((s) => `${s.skill.name} ${s.level}`).join(', ') || '—'}</td>
                            <td>
                              <div class="row-actions">
                                {b.status === 'DRAFT' ? (
                                  <Button small onClick={() => run(api.request(Publish, { id: b.id }).then((r) => r.badgeClassPublish), t('Published'))}>
                                    {t('Publish')}
                                  </Button>
                                ) : null}
                                {b.status === 'PUBLISHED' ? (
                                  <Button small variant="secondary" onClick={() => run(api.request(Archive, { id: b.id }).then((r) => r.badgeClassArchive), t('Archived'))}>
                                    {t('Archive')}
                                  </Button>
                                ) : null}
                                <label class="button small ghost">
                                  {t('Upload image')}
                                  <input
                                    class="sr-only"
                                    type="file"
                                    accept="image/png,image/svg+xml"
                                    onChange={(e) => {
                                      const file = e.currentTarget.files?.[0];
                                      if (!file) return;
                                      const reader = new FileReader();
                                      reader.onload = () =>
                                        void run(
                                          api.request(ImageSet, { id: b.id, imageBase64: String(reader.result).split(',', 2)[1], format: imageFormat(file) }).then((r) => r.badgeClassImageSet),
                                          t('Image saved'),
                                        );
                                      reader.readAsDataURL(file);
                                    }}
                                  />
                                </label>
                              </div>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                ) : (
                  <Empty>{t('No badges yet.')}</Empty>
                )}
              </Section>
            </>
          );
        }}
      </Await>
    </>
  );
}
