import { Global, Injectable, Module } from '@nestjs/common';
import { calendarDayOf } from '@register/event-sourcing';

/**
 * The register's one reading of the time: what "now" and "today" are for reads that answer the
 * present (a change whose effective date is after today is pending) and for commands without an
 * effective date. Injected, so that a test (or a demonstration) can move the day instead of waiting
 * for it. Days are the register's calendar days (REGISTER_TIME_ZONE, UTC unless set).
 */
@Injectable()
export class Clock {
  private fixed?: Date;

  now(): Date {
    return this.fixed ? new Date(this.fixed.getTime()) : new Date();
  }

  /** Today as YYYY-MM-DD, in the register's time zone (calendarDayOf). */
  today(): string {
    return calendarDayOf(this.now());
  }

  /** Holds the clock at this instant or day (`YYYY-MM-DD`: its start); without an argument, back to the system's time. */
  setTo(at?: Date | string): void {
    this.fixed = at === undefined ? undefined : typeof at === 'string' ? new Date(at.length === 10 ? `${at}T00:00:00Z` : at) : at;
  }
}

/** One Clock for the whole application: every service module imports it, Nest makes it once. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
