import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../../config/app-config';
import type { Principal } from '../../common/auth/principal';
import { type ApiKeyScope, scopesAllowedFor } from '../../common/auth/roles';
import {
  NotFoundProblem,
  UnauthorizedProblem,
  ValidationProblem,
} from '../../common/problem/problem.exception';
import { AuditService } from '../audit/audit.service';
import { ApiKey, User } from '../entities';
import type { RequestMeta } from '../http/request-meta';
import { hashToken, looksLikeOpaqueToken, newOpaqueToken } from '../tokens/opaque-token';
import { ApiKeyCache } from './api-key-cache';

export const API_KEY_PREFIX = 'oxk';
/** last_used_at is written at most this often per key (batched, off the request path). */
const TOUCH_INTERVAL_MS = 60_000;

export interface NewApiKey {
  name: string;
  scopes: ApiKeyScope[];
  expiresAt?: Date;
}

/** API keys: creation (secret shown once), listing, revocation, and per-request lookup. */
@Injectable()
export class ApiKeysService implements OnModuleDestroy {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly cache: ApiKeyCache;
  private readonly lastTouched = new Map<string, number>();
  private readonly pendingTouches = new Set<string>();
  private touchTimer?: NodeJS.Timeout;

  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {
    this.cache = new ApiKeyCache(config.apiKeyCacheMs);
  }

  async create(
    owner: Principal,
    input: NewApiKey,
    meta: RequestMeta,
  ): Promise<{ key: string; apiKey: ApiKey }> {
    const em = this.em.fork();
    // The token outlives an erased or disabled account by up to its TTL, and may carry a role
    // since taken away: the account as it is now decides (an erased one was a 500 here).
    const account = await em.findOne(User, owner.userId);
    if (!account || account.disabledAt) {
      throw new UnauthorizedProblem('this account no longer exists or is disabled');
    }
    const allowed = scopesAllowedFor(account.role);
    const refused = input.scopes.filter((scope) => !allowed.includes(scope));
    if (refused.length > 0) {
      throw new ValidationProblem([
        {
          field: 'scopes',
          reason: `a ${account.role} may not grant ${refused.join(', ')} (allowed: ${allowed.join(', ')})`,
        },
      ]);
    }
    const { token, hash } = newOpaqueToken(API_KEY_PREFIX);
    const apiKey = em.create(ApiKey, {
      user: account,
      name: input.name,
      prefix: token.slice(0, API_KEY_PREFIX.length + 9),
      keyHash: hash,
      scopes: [...new Set(input.scopes)],
      plan: this.config.apiKeyDefaultPlan,
      expiresAt: input.expiresAt ?? null,
    });
    await em.flush();
    await this.audit.record({
      action: 'apikey.create',
      actor: owner,
      target: { apiKeyId: apiKey.id },
      details: { scopes: apiKey.scopes, plan: apiKey.plan },
      meta,
    });
    return { key: token, apiKey };
  }

  list(userId: string): Promise<ApiKey[]> {
    return this.em.fork().getRepository(ApiKey).listOf(userId);
  }

  /** Revokes `keyId` if it belongs to `ownerId`; anybody else's key is a 404, like a missing one. */
  async revoke(ownerId: string, keyId: string, actor: Principal, meta: RequestMeta): Promise<void> {
    const revoked = await this.em.fork().getRepository(ApiKey).revoke(ownerId, keyId);
    if (!revoked) throw new NotFoundProblem('API key', keyId);
    this.cache.forget((principal) => principal.apiKeyId === keyId);
    await this.audit.record({
      action: 'apikey.revoke',
      actor,
      target: { apiKeyId: keyId, ownerId },
      meta,
    });
  }

  /** Sets a key's rate-limit plan (admins). */
  async setPlan(ownerId: string, keyId: string, plan: string): Promise<ApiKey> {
    if (!this.config.rateLimits.plans.has(plan)) {
      throw new ValidationProblem([
        {
          field: 'plan',
          reason: `plan must be one of ${[...this.config.rateLimits.plans.keys()].join(', ')}`,
        },
      ]);
    }
    const em = this.em.fork();
    const apiKey = await em.findOne(ApiKey, { id: keyId, user: ownerId });
    if (!apiKey) throw new NotFoundProblem('API key', keyId);
    apiKey.plan = plan;
    await em.flush();
    this.cache.forget((principal) => principal.apiKeyId === keyId);
    return apiKey;
  }

  /** Drops cached keys of a user whose role, status or existence changed. */
  forgetUser(userId: string): void {
    this.cache.forget((principal) => principal.userId === userId);
  }

  /** The principal of a live key, from the cache when possible (no database round trip). */
  async authenticate(key: string): Promise<Principal | undefined> {
    if (!looksLikeOpaqueToken(key, API_KEY_PREFIX)) return undefined;
    const hash = hashToken(key);
    const cached = this.cache.get(hash);
    const stamp = this.cache.stamp();
    const principal = cached
      ? cached.principal
      : await this.lookUp(hash).then((found) => {
          this.cache.set(hash, found?.principal, Date.now(), found?.expiresAt, stamp);
          return found?.principal;
        });
    if (principal) this.noteUse(principal.apiKeyId!);
    return principal;
  }

  private async lookUp(
    hash: string,
  ): Promise<{ principal: Principal; expiresAt: number | undefined } | undefined> {
    const owner = await this.em.fork().getRepository(ApiKey).findLiveByHash(hash);
    if (!owner) return undefined;
    // A key never exceeds its owner's current role (an owner demoted keeps only what fits).
    const allowed = scopesAllowedFor(owner.role);
    return {
      principal: {
        userId: owner.userId,
        role: owner.role,
        via: 'apiKey',
        apiKeyId: owner.keyId,
        scopes: owner.scopes.filter((scope) => allowed.includes(scope)),
        plan: owner.plan,
      },
      // Cached no longer than the key lives: an expiring key stopped up to the cache TTL late.
      expiresAt: owner.expiresAt?.getTime(),
    };
  }

  private noteUse(keyId: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(keyId) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(keyId, now);
    this.pendingTouches.add(keyId);
    this.touchTimer ??= setTimeout(() => void this.flushTouches(), 1000).unref();
  }

  /** Writes pending last-used times (also at shutdown, so none is lost). */
  async flushTouches(): Promise<void> {
    this.touchTimer = undefined;
    const ids = [...this.pendingTouches];
    this.pendingTouches.clear();
    try {
      await this.em.fork().getRepository(ApiKey).touch(ids);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not record API key use');
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.touchTimer) clearTimeout(this.touchTimer);
    if (this.pendingTouches.size > 0) await this.flushTouches();
  }
}
