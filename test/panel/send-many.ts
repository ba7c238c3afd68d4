import { sendMail } from '../helpers/smtp-client.js';

// Below the MX's default of 20 connections per client address (MXDESK_SMTP_MAX_CONNECTIONS_PER_IP).
const PARALLEL = 8;

/** Delivers many messages over a few SMTP connections at a time; throws on any refusal. */
export async function sendMany(port: number, from: string, messages: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const message = messages[next++]!;
      const reply = await sendMail(port, { from, to: ['support@support.test'], message });
      if (reply.code !== 250) throw new Error(`not accepted: ${reply.raw}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}
