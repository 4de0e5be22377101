// Contract: the behaviour every UserStatusPort must show, run against the fake and the real adapter.

import { describe, expect, it } from '@jest/globals';
import type { UserStatusPort } from '../../src/domain/index.js';

export function userStatusContract(name: string, make: () => Promise<UserStatusPort>): void {
  describe(`UserStatusPort contract: ${name}`, () => {
    let n = 0;
    const user = (label: string) => `${label}-${(n += 1)}-${Date.now()}`;

    it('knows no status for a user who never set one', async () => {
      expect(await (await make()).get(user('nobody'))).toBeUndefined();
    });

    it('keeps the last status set, with or without text, per user', async () => {
      const statuses = await make();
      const ada = user('ada');
      const bob = user('bob');
      await statuses.set(ada, { status: 'busy', text: 'in a call', changedAt: 5 });
      await statuses.set(bob, { status: 'away' });
      expect(await statuses.get(ada)).toEqual({ status: 'busy', text: 'in a call', changedAt: 5 });

      await statuses.set(ada, { status: 'available', changedAt: 9 });
      expect(await statuses.get(ada)).toEqual({ status: 'available', changedAt: 9 });
      expect(await statuses.get(bob)).toEqual({ status: 'away' });
    });
  });
}
