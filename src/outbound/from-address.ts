import type { Ticket } from '../desk/types.js';

/** How the panel names it: Plain, SSL (implicit TLS, RFC 8314 §3.3), TLS (STARTTLS, RFC 3207). */
export type RelaySecurity = 'plain' | 'ssl' | 'starttls';

export interface RelaySettings {
  host: string;
  port: number;
  security: RelaySecurity;
  username?: string;
  /** Accept a certificate no public authority vouches for (a self-signed relay). */
  allowSelfSigned: boolean;
}

/** An address replies go out from, and the relay that sends them. */
export interface FromAddress {
  id: string;
  address: string;
  /** Friendly name shown in From: unless the agent's name is configured. */
  name: string;
  /** The department it serves; absent = the organisation's. */
  departmentId?: string;
  /** The default of its department (or of the organisation when it has none). */
  isDefault: boolean;
  enabled: boolean;
  relay: RelaySettings;
  /** The relay password, sealed (secret-box.ts); never returned by the API. */
  passwordSealed?: string;
  /** RFC 1870 SIZE the relay advertised at its last test or send; 0 = unknown or unlimited. */
  relayMaxSize: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * Which address a reply leaves from: the support address the customer wrote to, when it has
 * an active From address; else the department's default; else the organisation's default.
 * A disabled address is never chosen.
 */
export function chooseFromAddress(all: FromAddress[], ticket: Pick<Ticket, 'alias' | 'departmentId'>): FromAddress | undefined {
  const active = all.filter((f) => f.enabled);
  const alias = ticket.alias.toLowerCase();
  const department = active.filter((f) => f.departmentId === ticket.departmentId);
  const organisation = active.filter((f) => !f.departmentId);
  return (
    active.find((f) => f.address === alias) ??
    department.find((f) => f.isDefault) ??
    department[0] ??
    organisation.find((f) => f.isDefault) ??
    organisation[0]
  );
}

/** The address as the API shows it: no password, only whether one is set. */
export function fromAddressView(f: FromAddress) {
  const { passwordSealed, ...rest } = f;
  return { ...rest, relay: { ...f.relay, hasPassword: Boolean(passwordSealed) } };
}
