import { hostname } from 'node:os';
import { eventsTopic, instanceGroup, kafkaGroup } from './topics';

describe('topic and group names', () => {
  it('are unchanged without REGISTER_KAFKA_NAMESPACE', () => {
    expect([eventsTopic('personnel', {}), kafkaGroup('personnel.branch-sync', {})]).toEqual(['register.personnel.events', 'personnel.branch-sync']);
  });

  it('carry the namespace when it is set, so runs sharing a broker keep apart', () => {
    const env = { REGISTER_KAFKA_NAMESPACE: 'faults-1a2b' };
    expect([eventsTopic('personnel', env), kafkaGroup('personnel.branch-sync', env)]).toEqual(['register.faults-1a2b.personnel.events', 'faults-1a2b.personnel.branch-sync']);
  });

  it('refuse a namespace that would make a bad topic name', () => {
    expect(() => eventsTopic('personnel', { REGISTER_KAFKA_NAMESPACE: 'a b' })).toThrow(/REGISTER_KAFKA_NAMESPACE/);
  });

  it('give an in-memory group one name per instance, host and port (else process id) standing for an instance id not given', () => {
    const host = hostname().replace(/[^A-Za-z0-9_-]/g, '_');
    expect(instanceGroup('personnel.branch-sync', { REGISTER_INSTANCE_ID: 'personnel-1' })).toBe('personnel.branch-sync.personnel-1');
    expect(instanceGroup('personnel.branch-sync', { REGISTER_INSTANCE_ID: 'host.1#42' })).toBe('personnel.branch-sync.host_1_42');
    expect(instanceGroup('personnel.branch-sync', { PORT: '3101' })).toBe(`personnel.branch-sync.${host}-3101`);
    expect(instanceGroup('personnel.branch-sync', { PORT: '3111' })).not.toBe(instanceGroup('personnel.branch-sync', { PORT: '3101' }));
    expect(instanceGroup('personnel.branch-sync', {})).toBe(`personnel.branch-sync.${host}-pid${process.pid}`);
  });
});
