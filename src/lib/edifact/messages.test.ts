import { describe, expect, it } from 'vitest';
import { element } from './accessors.ts';
import { readMessages, readMessagesFromString } from './messages.ts';
import type { EdifactItem, EdifactMessage, SyntaxProblem } from './types.ts';

const messagesOf = (items: EdifactItem[]): EdifactMessage[] =>
  items.filter((i): i is EdifactMessage => i.kind === 'message');
const codesOf = (items: EdifactItem[]): string[] =>
  items.filter((i): i is SyntaxProblem => i.kind === 'problem').map((p) => `${p.severity}:${p.code}`);

describe('readMessagesFromString', () => {
  const cases: { name: string; input: string; messages: string[]; problems: string[] }[] = [
    {
      name: 'one interchange, one message',
      input: "UNB+UNOA:2+S+R+200101:1200+REF1'UNH+1+CUSCAR:D:95B:UN'BGM+85'UNT+3+1'UNZ+1+REF1'",
      messages: ['1 CUSCAR D 95B 1'],
      problems: [],
    },
    {
      name: 'two messages in one interchange',
      input:
        "UNB+UNOA:2+S+R+200101:1200+R'UNH+1+IFTMIN:S:93A:UN'BGM+1'UNT+3+1'UNH+2+IFTMIN:S:93A:UN'BGM+2'UNT+3+2'UNZ+2+R'",
      messages: ['1 IFTMIN S 93A 1', '2 IFTMIN S 93A 1'],
      problems: [],
    },
    {
      name: 'bare message without UNB',
      input: "UNH+9+CODECO:D:00B:UN:SMDG21'BGM+34'EQD+CN+ABCU1234560'UNT+4+9'",
      messages: ['9 CODECO D 00B 2'],
      problems: [],
    },
    {
      name: 'UNT count mismatch is a warning',
      input: "UNH+1+COPRAR:D:95B:UN'BGM+1'UNT+56+1'",
      messages: ['1 COPRAR D 95B 1'],
      problems: ['warning:unt_count_mismatch'],
    },
    {
      name: 'UNT reference mismatch is a warning',
      input: "UNH+1+COPRAR:D:95B:UN'BGM+1'UNT+3+2'",
      messages: ['1 COPRAR D 95B 1'],
      problems: ['warning:unt_reference_mismatch'],
    },
    {
      name: 'missing UNT at end of input keeps the message, flagged',
      input: "UNB+UNOA:2+S+R+200101:1200+R'UNH+1+BAPLIE:D:95B:UN'BGM+1'LOC+147+0010082::5'",
      messages: ['1 BAPLIE D 95B 2 truncated'],
      problems: ['error:missing_unt', 'warning:missing_unz'],
    },
    {
      name: 'missing UNT before the next UNH',
      input: "UNH+1+CODECO:D:95B:UN'BGM+1'UNH+2+CODECO:D:95B:UN'BGM+2'UNT+3+2'",
      messages: ['1 CODECO D 95B 1 truncated', '2 CODECO D 95B 1'],
      problems: ['error:missing_unt'],
    },
    {
      name: 'functional group counted by UNZ',
      input:
        "UNB+UNOA:4+S+R+20041016:1604+54'UNG+CUSCAR+S+R+20041016:1604+54+UN+D:03B'UNH+A+CUSCAR:D:03B:UN'BGM+85'UNT+3+A'UNE+1+54'UNZ+1+54'",
      messages: ['A CUSCAR D 03B 1'],
      problems: [],
    },
    {
      name: 'UNZ count and reference mismatches',
      input: "UNB+UNOA:2+S+R+200101:1200+R1'UNH+1+CODECO:D:95B:UN'BGM+1'UNT+3+1'UNZ+4+R2'",
      messages: ['1 CODECO D 95B 1'],
      problems: ['warning:unz_count_mismatch', 'warning:unz_reference_mismatch'],
    },
    {
      name: 'segment outside a message',
      input: "BGM+1'UNH+1+CODECO:D:95B:UN'BGM+1'UNT+3+1'",
      messages: ['1 CODECO D 95B 1'],
      problems: ['error:segment_outside_message'],
    },
  ];
  it.each(cases)('$name', ({ input, messages, problems }) => {
    const items = [...readMessagesFromString(input)];
    expect(
      messagesOf(items).map(
        (m) =>
          `${m.header.reference} ${m.header.type} ${m.header.version} ${m.header.release} ${m.segments.length}${m.truncated ? ' truncated' : ''}`,
      ),
    ).toEqual(messages);
    expect(codesOf(items)).toEqual(problems);
  });

  it('records the interchange and group a message came in', () => {
    const [message] = messagesOf([
      ...readMessagesFromString(
        "UNB+UNOA:4+LOCK:ZZ+CBP:ZZ+20041016:1604+54'UNG+CUSCAR+LOCK+CBP+20041016:1604+54+UN+D:03B'UNH+C54+CUSCAR:D:03B:UN'BGM+85'UNT+3+C54'UNE+1+54'UNZ+1+54'",
      ),
    ]);
    expect(message?.interchange).toEqual({
      sender: 'LOCK',
      recipient: 'CBP',
      controlReference: '54',
      preparedAt: '20041016:1604',
    });
    expect(message?.group).toEqual({ type: 'CUSCAR', reference: '54' });
    expect(message && element(message.segments[0]!, 1)).toBe('85');
  });

  it('caps the segments kept per message', () => {
    const body = Array.from({ length: 10 }, (_, i) => `LOC+147+${i}'`).join('');
    const items = [
      ...readMessagesFromString(`UNH+1+BAPLIE:D:95B:UN'${body}UNT+12+1'`, { maxSegmentsPerMessage: 4 }),
    ];
    const [message] = messagesOf(items);
    expect(message?.segments).toHaveLength(4);
    expect(message?.truncated).toBe(true);
    expect(codesOf(items)).toEqual(['error:message_too_long']);
    expect(items.find((i) => i.kind === 'problem')).toMatchObject({ segmentNumber: 6, line: 1 });
  });

  it('reads a byte stream the same way', async () => {
    const text = "UNH+1+CODECO:D:95B:UN'BGM+1'UNT+3+1'UNH+2+CODECO:D:95B:UN'BGM+1'UNT+3+2'";
    async function* bytes(): AsyncGenerator<Uint8Array> {
      const all = new TextEncoder().encode(text);
      for (let i = 0; i < all.length; i += 7) yield all.subarray(i, i + 7);
    }
    const items: EdifactItem[] = [];
    for await (const item of readMessages(bytes())) items.push(item);
    expect(items).toEqual([...readMessagesFromString(text)]);
  });
});
