import { ConsoleLogger } from '@nestjs/common';
import { NEST_EXCEPTION_HANDLER } from '../infrastructure/lifecycle/startup-failure';

/** Nest's console logger without its stack-traced copy of a failed start: main.ts reports it plainly. */
export class CliLogger extends ConsoleLogger {
  override error(message: unknown, ...rest: unknown[]): void {
    if (rest.at(-1) === NEST_EXCEPTION_HANDLER) return;
    super.error(message, ...rest);
  }
}
