import { Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config';
import { AUTH_THROTTLER } from './rate-limiter';
import { MemoryThrottlerStorage } from './memory-throttler-storage';
import { RedisThrottlerStorage } from './redis-throttler-storage';

@Injectable()
class RateLimitStorageLifecycle implements OnApplicationShutdown {
  constructor(@InjectThrottlerStorage() private readonly storage: ThrottlerStorage) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.storage instanceof RedisThrottlerStorage) await this.storage.close();
  }
}

/**
 * @nestjs/throttler's storage on Redis when REDIS_URL is set (shared by replicas), else in
 * memory; RateLimiter draws on it with the configured budgets.
 */
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
            // Declared for the module's sake; RateLimiter reads the budgets from the config.
            { name: 'default', ttl: windowMs, limit: anonymous },
            { name: AUTH_THROTTLER, ttl: windowMs, limit: auth },
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
