import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { InvalidField, ProblemDetails } from '../problem/problem-details';

/** Swagger UI at /docs, the OpenAPI document at /docs-json. */
export function setUpSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('OracXPred API')
    .setDescription(
      'Football match data, market odds and probabilistic predictions. Errors are RFC 9457 ' +
        '`application/problem+json`; every response carries `X-Request-Id`.',
    )
    .setVersion('1')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDetails, InvalidField],
  });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
