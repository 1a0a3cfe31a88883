import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, VERSION_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ACCESS_RULE, type AccessRule } from '../../src/common/auth/access-rule';

/** One controller route of the application, with the access rule its decorators set. */
export interface ControllerRoute {
  method: string;
  url: string;
  handler: string;
  rule: AccessRule | undefined;
}

const join = (...parts: Array<string | undefined>) =>
  `/${parts
    .filter((part): part is string => !!part)
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part.length > 0)
    .join('/')}`;

/** Every handler of every controller Nest knows, as Fastify will serve it (URI versioning). */
export function controllerRoutes(app: NestFastifyApplication): ControllerRoute[] {
  const routes: ControllerRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const basePaths = [
        Reflect.getMetadata(PATH_METADATA, controller) as string | string[],
      ].flat();
      const classVersion = Reflect.getMetadata(VERSION_METADATA, controller) as string | undefined;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const version =
          (Reflect.getMetadata(VERSION_METADATA, handler) as string | undefined) ?? classVersion;
        const rule =
          (Reflect.getMetadata(ACCESS_RULE, handler) as AccessRule | undefined) ??
          (Reflect.getMetadata(ACCESS_RULE, controller) as AccessRule | undefined);
        for (const base of basePaths) {
          for (const path of [paths].flat()) {
            routes.push({
              method,
              url: join(version ? `v${version}` : undefined, base, path),
              handler: `${controller.name}.${name}`,
              rule,
            });
          }
        }
      }
    }
  }
  return routes;
}

/** A concrete URL for a route pattern (any value will do: guards run before parameter pipes). */
export function exampleUrl(pattern: string): string {
  return pattern.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000001');
}
