import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { CacheStore } from './cache-store';
import { MemoryCacheStore } from './memory-cache-store';
import { RedisCacheStore } from './redis-cache-store';

@Injectable()
class CacheLifecycle implements OnApplicationShutdown {
  constructor(private readonly cache: CacheStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: CacheStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.redisUrl
          ? new RedisCacheStore(config.redisUrl, `${config.queuePrefix}:cache:`)
          : new MemoryCacheStore(),
    },
    CacheLifecycle,
  ],
  exports: [CacheStore],
})
export class CacheModule {}
