import type { DeskSettings, Role, Ticket, User } from './types.js';

// Who may do what. Pure: the HTTP guard asks, this answers; nothing here reads the store.
//
// admin  everything, settings, users and departments included
// agent  reply, comment, forward, update fields and assign, on tickets of their departments
//        (or of every department when the desk lets agents see all of them)
// basic  reads what an agent may read, and comments; nothing else

export type TicketAction = 'view' | 'comment' | 'reply' | 'forward' | 'update' | 'assign';
export type DeskAction = 'manage-users' | 'manage-departments' | 'manage-settings' | 'read-audit';

export type Decision = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

const TICKET_ACTIONS_BY_ROLE: Record<Role, readonly TicketAction[]> = {
  admin: ['view', 'comment', 'reply', 'forward', 'update', 'assign'],
  agent: ['view', 'comment', 'reply', 'forward', 'update', 'assign'],
  basic: ['view', 'comment'],
};

type Visibility = Pick<DeskSettings, 'agentVisibility'>;

/** Whether a ticket exists at all for this user: lists and lookups hide the others. */
export function canSeeTicket(user: User, ticket: Pick<Ticket, 'departmentId'>, settings: Visibility): boolean {
  if (!user.active) return false;
  if (user.role === 'admin' || settings.agentVisibility === 'all') return true;
  return user.departments.includes(ticket.departmentId);
}

/** May `user` do `action` on `ticket`? Callers check canSeeTicket first (404 before 403). */
export function mayOnTicket(user: User, action: TicketAction, ticket: Pick<Ticket, 'departmentId'>, settings: Visibility): Decision {
  if (!canSeeTicket(user, ticket, settings)) return deny('You cannot see this ticket.');
  if (!TICKET_ACTIONS_BY_ROLE[user.role].includes(action)) {
    return deny(`Your role (${user.role}) may not ${action === 'update' ? 'change ticket fields' : action} on tickets.`);
  }
  return ALLOWED;
}

/**
 * Assigning and moving: an agent works within their departments. They may assign a ticket of
 * one of their departments to a member of that department, and move a ticket only into a
 * department they belong to. Admins assign anywhere.
 */
export function mayAssign(user: User, ticket: Pick<Ticket, 'departmentId'>, to: { assignee?: User | null; departmentId?: string }, settings: Visibility): Decision {
  const base = mayOnTicket(user, 'assign', ticket, settings);
  if (!base.allowed || user.role === 'admin') return base;
  const departmentId = to.departmentId ?? ticket.departmentId;
  if (!user.departments.includes(ticket.departmentId)) return deny('You can assign only tickets of your own departments.');
  if (!user.departments.includes(departmentId)) return deny('You can move tickets only into departments you belong to.');
  if (to.assignee && to.assignee.role !== 'admin' && !to.assignee.departments.includes(departmentId)) {
    return deny(`${to.assignee.name || to.assignee.email} is not a member of the ticket's department.`);
  }
  return ALLOWED;
}

export function mayOnDesk(user: User, _action: DeskAction): Decision {
  if (!user.active) return deny('This account is disabled.');
  return user.role === 'admin' ? ALLOWED : deny('Only an admin may do this.');
}

/** Whether a user may be the assignee of a ticket at all: active, and more than basic. */
export function canBeAssigned(user: User): boolean {
  return user.active && user.role !== 'basic';
}
