// My pathways with progress, each step met, missing or locked, and the next unlocked steps; and
// the pathways open to me that I can join.

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import type { MyPathwaysQuery } from '../../gql/graphql';
import { useApp } from '../../lib/app';
import { formatDate, t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { Await, Button, Chip, Empty, ErrorNote, PageHeader, Progress, Section } from '../../ui/kit';

const Query = graphql(`
  query MyPathways {
    viewer {
      id
      enrolments(first: 50) {
        edges {
          node {
            id
            percent
            enrolledAt
            completedAt
            pathway { id name description capstone { id name } }
            nodes { met locked percent missing node { id title kind optional badgeClass { id name } course { id title } } }
            next(first: 3) { id title badgeClass { id name } course { id title } }
          }
        }
      }
    }
    pathways(first: 50) { edges { node { id name description status viewerEnrolment { id } } } }
  }
`);

const Enrol = graphql(`
  mutation PathwayEnrolSelf($input: PathwayEnrolInput!) {
    pathwayEnrol(input: $input) { enrolment { id } errors { code field message } }
  }
`);

type Enrolment = NonNullable<MyPathwaysQuery['viewer']>['enrolments']['edges'][number]['node'];

function stepName(n: { title?: string | null; badgeClass?: { name: string } | null; course?: { title: string } | null; kind?: string }): string {
  return n.title || n.badgeClass?.name || n.course?.title || (n.kind === 'N_OF' ? t('Choose some') : t('All of these'));
}

function EnrolmentCard({ e }: { e: Enrolment }) {
  const leaves = e.nodes.filter((n) => n.node.kind === 'BADGE_CLASS' || n.node.kind === 'COURSE' || n.node.title);
  return (
    <Section title={e.pathway.name} id={e.pathway.id} actions={e.completedAt ? <Chip status="ACHIEVED">{t('Completed')}</Chip> : null}>
      <Progress percent={e.percent} label={t('Progress in {name}', { name: e.pathway.name })} />
      {e.next.length ? (
        <p>
          <strong>{t('Next steps')}:</strong> {e.next.map((n) => stepName(n)).join(' · ')}
        </p>
      ) : null}
      <ol class="steps">
        {leaves.map((n) => (
          <li key={n.node.id} class={n.met ? 'met' : n.locked ? 'locked' : 'open'}>
            <span class="step-mark" aria-hidden="true">{n.met ? '✓' : n.locked ? '🔒' : '○'}</span>
            <span>
              <span class="step-title">{stepName(n.node)}</span>
              {n.node.optional ? <span class="muted small"> ({t('optional')})</span> : null}
              <span class="sr-only">{n.met ? t('done') : n.locked ? t('locked') : t('to do')}</span>
              {!n.met && n.missing ? <span class="muted small block">{n.missing}</span> : null}
            </span>
          </li>
        ))}
      </ol>
      {e.pathway.capstone ? <p class="muted small">{t('Completing it earns {badge}.', { badge: e.pathway.capstone.name })}</p> : null}
      <p class="muted small" data-volatile>{t('Enrolled {date}', { date: formatDate(e.enrolledAt) })}</p>
    </Section>
  );
}

export function PathwaysScreen() {
  const { api, notify } = useApp();
  const state = useQuery(api, Query);
  const [error, setError] = useState<string | null>(null);

  async function enrol(pathwayId: string) {
    setError(null);
    const result = (await api.request(Enrol, { input: { pathwayId } })).pathwayEnrol;
    if (result.errors.length) setError(result.errors.map((e) => e.message).join(' '));
    else notify(t('Enrolled'));
    invalidate();
  }

  return (
    <>
      <PageHeader title={t('My pathways')} lead={t('Pathways combine badges and courses toward a larger goal.')} />
      <Await state={state}>
        {(data) => {
          const enrolments = data.viewer?.enrolments.edges.map((e) => e.node) ?? [];
          const open = data.pathways.edges.map((e) => e.node).filter((p) => p.status === 'PUBLISHED' && !p.viewerEnrolment);
          return (
            <>
              {enrolments.length ? enrolments.map((e) => <EnrolmentCard key={e.id} e={e} />) : <Empty>{t('You are not enrolled in a pathway.')}</Empty>}
              <Section title={t('Pathways you can join')}>
                <ErrorNote error={error} />
                {open.length ? (
                  <ul class="plain-list">
                    {open.map((p) => (
                      <li key={p.id} class="row">
                        <span>
                          <strong>{p.name}</strong>
                          {p.description ? <span class="muted small block">{p.description}</span> : null}
                        </span>
                        <Button small onClick={() => enrol(p.id)}>
                          {t('Enrol')}
                        </Button>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <Empty>{t('No other pathways are open to you.')}</Empty>
                )}
              </Section>
            </>
          );
        }}
      </Await>
    </>
  );
}
