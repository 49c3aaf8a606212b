import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter logs a handler's error and replaces it with "Internal server error".
 * For event consumers we want the real error to reach the transport, which retries the message
 * and then writes that error into the dead letter. Install it on the consumer (micro)service only.
 */
@Catch()
export class KeepHandlerErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
