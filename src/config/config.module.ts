import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { validateEnvironment } from './environment';
import { envFilePaths } from './env-files';

@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      // Profiles: .env.<NODE_ENV> then .env; real environment variables win over both.
      envFilePath: envFilePaths(process.env.NODE_ENV),
      validate: validateEnvironment,
      cache: true,
    }),
  ],
  providers: [AppConfig],
  exports: [AppConfig],
})
export class AppConfigModule {}
