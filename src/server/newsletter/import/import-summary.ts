/** The import report in words for the creator's terminal. Pure. */
import { printable } from '../../cli/text-table.ts';
import type { ImportReport } from './import-subscribers.ts';
import type { SubscriberLayout } from './subscriber-layouts.ts';

const platformNames: Record<SubscriberLayout, string> = { substack: 'Substack', ghost: 'Ghost', mailchimp: 'Mailchimp' };

export function describeImport(report: ImportReport, file: string): string {
  const platform = platformNames[report.layout];
  const title = report.dryRun
    ? `Dry run of ${file} (${platform} export): nothing was written. Without --dry-run:`
    : `Imported ${file} (${platform} export):`;
  const lines: [number, string][] = [
    [report.added, report.dryRun ? 'would be added as subscribers (new members, newsletter on)' : 'added as subscribers (new members, newsletter on)'],
    [report.alreadySubscribed, 'already subscribed here'],
    [report.keptUnsubscribed, 'members here with the newsletter off: left as they chose'],
    [report.skippedUnsubscribed, `skipped: unsubscribed, cleaned or deleted on ${platform} (${report.dryRun ? 'would be ' : ''}recorded as suppressed)`],
    [report.skippedSuppressed, 'skipped: suppressed here (bounced, complained, unsubscribed, or gone in an earlier import)'],
    [report.duplicates, 'repeated rows (an address listed twice counts once)'],
    [report.invalid.count, 'rows without a valid email address'],
  ];
  const width = Math.max(...lines.map(([count]) => String(count).length));
  const body = lines.filter(([count], index) => count > 0 || index === 0).map(([count, words]) => `  ${String(count).padStart(width)}  ${words}`);
  const invalid = report.invalid.first.map(({ line, value }) => `      line ${line}: ${value.trim() === '' ? '(empty)' : `"${printable(value)}"`}`);
  const more = report.invalid.count > report.invalid.first.length ? [`      … and ${report.invalid.count - report.invalid.first.length} more`] : [];
  return [title, ...body, ...invalid, ...more].join('\n');
}

export function importJson(report: ImportReport, file: string): string {
  return JSON.stringify({ file, ...report }, null, 2);
}
