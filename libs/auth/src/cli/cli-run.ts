import { join } from 'node:path';
import { rolesOfAction } from '../route-policies';

/** Where a command-line tool writes, so that its specs can read what it printed. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export interface CliCall {
  argv: string[];
  env: NodeJS.ProcessEnv;
  output: CliOutput;
}

/** A tool's whole run: what it prints goes to call.output, the answer is its exit code. */
export type CliCommand = (call: CliCall) => Promise<number>;

/** Thrown by a tool for arguments it cannot use; printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** The data folder a server started with the same environment uses (loadConfig's rule): DATA_DIR, else ./data. */
export const cliDataDir = (env: NodeJS.ProcessEnv) => env.DATA_DIR ?? join(process.cwd(), 'data');

/**
 * A tool that prints its usage for --help or -h (exit 0), a mistake in the arguments (an unknown
 * option, a bad --ttl) as one line and the usage (exit 2), and any other failure as its message
 * (exit 1): never a stack trace.
 */
export function withUsage(usage: string, run: CliCommand): CliCommand {
  return async (call) => {
    if (call.argv.includes('--help') || call.argv.includes('-h')) {
      call.output.out(usage);
      return 0;
    }
    try {
      return await run(call);
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      if (!isArgumentError(e)) {
        call.output.err(message);
        return 1;
      }
      call.output.err(`${message}\n${usage}`);
      return 2;
    }
  };
}

/**
 * node:util parseArgs's own refusals (ERR_PARSE_ARGS_*) and parseTtl's are mistakes in the
 * arguments. Read by their fields: node's errors need not be instances of this realm's Error.
 */
const isArgumentError = (e: unknown) => {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  return e instanceof UsageError || String(code).startsWith('ERR_PARSE_ARGS') || String(message).startsWith('--');
};

/** Runs a tool with this process's arguments and environment, and exits with its code. */
export function runCli(command: CliCommand) {
  const output: CliOutput = { out: (t) => process.stdout.write(t + '\n'), err: (t) => process.stderr.write(t + '\n') };
  void command({ argv: process.argv.slice(2), env: process.env, output }).then((code) => process.exit(code));
}

/**
 * A credential whose scope does not fit its roles is refused when it is made, not found useless
 * (or wider than meant) at its first request: a unit officer needs a unit, a branch secretary a
 * branch; a central administrator or an auditor reads everywhere, so a scope given them would be ignored.
 */
export function checkScopeOfRoles(roles: string[], scope: { unit?: string; branch?: string }): void {
  if (roles.includes('unit-officer') && !scope.unit) throw new UsageError('--role unit-officer needs --scope-unit');
  if (roles.includes('branch-secretary') && !scope.branch) throw new UsageError('--role branch-secretary needs --scope-branch');
  if (scope.branch && !scope.unit && roles.includes('system-integrator')) throw new UsageError('--role system-integrator is scoped by --scope-unit, not --scope-branch (a branch alone would leave it unscoped)');
  if ((scope.unit || scope.branch) && roles.every((r) => r === 'central-admin' || r === 'auditor')) throw new UsageError(`--role ${roles.join(',')} reads and acts everywhere: it takes no --scope-unit or --scope-branch`);
}

/** `--allow` names actions of the route table: an unknown one would give a key or token that can never use it. */
export function checkAllowed(allow: string[] | undefined, known: readonly string[]): void {
  const unknown = (allow ?? []).filter((a) => !known.includes(a));
  if (unknown.length) throw new UsageError(`unknown --allow action(s): ${unknown.join(', ')}; the actions are: ${known.join(', ')}`);
}

/** An --allow action none of the key's roles may perform would make a credential refused it every time (403): refused when made. */
export function checkActionsOfRoles(allow: string[], roles: string[]): void {
  const unusable = allow.filter((action) => {
    const may = rolesOfAction(action);
    return may !== 'any' && !roles.some((r) => (may as string[]).includes(r));
  });
  if (unusable.length) {
    throw new UsageError(`--allow ${unusable.join(', ')}: no route lets a ${roles.join(', ')} caller do ${unusable.length > 1 ? 'them' : 'it'} (${unusable.map((a) => `${a}: ${(rolesOfAction(a) as string[]).join(', ')}`).join('; ')})`);
  }
}
