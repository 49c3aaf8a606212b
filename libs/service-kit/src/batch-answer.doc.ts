import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One item of a batch's answer, for the OpenAPI document (the answer itself: BatchAnswer). */
export class BatchItemAnswerDoc {
  @ApiProperty({ description: "The item's place in the request, from 0" })
  index!: number;

  @ApiProperty({ description: '201: recorded (or recorded before, `duplicate`); else the status its single command would have answered' })
  status!: number;

  @ApiPropertyOptional({ description: 'The entity the item is about (the member, the rating); absent on a refused admission that gave no id: the register made none for a member not admitted' })
  id?: string;

  @ApiPropertyOptional({ description: 'Recorded: the entity\'s revision after it (its ETag)' })
  revision?: number;

  @ApiPropertyOptional({ description: 'Recorded: the global log position of its events' })
  position?: number;

  @ApiPropertyOptional({ description: 'Recorded by an earlier request with the same Idempotency-Key' })
  duplicate?: boolean;

  @ApiPropertyOptional({ description: "Refused: the problem's type (RFC 9457), as its single command's" })
  type?: string;

  @ApiPropertyOptional({ description: "Refused: the problem's title" })
  title?: string;

  @ApiPropertyOptional({ description: 'Refused: the rule that refused it; the problem\'s other members (as its single command\'s) beside it' })
  rule?: string;

  @ApiPropertyOptional({ description: 'Refused: why, in words' })
  detail?: string;
}

/** A batch's answer, for the OpenAPI document. */
export class BatchAnswerDoc {
  @ApiProperty({ description: 'Items that recorded a change (now or by an earlier request with the same key)' })
  recorded!: number;

  @ApiProperty({ description: 'Items that stood (201) and recorded nothing: what they asked for was so already' })
  unchanged!: number;

  @ApiProperty({ description: 'Items refused' })
  refused!: number;

  @ApiProperty({ description: "The highest position written (an item that recorded nothing answers the log's head); pass it as minPosition to read every item back" })
  position!: number;

  @ApiProperty({ type: [BatchItemAnswerDoc], description: "Each item's outcome, in the request's order" })
  items!: BatchItemAnswerDoc[];
}
