import { runService } from '@register/service-kit';
import { GatewayModule } from './gateway.module';
import { GatewayProxyModule } from './proxy/proxy.module';
import { REPORT_WAKE } from './reports/summary/report-wake.consumer';

// GatewayModule's own routes (audit, reports) first; everything else goes on to the owning service.
// Its one consumer group hears the services' topics, so that the reporting read model reads their logs at once.
void runService('gateway', [GatewayModule, GatewayProxyModule], 3000, REPORT_WAKE);
