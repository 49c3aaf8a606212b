import { HttpException } from '@nestjs/common';
import { ValidationFailed } from '@register/service-kit';
import { GatewayRequest, refuseUnsafeBody } from './request-rules';

const post = (headers: Record<string, string>, body?: unknown): GatewayRequest => ({ method: 'POST', url: '/api/v1/audit/verifications', headers, body });
const statusOf = (request: GatewayRequest, policy = {}) => {
  try {
    refuseUnsafeBody(request, policy);
    return 'accepted';
  } catch (error) {
    return error instanceof ValidationFailed ? 400 : (error as HttpException).getStatus();
  }
};

describe('a command\'s body at the gateway', () => {
  it('a command that takes no required input runs on an empty POST (no body, or an empty JSON one) as on {}', () => {
    const bare = post({});
    expect(statusOf(bare, { bodyOptional: true })).toBe('accepted');
    expect(bare.body).toEqual({});
    const empty = post({ 'content-type': 'application/json' });
    expect(statusOf(empty, { bodyOptional: true })).toBe('accepted');
    expect(empty.body).toEqual({});
    // a body it cannot read is still refused
    expect(statusOf(post({ 'content-type': 'text/plain' }, 'services'), { bodyOptional: true })).toBe(415);
    expect(statusOf(post({ 'content-type': 'application/json' }, { constructor: { prototype: {} } }), { bodyOptional: true })).toBe(400);
  });

  it('any other command still needs a JSON object: 415 without a content type, 400 for an empty JSON body', () => {
    expect(statusOf(post({}))).toBe(415);
    expect(statusOf(post({ 'content-type': 'application/json' }))).toBe(400);
    expect(statusOf(post({ 'content-type': 'application/json' }, [1]))).toBe(400);
    expect(statusOf(post({ 'content-type': 'application/json' }, { reason: 'x' }))).toBe('accepted');
  });
});
