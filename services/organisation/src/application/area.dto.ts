import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { AREA_KINDS, AreaKind } from '@register/contracts';
import { IsRegisterName } from '@register/service-kit';

/** A residential area (thôn, bản, tổ dân phố…) as a request gives it: a branch's, a merger's or a split's successor's. */
export class AreaDto {
  @ApiProperty({ enum: AREA_KINDS, description: 'thôn → hamlet, bản → village, tổ dân phố → residential-group …' })
  @IsIn(AREA_KINDS)
  kind!: AreaKind;

  @ApiProperty({ example: 'Thông Thụ' })
  @IsRegisterName()
  name!: string;
}
