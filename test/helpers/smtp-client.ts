import net from 'node:net';
import tls from 'node:tls';

export interface Reply {
  code: number;
  /** The text lines without the code, joined by "\n". */
  text: string;
  /** The whole reply as received. */
  raw: string;
}

/**
 * A plain SMTP client for tests: one command, one reply, no cleverness, so that tests see
 * exactly the codes and texts the MX sends (RFC 5321 §4.2).
 */
export class SmtpClient {
  private socket: net.Socket | tls.TLSSocket;
  private buffer = '';
  private waiting: Array<(r: Reply) => void> = [];
  private replies: Reply[] = [];
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.attach(socket);
  }

  private attach(socket: net.Socket | tls.TLSSocket) {
    // Commands are small writes; without this Nagle's algorithm meets delayed ACKs and each
    // reply waits ~40 ms (RFC 896 / RFC 1122 §4.2.3.2).
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w({ code: 0, text: 'connection closed', raw: '' });
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<{ client: SmtpClient; greeting: Reply }> {
    const socket = net.connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new SmtpClient(socket);
    const greeting = await client.read();
    return { client, greeting };
  }

  private onData(chunk: string) {
    this.buffer += chunk;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      let end = -1;
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3} /.test(lines[i]!) || /^\d{3}$/.test(lines[i]!)) {
          end = i;
          break;
        }
      }
      if (end < 0) return;
      const replyLines = lines.slice(0, end + 1);
      this.buffer = lines.slice(end + 1).join('\r\n');
      const reply: Reply = {
        code: Number(replyLines[end]!.slice(0, 3)),
        text: replyLines.map((l) => l.slice(4)).join('\n'),
        raw: replyLines.join('\r\n'),
      };
      const w = this.waiting.shift();
      if (w) w(reply);
      else this.replies.push(reply);
    }
  }

  read(): Promise<Reply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    if (this.closed) return Promise.resolve({ code: 0, text: 'connection closed', raw: '' });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async send(line: string): Promise<Reply> {
    this.socket.write(line + '\r\n');
    return this.read();
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async startTls(): Promise<Reply> {
    const reply = await this.send('STARTTLS');
    if (reply.code !== 220) return reply;
    const plain = this.socket as net.Socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    return reply;
  }

  /** The certificate the server showed in the TLS handshake (after startTls). */
  peerCertificate(): tls.PeerCertificate | null {
    return this.socket instanceof tls.TLSSocket ? this.socket.getPeerCertificate() : null;
  }

  get encrypted(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  /** Sends DATA, the message (dot-stuffed, RFC 5321 §4.5.2) and the final dot. */
  async data(message: string | Buffer): Promise<Reply> {
    const go = await this.send('DATA');
    if (go.code !== 354) return go;
    let body = Buffer.isBuffer(message) ? message : Buffer.from(message, 'utf8');
    body = dotStuff(body);
    const ending = body.length && body[body.length - 1] === 10 ? '.\r\n' : '\r\n.\r\n';
    this.socket.write(Buffer.concat([body, Buffer.from(ending)]));
    return this.read();
  }

  /** QUIT, and wait until the server has closed the connection. */
  async quit(): Promise<void> {
    if (this.closed) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.write('QUIT\r\n');
    await closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Normalises line ends to CRLF and doubles a leading dot on each line. */
export function dotStuff(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/\r?\n|\r/g, '\r\n');
  return Buffer.from(text.replace(/(^|\r\n)\./g, '$1..'), 'latin1');
}

/** One whole transaction; returns the reply to the end of DATA (or the first refusal). */
export async function sendMail(port: number, opts: { from: string; to: string[]; message: string | Buffer; helo?: string }): Promise<Reply> {
  const { client } = await SmtpClient.connect(port);
  try {
    await client.send(`EHLO ${opts.helo ?? 'client.example.net'}`);
    const mail = await client.send(`MAIL FROM:<${opts.from}>`);
    if (mail.code !== 250) return mail;
    let accepted = 0;
    let lastRefusal: Reply | null = null;
    for (const rcpt of opts.to) {
      const r = await client.send(`RCPT TO:<${rcpt}>`);
      if (r.code === 250) accepted++;
      else lastRefusal = r;
    }
    if (!accepted) return lastRefusal!;
    return await client.data(opts.message);
  } finally {
    await client.quit();
  }
}
