/** `tandem assess` through the program's own parse, on the embedded database as a user has it. */
import { describe, expect, it } from 'vitest';
import { runTandem, terminalFor } from '../../test/support/cli.ts';

describe('tandem assess [embedded]', () => {
  terminalFor('embedded', 'tandem-assess-cli-');

  it('refuses a port not its own, a day that does not exist and a share outside 0..1, saying what it expects', async () => {
    await expect(runTandem('assess', '--port', 'NLRTM', '--date', '2022-03-01')).rejects.toThrow(
      "NLRTM is not one of this customs service's ports (BEANR; TANDEM_PORTS)",
    );
    await expect(runTandem('assess', '--port', 'BEANR', '--date', '2022-02-30')).rejects.toThrow(
      '--date 2022-02-30: expected a day YYYY-MM-DD that exists',
    );
    await expect(runTandem('assess', '--port', 'BEANR', '--date', '3 March')).rejects.toThrow(
      'expected a day YYYY-MM-DD',
    );
    await expect(
      runTandem('assess', '--port', 'BEANR', '--date', '2022-03-01', '--exploration', '2'),
    ).rejects.toThrow('--exploration 2: expected a share between 0 and 1');
    // A leap day exists; with nothing arriving, the selection says so and how to set a capacity.
    expect(await runTandem('assess', '--port', 'BEANR', '--date', '2024-02-29')).toBe(
      '0 containers assessed\n' +
        'BEANR 2024-02-29: 0 of 0 selected under a capacity of 0 (0 mandatory, 0 at random)\n' +
        'no scanner capacity is set for BEANR: set it with "tandem capacity set BEANR 120"\n',
    );
  });
});
