import { applyDecorators, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { BatchAnswerDoc } from './batch-answer.doc';

/**
 * A batch's list of items: each validated as its class says, at least one, at most `max` (the
 * gateway caps the same list before it authorises the items: TARGET_LIST_LIMITS).
 */
export function BatchItems(item: new () => object, max: number, description: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: [item], minItems: 1, maxItems: max, description }),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(max),
    ValidateNested({ each: true }),
    Type(() => item),
  );
}

/** The operation that takes a batch: POST, answered 200 with each item's outcome in order (batchAnswer). */
export function BatchEndpoint(summary: string): MethodDecorator {
  return applyDecorators(Post(), HttpCode(200), ApiOkResponse({ type: BatchAnswerDoc, description: "Each item's outcome, in order" }), ApiOperation({ summary }));
}
