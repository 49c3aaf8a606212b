import { uniqueName } from './servers';

/**
 * Import first in a suite whose consumers must read this run's topics only. A consumer names its
 * topic when its module loads (@EventPattern(eventsTopic(...))), and shared helpers load every
 * service's module, so the namespace must be set before any of them: worker-env.ts's per-worker
 * namespace is shared by every run of every suite in that worker, and an in-memory group reads its
 * topics from their beginning, other runs' events with the same ids included.
 */
export const workerKafkaNamespace = process.env.REGISTER_KAFKA_NAMESPACE;
export const runKafkaNamespace = uniqueName('run').replace(/_/g, '');
process.env.REGISTER_KAFKA_NAMESPACE = runKafkaNamespace;
