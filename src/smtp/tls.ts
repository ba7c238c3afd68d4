import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';

export interface TlsFiles {
  key: Buffer;
  cert: Buffer;
  selfSigned: boolean;
}

/**
 * The STARTTLS certificate: the configured files, or a self-signed certificate made once
 * and kept in the data dir. Opportunistic TLS between MTAs does not validate certificates
 * (RFC 7435 §1.3), so a self-signed one still encrypts the session.
 */
export async function loadTls(opts: { cert: string; key: string; dataDir: string; hostname: string }): Promise<TlsFiles> {
  if (opts.cert && opts.key) {
    const files = { cert: readFileSync(opts.cert), key: readFileSync(opts.key), selfSigned: false };
    try {
      // Fails now, with the files named, rather than at the first STARTTLS.
      createSecureContext({ cert: files.cert, key: files.key });
    } catch (err) {
      throw new Error(`tls.cert ${opts.cert} and tls.key ${opts.key} are not a matching PEM certificate and key: ${(err as Error).message}`);
    }
    return files;
  }
  const certFile = path.join(opts.dataDir, 'tls-selfsigned.crt');
  const keyFile = path.join(opts.dataDir, 'tls-selfsigned.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    return { cert: readFileSync(certFile), key: readFileSync(keyFile), selfSigned: true };
  }
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 10);
  // Loaded only here: selfsigned brings an X.509 library whose loading was a tenth of every
  // start-up, and it is needed once, on the first start.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: opts.hostname }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: opts.hostname }] }],
  } as any);
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert, { mode: 0o644 });
  return { cert: Buffer.from(pems.cert), key: Buffer.from(pems.private), selfSigned: true };
}
