import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Omittable } from '../../common/http/omittable';
import { PageQuery } from '../../common/http/pagination';
import { API_KEY_SCOPES, type ApiKeyScope, ROLES, type Role } from '../../common/auth/roles';
import { PASSWORD_MAX_LENGTH } from '../passwords/password-policy';
import type { ApiKey, Invitation, User } from '../entities';
import type { SessionRow } from '../repositories/refresh-token.repository';

const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

export class RegisterBody {
  @ApiProperty({ example: 'ann@example.org' })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'tidal-orange-kettle-93', minLength: 12, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiPropertyOptional({ description: 'Invitation token (required when REGISTRATION=invitation)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  invitation?: string;
}

export class LoginBody {
  @ApiProperty({ example: 'ann@example.org' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'tidal-orange-kettle-93' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}

export class RefreshBody {
  @ApiProperty({ description: 'The refresh token of the last token pair (used once)' })
  @IsString()
  @MaxLength(200)
  refreshToken!: string;
}

export class TokenPairView {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer ...`' })
  accessToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ example: 900, description: 'Seconds until the access token expires' })
  expiresIn!: number;

  @ApiProperty({ description: 'Opaque; exchange it once at POST /v1/auth/refresh' })
  refreshToken!: string;

  @ApiProperty({ example: 2592000 })
  refreshExpiresIn!: number;
}

export class ChangePasswordBody {
  @ApiProperty()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword!: string;

  @ApiProperty({ minLength: 12, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword!: string;
}

export class ConfirmPasswordBody {
  @ApiProperty({ description: 'The current password, to confirm the erasure' })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}

export class UserView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'ann@example.org' })
  email!: string;
  @ApiProperty({ enum: ROLES })
  role!: Role;
  @ApiProperty()
  disabled!: boolean;
  @ApiProperty()
  createdAt!: Date;
  @ApiProperty()
  passwordChangedAt!: Date;
  @ApiProperty({ nullable: true, type: Date })
  lastLoginAt!: Date | null;

  static of(user: User): UserView {
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      disabled: user.disabledAt !== null,
      createdAt: user.createdAt,
      passwordChangedAt: user.passwordChangedAt,
      lastLoginAt: user.lastLoginAt,
    };
  }
}

export class SessionView {
  @ApiProperty({ format: 'uuid', description: 'Session id (refresh token family)' })
  id!: string;
  @ApiProperty()
  startedAt!: Date;
  @ApiProperty()
  lastRefreshedAt!: Date;
  @ApiProperty()
  expiresAt!: Date;
  @ApiProperty({ nullable: true, type: String })
  userAgent!: string | null;
  @ApiProperty({ nullable: true, type: String })
  ip!: string | null;

  static of(row: SessionRow): SessionView {
    const { familyId, ...rest } = row;
    return { id: familyId, ...rest };
  }
}

export class CreateApiKeyBody {
  @ApiProperty({ example: 'nightly model sync', maxLength: 100 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['read'] })
  @IsIn(API_KEY_SCOPES, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(API_KEY_SCOPES.length)
  scopes!: ApiKeyScope[];

  @ApiPropertyOptional({ minimum: 1, maximum: 3650, description: 'Days until the key expires' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ example: 'oxk_Ab3dE9xY', description: 'The first characters of the key' })
  prefix!: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
  scopes!: ApiKeyScope[];
  @ApiProperty({ example: 'free' })
  plan!: string;
  @ApiProperty()
  createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date })
  expiresAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date })
  lastUsedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date })
  revokedAt!: Date | null;

  static of(key: ApiKey): ApiKeyView {
    return {
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      scopes: key.scopes,
      plan: key.plan,
      createdAt: key.createdAt,
      expiresAt: key.expiresAt,
      lastUsedAt: key.lastUsedAt,
      revokedAt: key.revokedAt,
    };
  }
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The key, shown this once: send it as `X-API-Key`' })
  key!: string;
}

export class UserListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'Part of the e-mail address' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;
}

export class UpdateUserBody {
  @ApiPropertyOptional({ enum: ROLES })
  @Omittable()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  disabled?: boolean;
}

export class SetPlanBody {
  @ApiProperty({ example: 'pro', description: 'One of the plans in API_KEY_PLANS' })
  @IsString()
  @MaxLength(64)
  plan!: string;
}

export class CreateInvitationBody {
  @ApiProperty({ example: 'bob@example.org' })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ enum: ROLES, example: 'user' })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ minimum: 1, maximum: 90, default: 7 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  expiresInDays?: number;
}

export class InvitationView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  email!: string;
  @ApiProperty({ enum: ROLES })
  role!: Role;
  @ApiProperty()
  createdAt!: Date;
  @ApiProperty()
  expiresAt!: Date;
  @ApiProperty({ nullable: true, type: Date })
  acceptedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date })
  revokedAt!: Date | null;

  static of(invitation: Invitation): InvitationView {
    return {
      id: invitation.id,
      email: invitation.email,
      role: invitation.role,
      createdAt: invitation.createdAt,
      expiresAt: invitation.expiresAt,
      acceptedAt: invitation.acceptedAt,
      revokedAt: invitation.revokedAt,
    };
  }
}

export class CreatedInvitationView extends InvitationView {
  @ApiProperty({ description: 'Shown this once: the invitee registers with it' })
  token!: string;
}
