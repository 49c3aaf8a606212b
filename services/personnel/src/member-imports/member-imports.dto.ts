import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsRegisterId } from '@register/service-kit';

/** POST /member-imports?unitId=: the unit whose subtree the rows are admitted into (the caller's scope is checked on it). */
export class MemberImportQuery {
  @ApiPropertyOptional({
    description:
      "The unit whose subtree the import admits into: each row's branch (an id, or a name) is looked for there. " +
      'Left out (api.md names no unit): the root, the whole register, which only a caller of the whole register may import into (a scoped officer gives their unit: 403 otherwise)',
  })
  @IsOptional()
  @IsRegisterId()
  unitId?: string;
}

/** The multipart form of POST /member-imports, as the OpenAPI document shows it. */
export const MEMBER_IMPORT_FORM = {
  schema: {
    type: 'object',
    required: ['file', 'reason'],
    properties: {
      file: { type: 'string', format: 'binary', description: '.xlsx (first sheet) or .csv (UTF-8), at most 5 MB and 10,000 rows; the first row names the columns' },
      reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Why these members are admitted; recorded with each admission' },
      decisionRef: { type: 'string', description: 'The decision that authorises these admissions, as JSON text: {"number": "125-QĐ/ĐTN", "issuedBy"?: "…", "date"?: "YYYY-MM-DD"}; recorded with each admission' },
      dryRun: { type: 'string', enum: ['true', 'false'], description: "true: each row's verdict, nothing admitted" },
    },
  },
};
