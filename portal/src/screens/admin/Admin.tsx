import { t } from '../../lib/i18n';

export function AdminScreen({ path }: { path: string }) {
  return <p>{t('Coming')} {path}</p>;
}
