/** Renders validation problems for people (text) and for CI systems (annotations, JSON). */
import { formatProblem, type Problem } from '../../config/yaml-validate';

export const FORMATS = ['text', 'github', 'azure', 'json'] as const;
export type ProblemFormat = (typeof FORMATS)[number];

/** GitHub workflow commands escape %, CR and LF in messages, and also , and : in properties. */
function ghEscape(value: string, property = false): string {
  let out = value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  if (property) out = out.replace(/:/g, '%3A').replace(/,/g, '%2C');
  return out;
}

/** Azure DevOps logging commands escape %, CR, LF, ; and ] in properties and messages. */
function adoEscape(value: string): string {
  return value.replace(/%/g, '%AZP25').replace(/\r/g, '%AZP0D').replace(/\n/g, '%AZP0A').replace(/;/g, '%AZP3B').replace(/]/g, '%AZP5D');
}

function message(p: Problem): string {
  return `${p.path ? `${p.path}: ` : ''}${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`;
}

export function formatProblems(problems: Problem[], format: ProblemFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(problems, null, 2)}\n`;
    case 'github':
      return problems
        .map((p) => `::error file=${ghEscape(p.file, true)},line=${Math.max(p.line, 1)},col=${Math.max(p.column, 1)},title=${ghEscape(p.path || 'file', true)}::${ghEscape(message(p))}\n`)
        .join('');
    case 'azure':
      return problems
        .map((p) => `##vso[task.logissue type=error;sourcepath=${adoEscape(p.file)};linenumber=${Math.max(p.line, 1)};columnnumber=${Math.max(p.column, 1)}]${adoEscape(message(p))}\n`)
        .join('');
    case 'text':
      return problems.map((p) => `${formatProblem(p)}\n`).join('');
  }
}
