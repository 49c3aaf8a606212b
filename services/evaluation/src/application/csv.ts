/** Lists answer `Accept: text/csv` too: service-kit's one CSV (UTF-8 with a BOM, formulas defused; docs/member-imports.md). */
export { CSV_CONTENT_TYPE as CSV_TYPE, toCsv, wantsCsv } from '@register/service-kit';
