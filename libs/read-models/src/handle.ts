import { RecordedEvent } from '@register/event-sourcing';
import { AnyProjection, checkOperation, Operation, Operations, ProjectionError, ProjectionReader } from './projection';
import { oneWritePerDocument } from './same-document';

/**
 * An event's operations as a copy will apply them: the handler's answer, checked (checkOperation)
 * and folded to one write per document (same-document.ts). `undefined`: no handler for the type.
 * A promise only when the handler or a read returned one, so that synchronous handlers cost no
 * microtask. Failures are ProjectionErrors naming the event.
 */
export function operationsOf(projection: AnyProjection, event: RecordedEvent, reader: ProjectionReader): readonly Operation[] | Promise<readonly Operation[]> | undefined {
  const handler = projection.handlerFor(event.type);
  if (!handler) return undefined;
  const failed = (error: unknown): never => {
    throw error instanceof ProjectionError ? error : new ProjectionError(projection.name, event, (error as Error).message);
  };
  // the handler's answer, checked: the same step whether the handler answered at once or later
  const finish = (ops: Operations): readonly Operation[] | Promise<readonly Operation[]> => {
    try {
      const list = checked(projection, event, ops, reader);
      return Array.isArray(list) ? list : (list as Promise<Operation[]>).catch(failed);
    } catch (error) {
      return failed(error);
    }
  };
  let result: Operations | Promise<Operations>;
  try {
    result = handler(event, reader);
  } catch (error) {
    return failed(error);
  }
  return result && typeof (result as Promise<unknown>).then === 'function' ? (result as Promise<Operations>).then(finish, failed) : finish(result as Operations);
}

function checked(projection: AnyProjection, event: RecordedEvent, ops: Operations, reader: ProjectionReader): Operation[] | Promise<Operation[]> {
  const list = Array.isArray(ops) ? (ops as readonly Operation[]) : ops ? [ops as Operation] : [];
  for (const operation of list) {
    const problem = checkOperation(projection, operation);
    if (problem) throw new ProjectionError(projection.name, event, problem);
  }
  return oneWritePerDocument(list, event.position, (collection, id) => reader.read(collection, id));
}
