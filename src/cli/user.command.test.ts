/** `tandem user` through the program's own parse, on the embedded database as a user has it. */
import { describe, expect, it } from 'vitest';
import { runTandem, terminalFor } from '../../test/support/cli.ts';

describe('tandem user [embedded]', () => {
  terminalFor('embedded', 'tandem-user-cli-');

  it('adds a user, disables and enables them, and sets a new password that it prints once', async () => {
    const added = await runTandem('user', 'add', 'ivo', '--role', 'inspector');
    expect(added).toMatch(/^created user ivo \(inspector\)\npassword: \S{12,}\n/);
    expect(await runTandem('user', 'disable', 'ivo')).toBe('user ivo disabled\n');
    expect(await runTandem('user', 'list')).toMatch(/ivo\s+inspector {2}\(disabled\)\n/);
    expect(await runTandem('user', 'enable', 'ivo')).toBe('user ivo enabled\n');
    expect(await runTandem('user', 'list')).not.toContain('(disabled)');
    const reset = await runTandem('user', 'password', 'ivo');
    expect(reset).toMatch(/^new password set for ivo; their sessions ended\npassword: (\S{12,})\n/);
    const newPassword = /password: (\S+)\n/.exec(reset)?.[1];
    expect(newPassword).not.toBe(/password: (\S+)\n/.exec(added)?.[1]);
    await expect(runTandem('user', 'disable', 'nobody')).rejects.toThrow('user nobody was not found');
  });
});
