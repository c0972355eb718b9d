// Insights: a period's figures per badge, pathway and skill, trends by period, the funnel of a
// pathway's steps, and a CSV export made by a job (a link valid for 15 minutes).

import { useEffect, useState } from 'preact/hooks';
import { graphql } from '../../gql';
import type { Granularity } from '../../gql/graphql';
import { useApp } from '../../lib/app';
import { formatNumber, formatShare, t } from '../../lib/i18n';
import { useQuery } from '../../lib/query';
import { BarList, LineChart } from '../../ui/charts';
import { Await, Button, Empty, ErrorNote, PageHeader, Section, SelectField, TextField } from '../../ui/kit';

const Query = graphql(`
  query AdminInsights($filter: InsightsFilter!) {
    insights(filter: $filter) {
      views
      shareClicks
      badgeClasses { issued revoked expired renewed active renewalRate medianSecondsToEarn badgeClass { id name } }
      pathways { enrolled completed completionRate pathway { id name } }
      skills { awarded holders skill { id name } }
      courses { completions course { id title } }
      trends { period kind metric value }
    }
    pathways(first: 100) { edges { node { id name status } } }
  }
`);
const Funnel = graphql(`
  query PathwayFunnel($pathwayId: ID!) {
    pathwayFunnel(pathwayId: $pathwayId) { reached enrolled share node { id title badgeClass { name } course { title } } }
  }
`);
const Export = graphql(`
  mutation ReportExportCreate($input: ReportExportCreateInput!) {
    reportExportCreate(input: $input) { reportExport { id status } errors { code field message } }
  }
`);
const ExportStatus = graphql(`
  query ReportExportStatus($id: ID!) { node(id: $id) { ... on ReportExport { id status downloadUrl error rows } } }
`);

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function FunnelView({ pathwayId }: { pathwayId: string }) {
  const { api } = useApp();
  const state = useQuery(api, Funnel, { pathwayId });
  return (
    <Await state={state}>
      {(data) =>
        data.pathwayFunnel.length ? (
          <BarList
            label={t('Learners who reached each step')}
            items={data.pathwayFunnel.map((s) => ({
              label: s.node.title || s.node.badgeClass?.name || s.node.course?.title || t('Step'),
              value: s.reached,
              note: `${formatNumber(s.reached)} / ${formatNumber(s.enrolled)} (${formatShare(s.share)})`,
            }))}
          />
        ) : (
          <Empty>{t('Nobody is enrolled yet.')}</Empty>
        )
      }
    </Await>
  );
}

function ExportButton({ filter }: { filter: { from: string; to: string; granularity: Granularity } }) {
  const { api } = useApp();
  const [id, setId] = useState<string | null>(null);
  const [status, setStatus] = useState<{ status: string; downloadUrl?: string | null; error?: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!id) return;
    let stop = false;
    const poll = async () => {
      const node = (await api.request(ExportStatus, { id })).node;
      if (stop || !node || !('status' in node)) return;
      setStatus(node as { status: string; downloadUrl?: string | null; error?: string | null });
      if (node.status === 'PENDING' || node.status === 'RUNNING') setTimeout(poll, 1000);
    };
    void poll();
    return () => {
      stop = true;
    };
  }, [id]);

  return (
    <div class="row-actions">
      <Button
        variant="secondary"
        onClick={async () => {
          setError(null);
          setStatus(null);
          const result = (await api.request(Export, { input: { report: 'INSIGHTS', filter } })).reportExportCreate;
          if (result.errors.length) setError(result.errors.map((e) => e.message).join(' '));
          else setId(result.reportExport?.id ?? null);
        }}
      >
        {t('Export CSV')}
      </Button>
      <span role="status">
        {status?.downloadUrl ? <a href={status.downloadUrl}>{t('Download the CSV')}</a> : status ? (status.error ?? t('Preparing the export…')) : null}
      </span>
      <ErrorNote error={error} />
    </div>
  );
}

export function InsightsScreen() {
  const { api } = useApp();
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 180 * 86400000)));
  const [to, setTo] = useState(isoDay(today));
  const [granularity, setGranularity] = useState<Granularity>('MONTH');
  const [funnel, setFunnel] = useState('');
  const filter = { from, to, granularity };
  const state = useQuery(api, Query, { filter });

  return (
    <>
      <PageHeader title={t('Insights')} lead={t('How your programme is doing.')} actions={<ExportButton filter={filter} />} />
      <div class="inline-form card">
        <TextField label={t('From')} type="date" value={from} onValue={setFrom} />
        <TextField label={t('To')} type="date" value={to} onValue={setTo} />
        <SelectField label={t('By')} value={granularity} onValue={(v) => setGranularity(v as Granularity)} options={[{ value: 'DAY', label: t('day') }, { value: 'WEEK', label: t('week') }, { value: 'MONTH', label: t('month') }]} />
      </div>
      <Await state={state}>
        {(data) => {
          const i = data.insights;
          const issued = i.badgeClasses.reduce((s, b) => s + b.issued, 0);
          const enrolled = i.pathways.reduce((s, p) => s + p.enrolled, 0);
          const completions = i.courses.reduce((s, c) => s + c.completions, 0);
          const metrics = [...new Set(i.trends.map((p) => p.metric))].slice(0, 4);
          const pathways = data.pathways.edges.map((e) => e.node);
          const chosen = funnel || pathways.find((p) => p.status === 'PUBLISHED')?.id || '';
          return (
            <>
              <div class="stat-grid">
                {[
                  [t('Badges issued'), issued],
                  [t('Course completions'), completions],
                  [t('Pathway enrolments'), enrolled],
                  [t('Page views'), i.views],
                  [t('Share clicks'), i.shareClicks],
                ].map(([label, value]) => (
                  <div class="stat" key={String(label)}>
                    <span class="stat-value">{formatNumber(Number(value))}</span>
                    <span class="stat-label">{label}</span>
                  </div>
                ))}
              </div>
              <Section title={t('Trends')}>
                {metrics.length ? (
                  <LineChart
                    label={t('Trends by period')}
                    series={metrics.map((m) => ({ name: m, points: i.trends.filter((p) => p.metric === m).map((p) => ({ x: p.period, y: p.value })) }))}
                  />
                ) : (
                  <Empty>{t('Nothing happened in this period.')}</Empty>
                )}
              </Section>
              <div class="two-col">
                <Section title={t('Badges')}>
                  {i.badgeClasses.length ? (
                    <div class="table-wrap">
                      <table>
                        <thead><tr><th scope="col">{t('Badge')}</th><th scope="col" class="num">{t('Issued')}</th><th scope="col" class="num">{t('Active')}</th><th scope="col" class="num">{t('Renewal rate')}</th></tr></thead>
                        <tbody>
                          {i.badgeClasses.map((b, n) => (
                            <tr key={b.badgeClass?.id ?? n}><th scope="row">{b.badgeClass?.name ?? '—'}</th><td class="num">{formatNumber(b.issued)}</td><td class="num">{formatNumber(b.active)}</td><td class="num">{formatShare(b.renewalRate)}</td></tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  ) : <Empty>{t('No badges issued in this period.')}</Empty>}
                </Section>
                <Section title={t('Skills')}>
                  {i.skills.length ? (
                    <BarList label={t('Holders per skill')} items={i.skills.map((s) => ({ label: s.skill?.name ?? '—', value: s.holders, note: t('{n} holders', { n: formatNumber(s.holders) }) }))} />
                  ) : <Empty>{t('No skills awarded in this period.')}</Empty>}
                </Section>
              </div>
              <Section title={t('Pathways')}>
                {i.pathways.length ? (
                  <div class="table-wrap">
                    <table>
                      <thead><tr><th scope="col">{t('Pathway')}</th><th scope="col" class="num">{t('Enrolled')}</th><th scope="col" class="num">{t('Completed')}</th><th scope="col" class="num">{t('Completion rate')}</th></tr></thead>
                      <tbody>
                        {i.pathways.map((p, n) => (
                          <tr key={p.pathway?.id ?? n}><th scope="row">{p.pathway?.name ?? '—'}</th><td class="num">{formatNumber(p.enrolled)}</td><td class="num">{formatNumber(p.completed)}</td><td class="num">{formatShare(p.completionRate)}</td></tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                ) : <Empty>{t('No enrolments in this period.')}</Empty>}
                {pathways.length ? (
                  <>
                    <h3>{t('Funnel of steps')}</h3>
                    <SelectField label={t('Pathway')} value={chosen} onValue={setFunnel} options={pathways.map((p) => ({ value: p.id, label: p.name }))} />
                    {chosen ? <FunnelView pathwayId={chosen} /> : null}
                  </>
                ) : null}
              </Section>
            </>
          );
        }}
      </Await>
    </>
  );
}
