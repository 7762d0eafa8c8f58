/**
 * Seeds the demo office (demo-provisioning.ts) on an empty database in one transaction.
 *
 * The demo passwords are public, so their scrypt hashes are computed once and kept here instead of eight
 * deliberately slow hashes on every first start (about 0.3 s of CPU each on this machine). They are
 * ordinary hashes: logging in verifies them exactly as any other (demo-seed.test.ts checks each one).
 */
import { eq } from 'drizzle-orm';
import { applyProvisioning } from '../provisioning/apply.ts';
import { schema, type Db } from '../store/index.ts';
import { demoProvisioning } from './demo-provisioning.ts';

export const DEMO_PASSWORD_HASHES: Readonly<Record<string, string>> = {
  staff1: 'scrypt$32768$8$1$4LlKJeYzHyAO5eL97mT0ng==$fmhWORnBSP7A4HdmTonPHjL0ZUprohaAPsRRX/mIrMM=',
  guard1: 'scrypt$32768$8$1$DYulnVhG7Nt5ujVwf99d+g==$hZ/f4CMm5G0pTCMHqX8fWlBHFIEGSLLM283Ti6zcxIg=',
  guard2: 'scrypt$32768$8$1$JKE5tN4DcxQ3YPOBQ5IqVg==$Mw6wnrISOOjb5XfL9dgXHqVvkUTWdeN5Z7sFr+sah0U=',
  manager1: 'scrypt$32768$8$1$5buzvR50317dpkx75eUJRA==$AW0waoUIHIvtjg0Z4tNJ6E6rc9RzQhMy94XrZGb2IZY=',
  legal1: 'scrypt$32768$8$1$AxEvHzJLkShoJb0nzK/xJw==$LrIzgxBLR9VmahMVKCGA0yONE6MVzevHVAjoSBTsbNQ=',
  counselor1: 'scrypt$32768$8$1$4KUd7GoGuyBC8+lDMf+ckQ==$rKgJ5yk06wxj6/Ix1i++Mggwz9qsC+U2FOTUvXyVOOo=',
  admin1: 'scrypt$32768$8$1$PIo1FJTExxZl7Njpyvt2ew==$o6Oi17tnEtaXoKkfe9NZs7P8xcl7nwA2TDO7l7KiFP0=',
  auditor1: 'scrypt$32768$8$1$WvPvwEmxJrlW5ajetgemhg==$6Evj1N9irkOZ/mBN0T4Y6qkZPSUJjKkEDt19Ju8pt0c=',
};

export async function seedDemo(db: Db): Promise<void> {
  const doc = demoProvisioning();
  await db.transaction(async (tx) => {
    // The same document without its passwords (no hashing), then the kept hashes.
    await applyProvisioning(tx as unknown as Db, { ...doc, people: doc.people.map(({ password: _password, ...person }) => person) });
    for (const person of doc.people) {
      const hash = person.username ? DEMO_PASSWORD_HASHES[person.username] : undefined;
      if (hash) await tx.update(schema.people).set({ passwordHash: hash }).where(eq(schema.people.id, person.id));
    }
  });
}
