import { Injectable } from '@nestjs/common';

/** One module's share of an account's data, for the account's export. */
export type PersonalDataSection = (userId: string) => Promise<unknown>;

/**
 * Other modules that store data about an account (webhooks, ...) register a section here, so
 * `GET /v1/me/export` returns everything without the auth module knowing those modules.
 * (Erasure needs no registry: their rows reference the account with ON DELETE CASCADE.)
 */
@Injectable()
export class PersonalDataRegistry {
  private readonly sections = new Map<string, PersonalDataSection>();

  register(name: string, section: PersonalDataSection): void {
    if (this.sections.has(name)) throw new Error(`personal data section ${name} registered twice`);
    this.sections.set(name, section);
  }

  async collect(userId: string): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
      [...this.sections].map(async ([name, section]) => [name, await section(userId)] as const),
    );
    return Object.fromEntries(entries);
  }
}
