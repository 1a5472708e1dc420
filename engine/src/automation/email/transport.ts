import { randomUUID } from 'node:crypto';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import nodemailer from 'nodemailer';

/**
 * Where workflow email goes: an SMTP server named by TESSERA_SMTP_URL, or, without one, nowhere,
 * with each message recorded through a log callback instead. Callers see only EmailTransport, so
 * the runner does not depend on nodemailer.
 *
 * Every message is checked before anything is sent or logged: line breaks in an address, the
 * subject, a header or the Message-ID would let record data write headers of its own (a `Bcc:`),
 * so they are refused, never stripped.
 */

export interface OutgoingEmail {
  /** Bare addresses (`ada@example.com`), 1 to MAX_RECIPIENTS of them; no display names. */
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** Extra header fields; the ones the message sets itself (To, Subject, Message-ID …) are refused. */
  headers?: Record<string, string>;
  /**
   * `<left@right>`, stable per workflow run step, so a retried job sends the same Message-ID and
   * the receiving side can tell the copy. Unset: one is made up.
   */
  messageId?: string;
}

export interface EmailTransport {
  send(message: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
}

/** What the log transport records of a message it did not send: never the body, nor the sender. */
export interface UnsentEmail {
  to: string[];
  subject: string;
}

export type UnsentEmailLog = (entry: UnsentEmail) => void;

/** A message refused before sending: a mistake in the workflow or its data that a retry won't mend. */
export class EmailRefused extends Error {
  override name = 'EmailRefused';
}

export const MAX_RECIPIENTS = 50;
export const DEFAULT_MAIL_FROM = 'Tessera <no-reply@localhost>';

// Long enough for a slow server, short enough that a dead one fails the job instead of holding a
// worker for nodemailer's defaults (2 min to connect, 10 min idle). `?socketTimeout=…` in the URL
// overrides them.
const TIMEOUT_MS = 10_000;

// The email field type's own check (ajv-formats' full "email" format), so any address a record's
// email field accepts can be sent to, and nothing with a space, a comma, double quotes or angle brackets.
const EMAIL = fullFormats.email as RegExp;
const LINE_BREAK = /[\r\n]/;
// RFC 5322 msg-id, kept to printable ASCII without spaces, angle brackets or a second `@`.
const MESSAGE_ID = /^<[\x21-\x3b\x3d\x3f\x41-\x7e]+@[\x21-\x3b\x3d\x3f\x41-\x7e]+>$/;
// RFC 5322 field-name: printable ASCII but the colon.
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const OWN_HEADERS = new Set([
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

/** Read once at start-up; throws when TESSERA_SMTP_URL or TESSERA_MAIL_FROM cannot be used. */
export function emailTransportFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  log: UnsentEmailLog = warnUnsent,
): EmailTransport {
  const from = env.TESSERA_MAIL_FROM || DEFAULT_MAIL_FROM;
  if (LINE_BREAK.test(from)) throw new Error('TESSERA_MAIL_FROM holds a line break');
  const delivery = env.TESSERA_SMTP_URL ? smtpDelivery(env.TESSERA_SMTP_URL, from) : logDelivery(log);
  return {
    async send(message) {
      checkOutgoing(message);
      return await delivery.send(message);
    },
    close: () => delivery.close(),
  };
}

function smtpDelivery(url: string, from: string): EmailTransport {
  // The URL's text stays out of every error: it carries the SMTP password.
  if (!URL.canParse(url)) throw new Error('TESSERA_SMTP_URL is not a URL');
  const { protocol } = new URL(url);
  if (protocol !== 'smtp:' && protocol !== 'smtps:')
    throw new Error(`TESSERA_SMTP_URL must start smtp:// or smtps://, not ${protocol}//`);
  const mailer = nodemailer.createTransport({
    url,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  return {
    async send(message) {
      const info = await mailer.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
        messageId: message.messageId,
        // Content is strings only; should a path or URL ever slip in, nodemailer must not read
        // a server file or fetch a URL into the message.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return { messageId: info.messageId };
    },
    close: () => mailer.close(),
  };
}

function logDelivery(log: UnsentEmailLog): EmailTransport {
  return {
    send(message) {
      log({ to: [...message.to], subject: message.subject });
      // .invalid (RFC 2606) never resolves: the id says plainly that no server saw this message.
      return Promise.resolve({ messageId: message.messageId ?? `<${randomUUID()}@tessera.invalid>` });
    },
    close: () => {},
  };
}

function warnUnsent(entry: UnsentEmail): void {
  console.warn(`email not sent (TESSERA_SMTP_URL is unset): "${entry.subject}" to ${entry.to.join(', ')}`);
}

function checkOutgoing(message: OutgoingEmail): void {
  const { to, subject, headers = {}, messageId } = message;
  if (to.length === 0) throw new EmailRefused('an email needs at least one recipient');
  if (to.length > MAX_RECIPIENTS)
    throw new EmailRefused(`an email goes to at most ${MAX_RECIPIENTS} recipients, not ${to.length}`);
  for (const address of to) {
    if (LINE_BREAK.test(address)) throw new EmailRefused('a recipient address holds a line break');
    if (address.length > 254 || !EMAIL.test(address)) throw new EmailRefused(`"${address}" is not an email address`);
  }
  if (LINE_BREAK.test(subject)) throw new EmailRefused('the subject holds a line break');
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new EmailRefused(`"${name}" is not a header name`);
    if (OWN_HEADERS.has(name.toLowerCase())) throw new EmailRefused(`the ${name} header is set by the message itself`);
    if (LINE_BREAK.test(value)) throw new EmailRefused(`the ${name} header holds a line break`);
  }
  if (messageId !== undefined && !MESSAGE_ID.test(messageId))
    throw new EmailRefused('a Message-ID is written <left@right>, in printable ASCII');
}
