import { runService } from '@register/service-kit';
import { GatewayModule } from './gateway.module';
import { GatewayProxyModule } from './proxy/proxy.module';

// GatewayModule's own routes (audit) first; everything else goes on to the owning service.
void runService('gateway', [GatewayModule, GatewayProxyModule], 3000);
