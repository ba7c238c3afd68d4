import type { FastifyInstance } from 'fastify';
import { ticketUpdateRoutes } from './ticket-updates.js';
import { commentRoutes } from './comments.js';
import { taskRoutes } from './tasks.js';
import { userRoutes } from './users.js';
import { departmentRoutes } from './departments.js';
import { tokenRoutes } from './tokens.js';
import { auditRoutes } from './audit.js';
import { bulkRoutes } from './bulk.js';
import { trashRoutes } from './trash.js';
import { mergeRoutes } from './merge.js';
import { contactRoutes } from './contacts.js';
import { customFieldRoutes } from './custom-fields.js';
import { slaPolicyRoutes } from './sla-policies.js';
import { ruleRoutes } from './rules.js';
import { statsRoutes } from './stats.js';
import { ratingSettingsRoutes } from './ratings.js';
import { helpCentreSettingsRoutes } from './help-centre-settings.js';
import { templateRoutes } from './templates.js';
import { notificationPreferenceRoutes } from './notification-preferences.js';
import { accountRoutes } from './accounts.js';
import { splitRoutes } from './split.js';
import { newMailRoutes } from './new-mail.js';
import { cannedReplyRoutes } from './canned-replies.js';
import { ticketCountRoutes } from './ticket-counts.js';
import { meRoutes } from './me.js';

/** The help desk's resources (issue 4), registered inside the logged-in part of the API. */
export async function helpdeskRoutes(api: FastifyInstance): Promise<void> {
  for (const routes of [ticketUpdateRoutes, commentRoutes, taskRoutes, userRoutes, departmentRoutes, tokenRoutes, auditRoutes, bulkRoutes, trashRoutes, mergeRoutes, contactRoutes, customFieldRoutes, slaPolicyRoutes, ruleRoutes, statsRoutes, ratingSettingsRoutes, helpCentreSettingsRoutes, templateRoutes, notificationPreferenceRoutes, accountRoutes, splitRoutes, newMailRoutes, cannedReplyRoutes, ticketCountRoutes, meRoutes]) {
    api.register(routes);
  }
}
