import type { Level } from 'level';
import type { AbstractSublevel } from 'abstract-level';

// The key layout of the whole store lives in src/store/; nobody else knows a key.
//
// sublevel   key                                   value
// meta       'seq:ticket' | 'settings' | 'ratings' | 'helpCentre' | 'templates' | 'notify-prefs:<user id>' | ...  JSON
// spool      <id>                                  SpoolEntry: accepted, not yet ticketed
// raw        <message id>                          Buffer: the message as received (+ our headers)
// msg        <message id>                          Message
// tmsg       <ticket no>:<message id>              '' — messages of a ticket, in order
// mid        <Message-ID header, lower-case>       message id — duplicates and threading
// att        <attachment id>                       Buffer
// ticket     <ticket no>                           Ticket
// tidx       <view>:…:<no>                         '' — ticket lists and views, see tickets.ts indexKeys
// attof      <attachment id>                       message id — whose ticket may read it
// timeline   <ticket no>:<entry id>                TimelineEntry
// comment    <ticket no>:<comment id>              Comment
// notice     <user id>:<notification id>           Notification
// task       <user id>:<task id>                   Task
// token      <sha256 of secret>                    ApiToken
// audit      <entry id>                            AuditEntry (ids sort by time)
// seen       <user id>:<ticket no>                 updatedAt of the ticket when the user last read it
// star       <user id>:<ticket no>                 '' — the user's Starred folder
// draft      <user id>:<ticket no>                 Draft — the user's unsent composer on that ticket
// contact    <id>                                  Contact
// email      <address>                             contact id
// dept       <id>                                  Department
// addr       <support address>                     SupportAddress
// user       <id>                                  User
// login      <email>                               user id
// session    <sha256 of token>                     Session
// outq       <id>                                  OutboundItem still to send (queued, sending, retrying)
// outdone    <id>                                  OutboundItem finished (sent, failed, cancelled)
//                                                  — the id is the ticket message's id
// fromaddr   <id>                                  FromAddress with its relay (password sealed)
// dkim       <domain>                              DkimKey (private key sealed)
// rate       <kind>:<key>                          number[] of timestamps
// fts        <term>:<ticket no>                    '' — full-text search, see search-index.ts
// hook, hookdel, hookq                             webhooks, their delivery log and queue, see webhooks.ts
// slapol     <id>                                  SlaPolicy
// rule       <id>                                  Rule (automation), run in order of `position`
// account    <id>                                  Account (a customer company), see accounts.ts
// acdom      <domain>                              account id — mail from the domain links to it
// acmem      <account id>:<contact id>             '' — the account's contacts
// sent       <user id>:<ticket no>                 last time the user sent a reply there (Sent folder)

export type Json = any;
export type JsonSub = AbstractSublevel<Level<string, Json>, string | Buffer | Uint8Array, string, Json>;
export type BufferSub = AbstractSublevel<Level<string, Json>, string | Buffer | Uint8Array, string, Buffer>;

export interface Sublevels {
  meta: JsonSub;
  spool: JsonSub;
  raw: BufferSub;
  msg: JsonSub;
  tmsg: JsonSub;
  mid: JsonSub;
  att: BufferSub;
  ticket: JsonSub;
  tidx: JsonSub;
  contact: JsonSub;
  email: JsonSub;
  dept: JsonSub;
  addr: JsonSub;
  user: JsonSub;
  login: JsonSub;
  session: JsonSub;
  outq: JsonSub;
  outdone: JsonSub;
  fromaddr: JsonSub;
  dkim: JsonSub;
  rate: JsonSub;
  attof: JsonSub;
  timeline: JsonSub;
  comment: JsonSub;
  notice: JsonSub;
  task: JsonSub;
  token: JsonSub;
  audit: JsonSub;
  seen: JsonSub;
  draft: JsonSub;
  star: JsonSub;
  fts: JsonSub;
  hook: JsonSub;
  hookdel: JsonSub;
  hookq: JsonSub;
  slapol: JsonSub;
  rule: JsonSub;
  account: JsonSub;
  acdom: JsonSub;
  acmem: JsonSub;
  sent: JsonSub;
}
