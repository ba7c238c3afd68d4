// CSV as RFC 4180 describes it: fields separated by commas, records by CRLF (LF accepted),
// a field with a comma, quote or line break enclosed in double quotes, a quote inside one
// doubled (§2). Pure; used by the contacts import and export.

export class CsvError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

/** Records of fields. A UTF-8 byte order mark (Excel writes one) is dropped. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endField();
      if (record.some((f) => f !== '')) records.push(record);
      record = [];
      line++;
    } else field += c;
  }
  if (quoted) throw new CsvError(line, `A quoted field that starts before line ${line} never ends.`);
  endField();
  if (record.some((f) => f !== '')) records.push(record);
  return records;
}

/**
 * One field, quoted when it must be. A field that a spreadsheet would run as a formula
 * (= + - @ at the start, or a tab or CR) gets a leading apostrophe (OWASP "CSV Injection").
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Undoes csvField's apostrophe, so an exported file imports back unchanged. */
export function plainField(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

export function formatCsv(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
