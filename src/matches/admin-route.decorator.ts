/** Kept for existing imports: the real access decorators live in src/common/auth. */
export { AdminRoute } from '../common/auth/access.decorators';
