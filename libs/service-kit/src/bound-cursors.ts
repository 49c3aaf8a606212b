import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { canonicalJson } from '@register/event-sourcing';
import { map, type Observable } from 'rxjs';
import { SealedCursors } from './sealed-cursors';

/** What a page's cursor does not bind: which page, how long, and how long to wait for it. */
const UNBOUND = new Set(['cursor', 'limit', 'minPosition']);

/** The list a GET asks for: its path and every query parameter but those of the page (UNBOUND). */
export function listOf(path: string, query: Record<string, unknown> | undefined): string {
  const asked = Object.entries(query ?? {}).filter(([name]) => !UNBOUND.has(name));
  return `${path} ${canonicalJson(Object.fromEntries(asked))}`;
}

type ListRequest = { method?: string; query?: Record<string, unknown>; url?: string };
type ListReply = { getHeader?(name: string): unknown; header(name: string, value: string): unknown };

/**
 * Every list's cursor is sealed and bound to its list (the path and the query but its page): a
 * cursor of one list given to another, or altered by a byte, is 400 `cursor`, as one made up is. A
 * probe reused a branch list's cursor with another `parentUnitId` and got a short list with no next
 * page, and a cursor edited by a byte a page starting one item early (they were plain base64). The
 * controller sees the cursor it made; its answer's `nextCursor` (JSON) or `Next-Cursor` (CSV) is
 * sealed on the way out.
 */
@Injectable()
export class BoundCursorsInterceptor implements NestInterceptor {
  constructor(private readonly cursors: SealedCursors) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<ListRequest>();
    if (request.method !== 'GET' && request.method !== 'HEAD') return next.handle();
    // The path as asked (a member's id in it: their read log's cursor is not another member's); drawn
    // only for a read that gives or gets a cursor, not for every GET.
    let drawn: string | undefined;
    const bound = () => (drawn ??= listOf(request.url?.split('?')[0] ?? '', request.query));
    const given = request.query?.cursor;
    if (typeof given === 'string' && given !== '') request.query!.cursor = this.cursors.open(given, bound());
    const reply = http.getResponse<ListReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const header = reply.getHeader?.('next-cursor');
        if (typeof header === 'string' && header !== '') reply.header('next-cursor', this.cursors.seal(header, bound())!);
        const cursor = (body as { nextCursor?: unknown } | null)?.nextCursor;
        return typeof cursor === 'string' && cursor !== '' ? { ...(body as object), nextCursor: this.cursors.seal(cursor, bound()) } : body;
      }),
    );
  }
}
