/** `tandem mo` through the program's own parse, on the embedded database as a user has it. */
import { describe, expect, it } from 'vitest';
import { runTandem, terminalFor } from '../../test/support/cli.ts';

/** A real 1x1 PNG. */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('tandem mo [embedded]', () => {
  const terminal = terminalFor('embedded', 'tandem-mo-cli-');
  const create = (...photos: string[]) =>
    runTandem(
      'mo',
      'create',
      '--title',
      'Cocaine in reefer units',
      '--concealment',
      'reefer_unit',
      '--reliability',
      'B',
      '--credibility',
      '2',
      '--tlp',
      'GREEN',
      ...photos.flatMap((p) => ['--photo', p]),
    );

  it('refuses a photo that is not a JPEG, PNG or TIFF image before it saves (or shares) anything', async () => {
    const ok = terminal.file('ok.png', png);
    const fake = terminal.file('fake.jpg', 'not an image at all');
    const pdf = terminal.file('scan.pdf', '%PDF-1.7\n%%EOF\n');
    await expect(create(ok, fake)).rejects.toThrow(
      `--photo ${fake}: a photo of a report is a JPEG, PNG or TIFF image; this file is none of these`,
    );
    await expect(create(pdf)).rejects.toThrow('this file is a pdf file');
    await expect(create(ok, ok, ok, ok, ok)).rejects.toThrow('a report carries at most 4 photos');
    expect(await runTandem('mo', 'list', '--json')).toBe('[]\n');
    expect(await create(ok)).toBe('mo report 1 v2 active TLP:GREEN "Cocaine in reefer units" (1 photo)\n');
  });
});
