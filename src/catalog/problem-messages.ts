import type { LineCounter, YAMLError } from 'yaml';
import type { z } from 'zod';

/**
 * Messages for people who edit the catalog, agencies.yaml and synonyms.yaml by hand: zod's
 * and the yaml parser's English reports, said in Japanese, pointing at the line to fix.
 */

const TYPE_NAMES: Record<string, string> = {
  number: '数値',
  int: '整数',
  string: '文字列',
  boolean: 'true か false',
  array: 'リスト (「- 」で始まる行、または [a, b])',
  object: '「項目: 値」の並び',
  date: '日付',
};

function describeValue(value: unknown): string {
  if (value === null) return '空 (null)';
  if (Array.isArray(value)) return 'リスト';
  if (typeof value === 'object') return '「項目: 値」の並び';
  const text = String(value);
  return `「${text.length > 30 ? text.slice(0, 30) + '…' : text}」`;
}

/** zod's default messages are English ("Invalid input: …", "Too small: …"); the schema's own are Japanese and kept. */
const isDefaultMessage = (message: string) => /^(Invalid|Too (small|big)|Unrecognized|Expected|Required)\b/.test(message) || /^[\x20-\x7e]*$/.test(message);

/**
 * One zod issue as a Japanese sentence. `value` is what the file holds at the issue's path
 * (undefined when the field is missing).
 */
export function japaneseIssueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  if (!isDefaultMessage(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) return '必須の項目です (書かれていません)';
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return `${expected}で書きます (書かれている値: ${describeValue(value)})`;
    }
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? '空文字は使えません' : `${issue.minimum} 文字以上で書きます`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${issue.minimum} 個以上必要です`;
      return `${issue.minimum} ${issue.inclusive ? '以上' : 'より大きい値'}で書きます (書かれている値: ${describeValue(value)})`;
    case 'too_big':
      if (issue.origin === 'string') return `${issue.maximum} 文字までです (${String(value ?? '').length} 文字あります)`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${issue.maximum} 個までです`;
      return `${issue.maximum} ${issue.inclusive ? '以下' : '未満'}で書きます (書かれている値: ${describeValue(value)})`;
    case 'invalid_format':
      if (issue.format === 'url') return `URL (https://…) の形ではありません: ${describeValue(value)}`;
      if (issue.format === 'email') return `メールアドレスの形ではありません: ${describeValue(value)}`;
      if (issue.format === 'regex') return `書き方が決まった形になっていません: ${describeValue(value)}`;
      return `${issue.format} の形ではありません: ${describeValue(value)}`;
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      const list = values.length > 12 ? values.slice(0, 12).join(' / ') + ' …' : values.join(' / ');
      return `次のどれかです: ${list} (書かれている値: ${describeValue(value)})`;
    }
    case 'unrecognized_keys':
      return `未知の項目です: ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return `書き方が合いません (書かれている値: ${describeValue(value)})`;
    case 'not_multiple_of':
      return `${issue.divisor} の倍数で書きます`;
    default:
      return `値が正しくありません (${issue.code})`;
  }
}

/** The line where the quote or bracket that never closed was opened, searching back from `line`. */
function openingLine(lines: string[], line: number, opener: RegExp): number | undefined {
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) if (opener.test(lines[i]!)) return i + 1;
  return undefined;
}

/**
 * A YAML syntax error: the line to fix (the yaml parser often notices an unclosed quote or
 * bracket only at the end of the file) and what is wrong, in Japanese.
 */
export function yamlSyntaxProblem(text: string, error: YAMLError, counter: LineCounter): { line: number; message: string } {
  const at = counter.linePos(error.pos[0]).line;
  const lines = text.split('\n');
  const say = (message: string, line = at) => ({ line, message: `YAML の構文エラー: ${message}` });
  switch (error.code) {
    case 'MISSING_CHAR': {
      const quote = /"/.test(error.message) && !/'quote/.test(error.message) ? '"' : /'/.test(error.message) ? "'" : undefined;
      if (quote) {
        // A value opened with the quote on its line and not closed there.
        const opened = openingLine(lines, at, new RegExp(`(?:^|[:\\-\\[,{]\\s*)${quote}[^${quote}]*$`));
        return say(`閉じる ${quote} がありません (この行で始まった ${quote} が閉じられていません)`, opened ?? at);
      }
      // Said of a line indented one space too few or too many (the walk-through read
      // 「閉じる記号がありません」 and looked for a bracket).
      if (/Sequence item without - indicator/.test(error.message)) return say('字下げがそろっていないか、リストの項目に「- 」がありません (項目は「- 」で始め、その中の項目は同じ数の空白で字下げします)');
      if (/Implicit map keys need to be followed by map values/.test(error.message)) return say('「項目: 値」の「:」がないか、字下げがそろっていません');
      return say(`閉じる記号がありません (${error.message.split('\n')[0]})`);
    }
    case 'BAD_INDENT':
      if (/Flow sequence|Flow map|\]|\}/.test(error.message)) {
        const opened = openingLine(lines, at - 1, /[[{][^\]}]*$/);
        return say('[ または { が閉じられていません', opened ?? at);
      }
      return say('字下げがそろっていません (同じ階層の項目は同じ数の空白で始めます)');
    case 'DUPLICATE_KEY':
      return say('同じ項目が 2 回書かれています');
    case 'TAB_AS_INDENT':
      return say('字下げにタブは使えません (空白で字下げします)');
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BLOCK_AS_IMPLICIT_KEY':
      return say('「項目: 値」の形になっていません (「:」の後の空白の抜け、または次の行の字下げを確認してください)');
    case 'UNEXPECTED_TOKEN':
      if (/^\s*\t/.test(lines[at - 1] ?? '')) return say('字下げにタブは使えません (空白で字下げします)');
      return say(`この位置に書けない記号・文字があります (${error.message.split('\n')[0]})`);
    default:
      return say(`${error.message.split('\n')[0]} (${error.code})`);
  }
}
