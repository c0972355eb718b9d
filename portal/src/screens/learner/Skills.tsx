// My skills (from my active badges only), my current and target roles, and the gap to a role with
// the badges and pathways that would close it.

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { useApp } from '../../lib/app';
import { formatDate, formatShare, t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { Await, Empty, Level, PageHeader, Section, SelectField } from '../../ui/kit';

const Query = graphql(`
  query MySkills {
    viewer {
      id
      skills { level lapsesAt skill { id name frameworkGroup } awards { id badgeClass { name } } }
      currentRole { id name }
      targetRoles { id name }
    }
    roleProfiles(first: 100) { edges { node { id name } } }
  }
`);

const Gap = graphql(`
  query MySkillGap($roleId: ID!) {
    viewer {
      id
      skillGap(roleId: $roleId) {
        coverage
        role { id name }
        skills { requiredLevel currentLevel met skill { id name } closers { id name } pathways { id name } }
      }
    }
  }
`);

const SetTargets = graphql(`
  mutation PersonTargetRolesSet($personId: ID!, $roleIds: [ID!]!) {
    personTargetRolesSet(personId: $personId, roleIds: $roleIds) { person { id targetRoles { id name } } errors { code field message } }
  }
`);

export function GapTable({ roleId }: { roleId: string }) {
  const { api } = useApp();
  const state = useQuery(api, Gap, { roleId });
  return (
    <Await state={state}>
      {(data) => {
        const gap = data.viewer?.skillGap;
        if (!gap) return <Empty>{t('No gap to show.')}</Empty>;
        return (
          <>
            <p>
              {t('You meet {share} of what {role} needs.', { share: formatShare(gap.coverage), role: gap.role.name })}
            </p>
            <div class="table-wrap">
              <table>
                <caption class="sr-only">{t('Skill gap to {role}', { role: gap.role.name })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('Skill')}</th>
                    <th scope="col">{t('Needed')}</th>
                    <th scope="col">{t('Yours')}</th>
                    <th scope="col">{t('How to close it')}</th>
                  </tr>
                </thead>
                <tbody>
                  {gap.skills.map((s) => (
                    <tr key={s.skill.id} class={s.met ? 'met' : ''}>
                      <th scope="row">{s.skill.name}</th>
                      <td><Level level={s.requiredLevel} /></td>
                      <td><Level level={s.currentLevel} /></td>
                      <td>
                        {s.met
                          ? t('Met')
                          : [...s.closers.map((c) => c.name), ...s.pathways.map((p) => `${t('Pathway')}: ${p.name}`)].join(' · ') || t('Nothing open to you yet')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        );
      }}
    </Await>
  );
}

export function SkillsScreen() {
  const { api, notify, shell } = useApp();
  const state = useQuery(api, Query);
  const [role, setRole] = useState('');

  return (
    <>
      <PageHeader title={t('My skills')} lead={t('Skills come from the badges you hold, at the highest level they give.')} />
      <Await state={state}>
        {(data) => {
          const viewer = data.viewer;
          const roles = data.roleProfiles.edges.map((e) => e.node);
          const chosen = role || viewer?.targetRoles[0]?.id || viewer?.currentRole?.id || '';
          async function target(roleId: string) {
            if (!viewer) return;
            const ids = new Set(viewer.targetRoles.map((r) => r.id));
            if (ids.has(roleId)) ids.delete(roleId);
            else ids.add(roleId);
            const result = (await api.request(SetTargets, { personId: shell.viewer!.id, roleIds: [...ids] })).personTargetRolesSet;
            notify(result.errors.length ? result.errors[0].message : t('Target roles saved'));
            invalidate();
          }
          return (
            <>
              <Section title={t('Skills')}>
                {viewer?.skills?.length ? (
                  <ul class="skill-list">
                    {viewer.skills.map((s) => (
                      <li key={s.skill.id}>
                        <span>
                          <strong>{s.skill.name}</strong>
                          {s.skill.frameworkGroup ? <span class="muted small"> · {s.skill.frameworkGroup}</span> : null}
                          <span class="muted small block">
                            {s.awards.map((a) => a.badgeClass.name).join(', ')}
                            {s.lapsesAt ? ` · ${t('lapses {date}', { date: formatDate(s.lapsesAt) })}` : ''}
                          </span>
                        </span>
                        <Level level={s.level} />
                      </li>
                    ))}
                  </ul>
                ) : (
                  <Empty>{t('No skills yet: they come with your badges.')}</Empty>
                )}
              </Section>
              <Section title={t('Roles')}>
                <p>
                  {t('Current role')}: <strong>{viewer?.currentRole?.name ?? t('not set')}</strong>
                </p>
                {roles.length ? (
                  <>
                    <fieldset class="choices inline">
                      <legend>{t('Roles I am aiming for')}</legend>
                      {roles.map((r) => (
                        <label key={r.id} class="choice">
                          <input type="checkbox" checked={viewer?.targetRoles.some((x) => x.id === r.id)} onChange={() => target(r.id)} />
                          <span>{r.name}</span>
                        </label>
                      ))}
                    </fieldset>
                    <SelectField label={t('Compare me with')} value={chosen} onValue={setRole} options={roles.map((r) => ({ value: r.id, label: r.name }))} placeholder={t('Choose a role')} />
                    {chosen ? <GapTable roleId={chosen} /> : null}
                  </>
                ) : (
                  <Empty>{t('Your organisation has not described any roles yet.')}</Empty>
                )}
              </Section>
            </>
          );
        }}
      </Await>
    </>
  );
}
