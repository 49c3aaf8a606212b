import { runService } from '@register/service-kit';
import { GatewayModule } from './gateway.module';

void runService('gateway', [GatewayModule], 3000);
