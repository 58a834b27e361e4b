import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/util/rate-limiter.ts';

describe('RateLimiter', () => {
  it('lets one occurrence per key through per interval and counts the ones it held back', () => {
    const limiter = new RateLimiter(1000);
    expect(limiter.allow('a', 0)).toBe(0);
    expect(limiter.allow('a', 10)).toBeNull();
    expect(limiter.allow('b', 10)).toBe(0);
    expect(limiter.allow('a', 999)).toBeNull();
    expect(limiter.allow('a', 1000)).toBe(2);
    expect(limiter.allow('a', 1001)).toBeNull();
  });

  it('remembers a bounded number of keys, forgetting the oldest', () => {
    const limiter = new RateLimiter(1000, 2);
    limiter.allow('a', 0);
    limiter.allow('b', 0);
    limiter.allow('c', 0); // forgets a
    expect(limiter.allow('a', 1)).toBe(0);
    expect(limiter.allow('c', 1)).toBeNull();
  });
});
