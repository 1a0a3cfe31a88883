import { ValidateIf } from 'class-validator';

/**
 * May be left out, but not sent as null. @IsOptional() skips null as well as a missing field, so
 * on an update a null slipped through as a change (`disabled: null` re-enabled an account,
 * `events: null` left a webhook subscribed to nothing): use this where null means nothing.
 */
export const Omittable = () => ValidateIf((_object, value) => value !== undefined);
