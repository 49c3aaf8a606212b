import { Controller, Get, HttpStatus, Injectable, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { startDefaultMetrics } from './metrics';

/** A dependency the process needs to serve (event log, broker, read store): checked for readiness. */
export type ReadinessCheck = () => Promise<void>;

@Injectable()
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  add(name: string, check: ReadinessCheck) {
    this.checks.set(name, check);
  }

  async report(): Promise<{ ready: boolean; dependencies: Record<string, string> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          return [name, 'up'] as const;
        } catch (error) {
          return [name, `down: ${(error as Error).message}`] as const;
        }
      }),
    );
    return { ready: entries.every(([, s]) => s === 'up'), dependencies: Object.fromEntries(entries) };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}

/**
 * Liveness and readiness, public on the API's port (probes carry no credentials). The metrics are
 * not here: they are served on a port of their own (METRICS_PORT, metrics.ts).
 */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(private readonly readiness: Readiness) {
    startDefaultMetrics();
  }

  @Get('health/live')
  live() {
    return { status: 'up' };
  }

  @Get('health/ready')
  async ready(@Res() reply: { status(n: number): { send(b: unknown): void } }) {
    const report = await this.readiness.report();
    reply.status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send(report);
  }
}
