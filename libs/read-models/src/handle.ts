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
  const failed = (error: unknown) => {
    throw error instanceof ProjectionError ? error : new ProjectionError(projection.name, event, (error as Error).message);
  };
  try {
    const result = handler(event, reader);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      return (result as Promise<Operations>).then((ops) => {
        const list = checked(projection, event, ops, reader);
        return Array.isArray(list) ? list : list.catch(failed);
      }, failed);
    }
    const ops = checked(projection, event, result as Operations, reader);
    return Array.isArray(ops) ? ops : (ops as Promise<Operation[]>).catch(failed);
  } catch (error) {
    return failed(error);
  }
}

function checked(projection: AnyProjection, event: RecordedEvent, ops: Operations, reader: ProjectionReader): Operation[] | Promise<Operation[]> {
  const list = Array.isArray(ops) ? (ops as readonly Operation[]) : ops ? [ops as Operation] : [];
  for (const operation of list) {
    const problem = checkOperation(projection, operation);
    if (problem) throw new ProjectionError(projection.name, event, problem);
  }
  return oneWritePerDocument(list, event.position, (collection, id) => reader.read(collection, id));
}
