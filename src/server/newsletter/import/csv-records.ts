/**
 * CSV as RFC 4180 writes it, read leniently where real exports stray from it: fields
 * split by commas, records by CRLF (or a bare LF or CR), double quotes around fields
 * that hold commas, quotes or line breaks, and `""` for a quote inside them. A byte
 * order mark at the start (Excel, Mailchimp) is dropped. Pure: text in, records out.
 */

export interface CsvRecord {
  /** The line of the file the record starts on, from 1; a quoted line break makes records span lines. */
  line: number;
  fields: string[];
}

export type CsvReading = { ok: true; records: CsvRecord[] } | { ok: false; error: string };

export function readCsvRecords(text: string): CsvReading {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let quoteOpenedOn = 0;

  const endRecord = () => {
    fields.push(field);
    // A blank line is no record: exports often end with one, editors leave them between rows.
    if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };

  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if (quoted) {
      if (char === '"') {
        if (source[index + 1] === '"') {
          field += '"';
          index++;
        } else {
          quoted = false;
        }
      } else {
        if (char === '\n' || (char === '\r' && source[index + 1] !== '\n')) line++;
        field += char;
      }
      continue;
    }
    if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && source[index + 1] === '\n') index++;
      endRecord();
      line++;
      recordLine = line;
    } else if (char === '"' && field === '') {
      quoted = true;
      quoteOpenedOn = line;
    } else {
      // A quote inside an unquoted field, or text after a closing quote: kept as written.
      field += char;
    }
  }
  if (quoted) return { ok: false, error: `line ${quoteOpenedOn}: a quoted field opens here and is never closed (a " is missing).` };
  if (field !== '' || fields.length > 0) endRecord();
  return { ok: true, records };
}
