/** `tandem profile` through the program's own parse, on the embedded database as a user has it. */
import { describe, expect, it } from 'vitest';
import { runTandem, terminalFor } from '../../test/support/cli.ts';

describe('tandem profile [embedded]', () => {
  terminalFor('embedded', 'tandem-profile-cli-');

  it('says when an update changes nothing, and gives the new version when it does', async () => {
    expect(
      await runTandem(
        'profile',
        'create',
        '--name',
        'Reefer',
        '--expression',
        'container.reefer',
        '--weight',
        '35',
      ),
    ).toMatch(/^created risk profile (\d+) "Reefer" v1\n$/);
    expect(await runTandem('profile', 'update', '1', '--weight', '35', '--reason', 'same weight')).toBe(
      'risk profile 1 "Reefer": nothing changed, still v1\n',
    );
    expect(await runTandem('profile', 'update', '1', '--weight', '40', '--reason', 'more weight')).toBe(
      'risk profile 1 "Reefer" is now v2\n',
    );
  });
});
