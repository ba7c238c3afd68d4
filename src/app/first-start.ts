import type { Config } from '../config/load.js';
import { Batch, type Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import { listDomains, putDepartment, putDomains, putSupportAddress, putUser, userByEmail } from '../store/directory.js';
import { hashPassword, randomPassword } from '../auth/password.js';

export interface FirstStart {
  created: boolean;
  adminEmail: string;
  /** Set only when a password was generated: shown once, never stored in clear. */
  generatedPassword?: string;
}

/**
 * On an empty data dir: the support domains, a default department, the default support
 * address support@<first domain> and the admin user. Later starts change nothing here;
 * domains and addresses are managed in the panel from then on.
 */
export async function firstStart(db: Db, config: Config, now = Date.now()): Promise<FirstStart> {
  if ((await listDomains(db)).length > 0) return { created: false, adminEmail: config.admin.email };
  const batch = new Batch();
  putDomains(db, batch, config.domains);
  const department = { id: newId(now), name: 'Support', createdAt: now };
  putDepartment(db, batch, department);
  putSupportAddress(db, batch, {
    address: `support@${config.domains[0]}`,
    name: 'Support',
    departmentId: department.id,
    intake: true,
    isDefault: true,
    createdAt: now,
  });
  let generatedPassword: string | undefined;
  if (!(await userByEmail(db, config.admin.email))) {
    const password = config.admin.password || (generatedPassword = randomPassword());
    putUser(db, batch, {
      id: newId(now),
      email: config.admin.email,
      name: 'Admin',
      role: 'admin',
      departments: [department.id],
      active: true,
      passwordHash: await hashPassword(password),
      createdAt: now,
    });
  }
  await db.commit(batch, true);
  return { created: true, adminEmail: config.admin.email, generatedPassword };
}
