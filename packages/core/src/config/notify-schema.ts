import { z } from 'zod';

/** How a run went, as notifications see it. */
export const OUTCOMES = ['success', 'partial', 'failure'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** How a drill went (`pickup drill`): events of their own, so that each notifier chooses. */
export const DRILL_EVENTS = ['drill-success', 'drill-failure'] as const;
export type DrillEvent = (typeof DRILL_EVENTS)[number];
/** What a notifier's `on` may list. */
export type NotifyEvent = Outcome | DrillEvent;

/** Whether an event goes to a ping's success URL (the others go to its failure URL). */
export function isGoodNews(event: NotifyEvent): boolean {
  return event === 'success' || event === 'drill-success';
}

const EVENTS_TO_LIST = "list when to notify: 'success', 'partial', 'failure', 'drill-success', 'drill-failure'";
const on = z.array(z.enum([...OUTCOMES, ...DRILL_EVENTS], { error: EVENTS_TO_LIST })).min(1, EVENTS_TO_LIST);
/** `root@localhost` is a good address for a local MTA; no spaces or line breaks (they would forge headers). */
const address = z.string().regex(/^[^\s@<>,;"]+@[^\s@<>,;"]+$/, 'a mail address like root@localhost');
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
  .refine(
    (url) => !/^https?:\/\/[^/]*@/.test(url),
    'no user or password in the URL: give credentials in headers (webhook), or a URL with a secret path',
  );
const common = {
  /** Tries after the first, with backoff (1 s, 2 s, 4 s, ...). */
  retries: z.number().int().min(0).max(10).default(3),
  /** Seconds each try may take. */
  timeout: z.number().int().min(1).max(3600).default(10),
};

/** POSTs the run summary (the document `pickup run --json` prints) to a URL. */
const webhook = z
  .object({
    type: z.literal('webhook'),
    url: httpUrl,
    /** Sent with the request, e.g. `{ Authorization: 'Bearer ...' }` (their values are kept out of logs). */
    headers: z.record(z.string(), z.string()).default({}),
    on: on.default(['failure', 'partial', 'drill-failure']),
    ...common,
  })
  .strict();

/**
 * A dead-man's-switch service (healthchecks.io and alike): a GET to `start` when the run starts, to
 * `success` when it succeeded, to `failure` when it did not. `url` alone means `url/start`, `url` and `url/fail`.
 */
const ping = z
  .object({
    type: z.literal('ping'),
    url: httpUrl.optional(),
    start: httpUrl.optional(),
    success: httpUrl.optional(),
    failure: httpUrl.optional(),
    on: on.default(['success', 'partial', 'failure']),
    ...common,
  })
  .strict()
  .refine((value) => value.url !== undefined || !value.on.some(isGoodNews) || value.success !== undefined, {
    message: "give url, or a success URL for the events in 'on'",
    path: ['success'],
  })
  .refine(
    (value) => value.url !== undefined || !value.on.some((event) => !isGoodNews(event)) || value.failure !== undefined,
    {
      message: "give url, or a failure URL for the events in 'on' (partial and the failures go there)",
      path: ['failure'],
    },
  );

/** A mail through the local `sendmail` (any MTA provides one: postfix, exim, msmtp-mta, nullmailer). */
const mail = z
  .object({
    type: z.literal('mail'),
    to: z.union([address, z.array(address).min(1)]),
    from: address.optional(),
    /** The sendmail program. */
    sendmail: z.string().startsWith('/', 'the absolute path of the sendmail program').default('/usr/sbin/sendmail'),
    on: on.default(['failure', 'partial', 'drill-failure']),
    ...common,
  })
  .strict();

export const notifySchema = z.array(z.discriminatedUnion('type', [webhook, ping, mail])).default([]);

export type Notifier = z.output<typeof notifySchema>[number];
export type WebhookNotifier = z.output<typeof webhook>;
export type PingNotifier = z.output<typeof ping>;
export type MailNotifier = z.output<typeof mail>;
