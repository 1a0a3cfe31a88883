import { Injectable, Logger, Module, OnApplicationShutdown, SetMetadata } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { AUTH_THROTTLER } from './rate-limit.guard';
import { MemoryThrottlerStorage } from './memory-throttler-storage';
import { RedisThrottlerStorage } from './redis-throttler-storage';

const AUTH_RATE_LIMITED = 'oracxpred:auth-rate-limited';

/** Sign-in, registration and refresh: also limited by the tighter per-address `auth` budget. */
export const AuthRateLimit = () => SetMetadata(AUTH_RATE_LIMITED, true);

const isAuthRoute = (context: ExecutionContext) =>
  Reflect.getMetadata(AUTH_RATE_LIMITED, context.getHandler()) === true;

@Injectable()
class RateLimitStorageLifecycle implements OnApplicationShutdown {
  constructor(@InjectThrottlerStorage() private readonly storage: ThrottlerStorage) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.storage instanceof RedisThrottlerStorage) await this.storage.close();
  }
}

/** @nestjs/throttler on Redis when REDIS_URL is set (shared by replicas), else in memory. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const { windowMs, anonymous, auth } = config.rateLimits;
        const redisUrl = config.redisUrl;
        new Logger('RateLimits').log(
          redisUrl
            ? 'rate limits shared through Redis'
            : 'REDIS_URL not set: rate limits per process',
        );
        return {
          throttlers: [
            // The limit here is the anonymous one; RateLimitGuard picks the caller's own.
            { name: 'default', ttl: windowMs, limit: anonymous },
            { name: AUTH_THROTTLER, ttl: windowMs, limit: auth, skipIf: (c) => !isAuthRoute(c) },
          ],
          storage: redisUrl
            ? new RedisThrottlerStorage(redisUrl, `${config.queuePrefix}:ratelimit:`)
            : new MemoryThrottlerStorage(),
        };
      },
    }),
  ],
  providers: [RateLimitStorageLifecycle],
  exports: [ThrottlerModule],
})
export class RateLimitModule {}
