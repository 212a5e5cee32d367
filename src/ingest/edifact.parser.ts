/**
 * EDIFACT input: the syntax layer (src/lib/edifact) reads the bytes into messages and reports
 * syntax problems; each message is mapped by its type (edifact/index.ts). Syntax errors become
 * rejections and syntax warnings stay warnings, each with its segment and line. Memory is bounded
 * by the largest message.
 */
import { readMessages, type SyntaxProblem } from '../lib/edifact/index.ts';
import { mapMessage } from './edifact/index.ts';
import type { FormatParser, IngestItem, SourceRef } from './records.ts';

function problemRef(problem: SyntaxProblem): SourceRef {
  const position =
    problem.segmentNumber !== undefined
      ? `segment ${problem.segmentNumber}`
      : problem.line !== undefined
        ? `line ${problem.line}`
        : 'file';
  return {
    position,
    ...(problem.line === undefined ? {} : { line: problem.line }),
    ...(problem.segmentNumber === undefined ? {} : { segmentNumber: problem.segmentNumber }),
    ...(problem.messageReference === undefined ? {} : { recordRef: problem.messageReference }),
  };
}

/** A syntax problem as an ingest item: an error is a rejection, a warning a warning. */
export function itemFromProblem(problem: SyntaxProblem): IngestItem {
  const ref = problemRef(problem);
  if (problem.severity === 'warning') {
    return { kind: 'warning', warning: { ...ref, code: problem.code, message: problem.message } };
  }
  return {
    kind: 'rejection',
    rejection: {
      ...ref,
      code: problem.code,
      reason: problem.message,
      ...(problem.excerpt === undefined ? {} : { excerpt: problem.excerpt }),
    },
  };
}

/** Maps every message of an EDIFACT byte stream; never throws on bad input. */
export const parseEdifact: FormatParser = async function* parseEdifact(input) {
  for await (const item of readMessages(input)) {
    if (item.kind === 'problem') yield itemFromProblem(item);
    else yield* mapMessage(item);
  }
};
