import { ValidateBy } from 'class-validator';

/**
 * A range runs forwards: its end (the decorated property) before its start (`from`) is no range, and
 * answering it empty (200) would tell an auditor the log holds nothing there. 400, rule from-after-to.
 * `order` maps a value to what is compared (a position, an instant's time); undefined compares nothing.
 */
export const RunsForwards = (from: string, order: (value: unknown) => number | undefined) =>
  ValidateBy({
    name: 'from-after-to',
    validator: {
      validate: (to, args) => {
        const [start, end] = [order((args?.object as Record<string, unknown> | undefined)?.[from]), order(to)];
        return start === undefined || end === undefined || start <= end;
      },
      defaultMessage: (args) => `${args?.property} (${args?.value}) must not be before ${from} (${(args?.object as Record<string, unknown>)[from]})`,
    },
  });
