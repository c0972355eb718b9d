// Role profiles (the skills and levels a job role needs: the basis of every gap) and the
// organisation's skills.

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { byField } from '../../lib/api';
import { useApp } from '../../lib/app';
import { t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { Await, Empty, FormErrors, Level, PageHeader, Section, SelectField, TextArea, TextField } from '../../ui/kit';

const Query = graphql(`
  query AdminRoles {
    roleProfiles(first: 100) { edges { node { id name description skills { level skill { id name } } } } }
    skills(first: 100) { edges { node { id name frameworkGroup frameworkUrl } } }
  }
`);
const RoleCreate = graphql(`
  mutation RoleProfileCreate($input: RoleProfileCreateInput!) { roleProfileCreate(input: $input) { roleProfile { id } errors { code field message } } }
`);
const SkillCreate = graphql(`
  mutation SkillCreate($input: SkillCreateInput!) { skillCreate(input: $input) { skill { id } errors { code field message } } }
`);

export function RolesScreen() {
  const { api, notify } = useApp();
  const state = useQuery(api, Query);
  const [role, setRole] = useState({ name: '', description: '' });
  const [levels, setLevels] = useState<Record<string, string>>({});
  const [roleErrors, setRoleErrors] = useState<Record<string, string>>({});
  const [skill, setSkill] = useState({ name: '', frameworkGroup: '', frameworkUrl: '' });
  const [skillErrors, setSkillErrors] = useState<Record<string, string>>({});

  return (
    <>
      <PageHeader title={t('Roles and skills')} lead={t('What each job role needs; gaps and recommendations follow from it.')} />
      <Await state={state}>
        {(data) => {
          const skills = data.skills.edges.map((e) => e.node);
          return (
            <>
              <Section title={t('Role profiles')}>
                {data.roleProfiles.edges.length ? (
                  <ul class="plain-list">
                    {data.roleProfiles.edges.map(({ node: r }) => (
                      <li key={r.id}>
                        <strong>{r.name}</strong>
                        {r.description ? <span class="muted small block">{r.description}</span> : null}
                        <ul class="skill-list">
                          {r.skills.map((s) => (<li key={s.skill.id}><span>{s.skill.name}</span><Level level={s.level} /></li>))}
                        </ul>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <Empty>{t('No role profiles yet.')}</Empty>
                )}
              </Section>
              <div class="two-col">
                <Section title={t('New role profile')}>
                  <form
                    class="form-grid"
                    onSubmit={async (e) => {
                      e.preventDefault();
                      const result = (await api.request(RoleCreate, { input: { name: role.name, description: role.description, skills: Object.entries(levels).filter(([, l]) => l).map(([skillId, l]) => ({ skillId, level: Number(l) })) } })).roleProfileCreate;
                      setRoleErrors(byField(result.errors));
                      if (!result.errors.length) {
                        notify(t('Role profile created'));
                        setRole({ name: '', description: '' });
                        setLevels({});
                        invalidate();
                      }
                    }}
                  >
                    <TextField label={t('Name')} value={role.name} onValue={(v) => setRole({ ...role, name: v })} error={roleErrors.name} required />
                    <TextArea label={t('Description')} value={role.description} onValue={(v) => setRole({ ...role, description: v })} error={roleErrors.description} rows={2} />
                    <fieldset class="choices">
                      <legend>{t('Skills it needs')}</legend>
                      <div class="form-grid cols">
                        {skills.map((s) => (
                          <SelectField key={s.id} label={s.name} value={levels[s.id] ?? ''} onValue={(v) => setLevels({ ...levels, [s.id]: v })} options={[1, 2, 3, 4, 5].map((l) => ({ value: String(l), label: t('level {n}', { n: l }) }))} placeholder={t('not needed')} />
                        ))}
                      </div>
                    </fieldset>
                    {roleErrors.skills ? <p class="field-error">{roleErrors.skills}</p> : null}
                    <FormErrors errors={roleErrors} />
                    <div class="form-actions"><button class="button primary" type="submit">{t('Create role profile')}</button></div>
                  </form>
                </Section>
                <Section title={t('Skills')}>
                  <ul class="tags">{skills.map((s) => (<li key={s.id}>{s.name}{s.frameworkGroup ? ` · ${s.frameworkGroup}` : ''}</li>))}</ul>
                  <form
                    class="form-grid"
                    onSubmit={async (e) => {
                      e.preventDefault();
                      const result = (await api.request(SkillCreate, { input: { name: skill.name, frameworkGroup: skill.frameworkGroup || null, frameworkUrl: skill.frameworkUrl || null } })).skillCreate;
                      setSkillErrors(byField(result.errors));
                      if (!result.errors.length) {
                        notify(t('Skill created'));
                        setSkill({ name: '', frameworkGroup: '', frameworkUrl: '' });
                        invalidate();
                      }
                    }}
                  >
                    <h3>{t('New skill')}</h3>
                    <TextField label={t('Name')} value={skill.name} onValue={(v) => setSkill({ ...skill, name: v })} error={skillErrors.name} required />
                    <TextField label={t('Framework group')} value={skill.frameworkGroup} onValue={(v) => setSkill({ ...skill, frameworkGroup: v })} error={skillErrors.frameworkGroup} />
                    <TextField label={t('Framework URI (ESCO, O*NET…)')} type="url" value={skill.frameworkUrl} onValue={(v) => setSkill({ ...skill, frameworkUrl: v })} error={skillErrors.frameworkUrl} />
                    <FormErrors errors={skillErrors} />
                    <div class="form-actions"><button class="button secondary" type="submit">{t('Create skill')}</button></div>
                  </form>
                </Section>
              </div>
            </>
          );
        }}
      </Await>
    </>
  );
}
