import { access, constants } from 'node:fs/promises';
import { hostOf } from './http.js';
import { recipientsOf } from './mail.js';
import type { Notifier } from '../config/notify-schema.js';

/**
 * What `pickup check` says of a notifier, without sending anything (a test ping would look like a
 * run to the service): the mail program must be there and executable.
 */
export async function checkNotifier(
  notifier: Notifier,
  index: number,
): Promise<{ subject: string; ok: boolean; detail: string }> {
  const subject = `notify[${index}] ${notifier.type}`;
  const when = `on ${notifier.on.join(', ')}`;
  if (notifier.type === 'mail') {
    const to = recipientsOf(notifier).join(', ');
    try {
      await access(notifier.sendmail, constants.X_OK);
      return { subject, ok: true, detail: `to ${to} through ${notifier.sendmail}, ${when}` };
    } catch {
      return {
        subject,
        ok: false,
        detail: `${notifier.sendmail} is missing or not executable: install an MTA (postfix, exim4, msmtp-mta) or set "sendmail"`,
      };
    }
  }
  const url = notifier.type === 'webhook' ? notifier.url : (notifier.url ?? notifier.success ?? notifier.failure)!;
  return { subject, ok: true, detail: `${hostOf(url)} (not contacted), ${when}` };
}
