// My goals: a pathway or a badge by a date, with progress and whether I am on track; create one,
// move its date or abandon it. Managers use the same form for a report (personId).

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { byField } from '../../lib/api';
import { useApp } from '../../lib/app';
import { formatDate, t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { Await, Button, Chip, Empty, FormErrors, PageHeader, Progress, Section, SelectField, TextField } from '../../ui/kit';

const Query = graphql(`
  query MyGoals {
    viewer { id goals { id title targetDate status percent onTrack pathway { id name } badgeClass { id name } } }
    pathways(first: 100) { edges { node { id name status } } }
    badgeClasses(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }
  }
`);

export const GoalCreate = graphql(`
  mutation GoalCreate($input: GoalCreateInput!) {
    goalCreate(input: $input) { goal { id } errors { code field message } }
  }
`);

const GoalUpdate = graphql(`
  mutation GoalUpdate($input: GoalUpdateInput!) {
    goalUpdate(input: $input) { goal { id targetDate status } errors { code field message } }
  }
`);

export function GoalForm({ personId, pathways, badges, onDone }: { personId?: string; pathways: { id: string; name: string }[]; badges: { id: string; name: string }[]; onDone: () => void }) {
  const { api, notify } = useApp();
  const [target, setTarget] = useState('');
  const [date, setDate] = useState('');
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const options = [
    ...pathways.map((p) => ({ value: `p:${p.id}`, label: `${t('Pathway')}: ${p.name}` })),
    ...badges.map((b) => ({ value: `b:${b.id}`, label: `${t('Badge')}: ${b.name}` })),
  ];

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const [kind, id] = target.split(':');
      const result = (
        await api.request(GoalCreate, {
          input: {
            personId: personId ?? null,
            pathwayId: kind === 'p' ? id : null,
            badgeClassId: kind === 'b' ? id : null,
            targetDate: date || null,
            title: title || null,
          },
        })
      ).goalCreate;
      const found = byField(result.errors);
      setErrors(found);
      if (!result.errors.length) {
        notify(t('Goal set'));
        setTarget('');
        setDate('');
        setTitle('');
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
      <SelectField label={t('Goal')} value={target} onValue={setTarget} options={options} placeholder={t('Choose a pathway or badge')} error={errors.pathwayId || errors.badgeClassId} />
      <TextField label={t('Target date')} type="date" value={date} onValue={setDate} error={errors.targetDate} />
      <TextField label={t('Title (optional)')} value={title} onValue={setTitle} error={errors.title} maxLength={200} />
      <FormErrors errors={errors} />
      <div class="form-actions">
        <button class="button primary" type="submit" disabled={busy || !target}>
          {t('Set goal')}
        </button>
      </div>
    </form>
  );
}

export function GoalRow({ goal, onChanged }: { goal: { id: string; title?: string | null; targetDate?: string | null; status: string; percent: number; onTrack?: boolean | null; pathway?: { name: string } | null; badgeClass?: { name: string } | null }; onChanged?: () => void }) {
  const { api, notify } = useApp();
  const [editing, setEditing] = useState(false);
  const [date, setDate] = useState(goal.targetDate ?? '');
  const [error, setError] = useState<string | undefined>();
  const name = goal.title || goal.pathway?.name || goal.badgeClass?.name || t('Goal');

  async function update(input: { targetDate?: string | null; status?: 'ABANDONED' | null; clearTargetDate?: boolean }) {
    const result = (await api.request(GoalUpdate, { input: { id: goal.id, ...input } })).goalUpdate;
    const errors = byField(result.errors);
    setError(errors.targetDate || errors['']);
    if (!result.errors.length) {
      notify(t('Goal updated'));
      setEditing(false);
      invalidate();
      onChanged?.();
    }
  }

  return (
    <li class="goal">
      <div class="row">
        <span>
          <strong>{name}</strong>
          <span class="muted small block">
            {goal.targetDate ? t('by {date}', { date: formatDate(goal.targetDate) }) : t('no date')}
          </span>
        </span>
        {goal.status !== 'ACTIVE' ? <Chip status={goal.status} /> : goal.onTrack === false ? <Chip status="behind">{t('Behind')}</Chip> : goal.onTrack ? <Chip status="on-track">{t('On track')}</Chip> : null}
      </div>
      <Progress percent={goal.percent} label={t('Progress toward {name}', { name })} />
      {goal.status === 'ACTIVE' ? (
        editing ? (
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void update(date ? { targetDate: date } : { clearTargetDate: true });
            }}
          >
            <TextField label={t('Target date')} type="date" value={date} onValue={setDate} error={error} />
            <button class="button small primary" type="submit">
              {t('Save')}
            </button>
            <Button small variant="ghost" onClick={() => setEditing(false)}>
              {t('Cancel')}
            </Button>
          </form>
        ) : (
          <div class="row-actions">
            <Button small variant="secondary" onClick={() => setEditing(true)}>
              {t('Change date')}
            </Button>
            <Button small variant="ghost" onClick={() => update({ status: 'ABANDONED' })}>
              {t('Abandon')}
            </Button>
          </div>
        )
      ) : null}
    </li>
  );
}

export function GoalsScreen() {
  const { api } = useApp();
  const state = useQuery(api, Query);
  return (
    <>
      <PageHeader title={t('My goals')} lead={t('On track means the share done is at least the share of the time gone.')} />
      <Await state={state}>
        {(data) => {
          const goals = data.viewer?.goals ?? [];
          return (
            <div class="two-col wide-left">
              <Section title={t('Goals')}>
                {goals.length ? (
                  <ul class="plain-list">
                    {goals.map((g) => (
                      <GoalRow key={g.id} goal={g} />
                    ))}
                  </ul>
                ) : (
                  <Empty>{t('No goals yet: set one to keep yourself on track.')}</Empty>
                )}
              </Section>
              <Section title={t('New goal')}>
                <GoalForm
                  pathways={data.pathways.edges.map((e) => e.node).filter((p) => p.status === 'PUBLISHED')}
                  badges={data.badgeClasses.edges.map((e) => e.node)}
                  onDone={() => undefined}
                />
              </Section>
            </div>
          );
        }}
      </Await>
    </>
  );
}
