import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';

/** A read of today's read model (`minPosition`: wait until it has caught up with a command's position). */
export class ReadModelQuery {
  @ApiPropertyOptional({ description: 'Wait (briefly) until the read model has applied the log up to this position: the `position` a command answered; 503 if it does not catch up in time', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minPosition?: number;
}

/** Today from the read model (`minPosition`), or history (`asOf`, rebuilt from the log). */
export class ReadModelOrHistoryQuery extends ReadModelQuery {
  @ApiPropertyOptional({ description: 'A date (YYYY-MM-DD: what was in force that day) or an instant (what had been recorded by then); rebuilt from the log' })
  @IsOptional()
  asOf?: string;
}
