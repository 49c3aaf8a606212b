import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, ValidateIf } from 'class-validator';
import { APPOINTMENT_METHODS, AppointmentMethod, OFFICER_ROLES, OFFICER_SOURCES, OfficerRole, OfficerSource, PERSONAL_DEPARTURE_CAUSES, PersonalDepartureCause } from '@register/contracts';
import { CommandRequest, IsCalendarDate, IsRegisterId, OneOf } from '@register/service-kit';

export class AppointOfficerRequest extends CommandRequest {
  @ApiProperty()
  @IsRegisterId()
  memberId!: string;

  @OneOf(OFFICER_ROLES)
  role!: OfficerRole;

  @ApiProperty({ enum: APPOINTMENT_METHODS, description: 'elected at a congress, appointed by the level above, or interim (lâm thời) until a congress' })
  @IsIn(APPOINTMENT_METHODS)
  method!: AppointmentMethod;

  @OneOf(OFFICER_SOURCES)
  source!: OfficerSource;

  @ApiProperty({ example: '2025-07-01' })
  @IsCalendarDate()
  startsOn!: string;

  @ApiPropertyOptional({ description: 'Interim officers: the congress is held by this date (at most 6 months on; 6 months when absent)' })
  @IsOptional()
  @IsCalendarDate()
  congressDeadline?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsCalendarDate()
  termEndsOn?: string;
}

export class DepartOfficerRequest extends CommandRequest {
  @ApiProperty()
  @IsRegisterId()
  memberId!: string;

  @ApiProperty({
    example: '2026-01-01',
    description: 'The first day without the post, the day after the last day in office: a secretary in post until 31 December 2025 ends on 2026-01-01. The post is held while the day is before it (tenure and vacancies count so).',
  })
  @IsCalendarDate()
  endsOn!: string;

  /** Asked at departure; a client that does not ask yet records `unknown`, which the turnover report counts apart. */
  @ApiPropertyOptional({ enum: PERSONAL_DEPARTURE_CAUSES, description: 'Why the officer leaves; `unknown` when absent' })
  // Absent is allowed; null or anything else off the list is refused (400).
  @ValidateIf((o: DepartOfficerRequest) => o.cause !== undefined)
  @IsIn(PERSONAL_DEPARTURE_CAUSES)
  cause?: PersonalDepartureCause;
}
