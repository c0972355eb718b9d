// A manager's team: each report's pathways and goals, the team's skill gaps against a role (the
// most missed skills first, who has what, what lapses soon), and actions: enrol reports in a
// pathway, set a goal for a report.

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { byField } from '../../lib/api';
import { useApp } from '../../lib/app';
import { formatDate, formatShare, plural, t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { Await, Empty, FormErrors, Level, PageHeader, Progress, Section, SelectField } from '../../ui/kit';
import { BarList } from '../../ui/charts';
import { GoalForm, GoalRow } from '../learner/Goals';

const Query = graphql(`
  query MyTeam {
    people(first: 100, filter: { reportsOnly: true, active: true }) {
      edges {
        node {
          id
          name
          email
          currentRole { id name }
          enrolments(first: 10) { edges { node { id percent completedAt pathway { id name } } } }
          goals { id title targetDate status percent onTrack pathway { id name } badgeClass { id name } }
        }
      }
    }
    roleProfiles(first: 100) { edges { node { id name } } }
    pathways(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }
    badgeClasses(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }
  }
`);

const TeamGap = graphql(`
  query TeamGap($roleId: ID!) {
    teamSkillGap(roleId: $roleId) {
      people
      coverage
      role { id name }
      gaps(first: 10) { requiredLevel meeting missing coverage skill { id name } }
      matrix(first: 50) { met person { id name } skills { level met skill { id } } }
      lapsing(days: 60) { level lapsesAt person { id name } skill { id name } }
      skills { skill { id name } requiredLevel }
    }
  }
`);

const Enrol = graphql(`
  mutation PathwayEnrolReports($input: PathwayEnrolInput!) {
    pathwayEnrol(input: $input) { enrolments { id person { id name } } errors { code field message } }
  }
`);

function EnrolForm({ people, pathways }: { people: { id: string; name: string }[]; pathways: { id: string; name: string }[] }) {
  const { api, notify } = useApp();
  const [pathway, setPathway] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const result = (await api.request(Enrol, { input: { pathwayId: pathway, personIds: [...chosen] } })).pathwayEnrol;
      setErrors(byField(result.errors));
      if (!result.errors.length) {
        notify(plural(result.enrolments.length || chosen.size, '{n} person enrolled', '{n} people enrolled'));
        setChosen(new Set());
        invalidate();
      }
    } catch (e) {
      setErrors({ '': (e as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="form-grid" onSubmit={submit}>
      <SelectField label={t('Pathway')} value={pathway} onValue={setPathway} options={pathways.map((p) => ({ value: p.id, label: p.name }))} placeholder={t('Choose a pathway')} error={errors.pathwayId} />
      <fieldset class="choices">
        <legend>{t('Who')}</legend>
        {people.map((p) => (
          <label key={p.id} class="choice">
            <input
              type="checkbox"
              checked={chosen.has(p.id)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.currentTarget.checked) next.add(p.id);
                else next.delete(p.id);
                setChosen(next);
              }}
            />
            <span>{p.name}</span>
          </label>
        ))}
      </fieldset>
      {errors.personIds ? <p class="field-error">{errors.personIds}</p> : null}
      <FormErrors errors={errors} />
      <div class="form-actions">
        <button class="button primary" type="submit" disabled={busy || !pathway || !chosen.size}>
          {t('Enrol')}
        </button>
      </div>
    </form>
  );
}

function GapView({ roleId }: { roleId: string }) {
  const { api } = useApp();
  const state = useQuery(api, TeamGap, { roleId });
  return (
    <Await state={state}>
      {(data) => {
        const gap = data.teamSkillGap;
        return (
          <>
            <p>
              {t('{people} people meet {share} of what {role} needs.', { people: gap.people, share: formatShare(gap.coverage), role: gap.role.name })}
            </p>
            <h3>{t('Biggest gaps')}</h3>
            {gap.gaps.length ? (
              <BarList
                label={t('People missing each skill')}
                items={gap.gaps.map((g) => ({ label: `${g.skill.name} (${t('level {n}', { n: g.requiredLevel })})`, value: g.missing, note: plural(g.missing, '{n} missing', '{n} missing') }))}
              />
            ) : (
              <Empty>{t('Nobody misses a skill of this role.')}</Empty>
            )}
            <h3>{t('Who has what')}</h3>
            <div class="table-wrap">
              <table class="matrix">
                <thead>
                  <tr>
                    <th scope="col">{t('Person')}</th>
                    {gap.skills.map((s) => (
                      <th scope="col" key={s.skill.id}>
                        {s.skill.name}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {gap.matrix.map((m) => (
                    <tr key={m.person.id}>
                      <th scope="row">{m.person.name}</th>
                      {gap.skills.map((s) => {
                        const cell = m.skills.find((c) => c.skill.id === s.skill.id);
                        return (
                          <td key={s.skill.id} class={cell?.met ? 'met' : 'gap'}>
                            <Level level={cell?.level ?? 0} label={`${cell?.met ? t('Met') : t('Gap')}: ${t('level {n}', { n: cell?.level ?? 0 })}`} />
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h3>{t('Lapsing within 60 days')}</h3>
            {gap.lapsing.length ? (
              <ul class="plain-list">
                {gap.lapsing.map((l, i) => (
                  <li key={i}>
                    <strong>{l.person.name}</strong> · {l.skill.name} · <span data-volatile>{formatDate(l.lapsesAt)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <Empty>{t('No credentials of the team lapse soon.')}</Empty>
            )}
          </>
        );
      }}
    </Await>
  );
}

export function TeamScreen() {
  const { api } = useApp();
  const state = useQuery(api, Query);
  const [role, setRole] = useState('');
  const [goalFor, setGoalFor] = useState('');

  return (
    <>
      <PageHeader title={t('My team')} lead={t('Your reports, direct and indirect.')} />
      <Await state={state}>
        {(data) => {
          const people = data.people.edges.map((e) => e.node);
          const roles = data.roleProfiles.edges.map((e) => e.node);
          const pathways = data.pathways.edges.map((e) => e.node);
          const chosenRole = role || roles[0]?.id || '';
          if (!people.length) return <Empty>{t('Nobody reports to you.')}</Empty>;
          return (
            <>
              <Section title={t('Skill gaps')}>
                {roles.length ? (
                  <>
                    <SelectField label={t('Against the role')} value={chosenRole} onValue={setRole} options={roles.map((r) => ({ value: r.id, label: r.name }))} />
                    {chosenRole ? <GapView roleId={chosenRole} /> : null}
                  </>
                ) : (
                  <Empty>{t('No role profiles yet: an admin describes roles and the skills they need.')}</Empty>
                )}
              </Section>
              <div class="two-col">
                <Section title={t('Enrol in a pathway')}>
                  <EnrolForm people={people} pathways={pathways} />
                </Section>
                <Section title={t('Set a goal for a report')}>
                  <SelectField label={t('Report')} value={goalFor} onValue={setGoalFor} options={people.map((p) => ({ value: p.id, label: p.name }))} placeholder={t('Choose a person')} />
                  {goalFor ? <GoalForm personId={goalFor} pathways={pathways} badges={data.badgeClasses.edges.map((e) => e.node)} onDone={() => undefined} /> : null}
                </Section>
              </div>
              <Section title={t('Progress')}>
                <ul class="people-list">
                  {people.map((p) => (
                    <li key={p.id}>
                      <p class="person-name">
                        <strong>{p.name}</strong> <span class="muted small">{p.currentRole?.name ?? ''}</span>
                      </p>
                      {p.enrolments.edges.length ? (
                        p.enrolments.edges.map(({ node: e }) => (
                          <div key={e.id} class="mini-progress">
                            <span>{e.pathway.name}</span>
                            <Progress percent={e.percent} label={`${p.name}: ${e.pathway.name}`} />
                          </div>
                        ))
                      ) : (
                        <p class="muted small">{t('Not enrolled in a pathway.')}</p>
                      )}
                      {p.goals.length ? (
                        <ul class="plain-list">
                          {p.goals.map((g) => (
                            <GoalRow key={g.id} goal={g} />
                          ))}
                        </ul>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </Section>
            </>
          );
        }}
      </Await>
    </>
  );
}
