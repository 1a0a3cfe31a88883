import { Injectable } from '@nestjs/common';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters } from 'jose';
import { AppConfig } from '../../config/app-config';
import { ROLES, type Role } from '../../common/auth/roles';

/** The only algorithm accepted: tokens naming another (`none`, RS256, ...) are refused. */
const ALGORITHM = 'HS256';
const TOKEN_TYPE = 'at+jwt';
/** Verified tokens remembered per replica, so a client reusing its token costs a map lookup. */
const VERIFIED_CACHE_SIZE = 10_000;

export interface AccessClaims {
  userId: string;
  role: Role;
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  /**
   * The account's session version when the token was signed (claim `sv`; see
   * User.sessionVersion); undefined for tokens signed before the claim existed.
   */
  sessionVersion?: number;
}

interface SigningKey {
  kid: string;
  key: KeyObject;
  /** Retired keys verify tokens issued before this moment, until their last token expired. */
  retiredAt?: number;
}

/**
 * Short-lived access tokens (JWT, HS256) signed with the current key (JWT_SECRET, kid
 * JWT_KEY_ID). Verification is pinned to HS256, this issuer and this audience, and picks the key
 * by `kid`: a rotated-out key (JWT_PREVIOUS_KEYS) keeps its tokens valid until they expire, and
 * nothing signed with it after its retirement, or after that grace, is accepted. All in memory:
 * no request touches the database to check a token.
 */
@Injectable()
export class AccessTokens {
  private readonly current: SigningKey;
  private readonly keys = new Map<string, SigningKey>();
  private readonly issuer: string;
  private readonly audience: string;
  readonly ttlSeconds: number;
  private readonly verified = new Map<string, AccessClaims>();

  constructor(config: AppConfig) {
    const jwt = config.jwt;
    this.issuer = jwt.issuer;
    this.audience = jwt.audience;
    this.ttlSeconds = jwt.accessTtlSeconds;
    this.current = { kid: jwt.current.kid, key: createSecretKey(Buffer.from(jwt.current.secret)) };
    this.keys.set(this.current.kid, this.current);
    for (const old of jwt.previous) {
      this.keys.set(old.kid, {
        kid: old.kid,
        key: createSecretKey(Buffer.from(old.secret)),
        retiredAt: old.retiredAt.getTime(),
      });
    }
  }

  async sign(
    userId: string,
    role: Role,
    sessionVersion: number,
  ): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({ role, sv: sessionVersion })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.current.kid, typ: TOKEN_TYPE })
      .setSubject(userId)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.current.key);
    return { token, expiresIn: this.ttlSeconds };
  }

  /** The token's claims, or undefined when it is not a valid, current access token of ours. */
  async verify(token: string): Promise<AccessClaims | undefined> {
    const nowSeconds = Date.now() / 1000;
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > nowSeconds) return known;
      this.verified.delete(token);
      return undefined;
    }
    let kid: string | undefined;
    try {
      const { payload, protectedHeader } = await jwtVerify(
        token,
        (header: JWTHeaderParameters) => {
          kid = header.kid;
          const key = header.kid === undefined ? undefined : this.keys.get(header.kid);
          if (!key) throw new errors.JWKSNoMatchingKey();
          return key.key;
        },
        {
          algorithms: [ALGORITHM],
          issuer: this.issuer,
          audience: this.audience,
          typ: TOKEN_TYPE,
          requiredClaims: ['sub', 'iat', 'exp'],
        },
      );
      const role = payload.role as Role;
      const sv = payload.sv;
      if (!ROLES.includes(role) || typeof payload.sub !== 'string') return undefined;
      // Only we sign tokens, so a malformed version is not ours (or a bug): refused.
      if (sv !== undefined && !(typeof sv === 'number' && Number.isSafeInteger(sv) && sv >= 0)) {
        return undefined;
      }
      const claims: AccessClaims = {
        userId: payload.sub,
        role,
        issuedAt: payload.iat!,
        expiresAt: payload.exp!,
        ...(sv !== undefined && { sessionVersion: sv as number }),
      };
      if (!this.withinKeyLifetime(this.keys.get(protectedHeader.kid ?? '')!, claims)) {
        return undefined;
      }
      this.remember(token, claims);
      return claims;
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw new Error(`access token check failed (kid ${kid ?? 'none'})`, { cause: error });
    }
  }

  /** A retired key vouches only for tokens it signed before retiring (they expire within the TTL). */
  private withinKeyLifetime(key: SigningKey, claims: AccessClaims): boolean {
    if (key.retiredAt === undefined) return true;
    const graceEnds = key.retiredAt + this.ttlSeconds * 1000;
    return claims.issuedAt * 1000 <= key.retiredAt && Date.now() <= graceEnds;
  }

  private remember(token: string, claims: AccessClaims): void {
    if (this.verified.size >= VERIFIED_CACHE_SIZE) {
      // Drop the oldest entry (Map keeps insertion order).
      this.verified.delete(this.verified.keys().next().value!);
    }
    this.verified.set(token, claims);
  }
}
