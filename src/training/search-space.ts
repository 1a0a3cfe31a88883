import {
  relevantHyperparameters,
  resolveHyperparameters,
  SEARCHABLE_HYPERPARAMETERS,
  type ServedModelType,
} from '../modelling';
import type { InvalidField } from '../common/problem/problem-details';

const MAX_PATHS = 6;
const MAX_VALUES = 8;

/**
 * Checks a search space from the API: known paths, 1..8 numbers each, within bounds and, given
 * the model type, of a group that type reads (searching another's would only repeat one trial).
 */
export function searchSpaceErrors(
  space: Record<string, unknown>,
  modelType?: ServedModelType,
): InvalidField[] {
  const used = modelType
    ? Object.keys(relevantHyperparameters(modelType, resolveHyperparameters()))
    : undefined;
  const errors: InvalidField[] = [];
  const paths = Object.keys(space);
  if (paths.length === 0)
    errors.push({ field: 'searchSpace', reason: 'must name at least one hyperparameter' });
  if (paths.length > MAX_PATHS) {
    errors.push({ field: 'searchSpace', reason: `at most ${MAX_PATHS} hyperparameters` });
  }
  for (const path of paths) {
    const field = `searchSpace.${path}`;
    const bounds = SEARCHABLE_HYPERPARAMETERS[path];
    if (!bounds) {
      errors.push({
        field,
        reason: `unknown hyperparameter; one of ${Object.keys(SEARCHABLE_HYPERPARAMETERS).join(', ')}`,
      });
      continue;
    }
    if (used && !used.includes(path.split('.')[0])) {
      errors.push({ field, reason: `not used by ${modelType} models` });
      continue;
    }
    const values = space[path];
    if (!Array.isArray(values) || values.length === 0 || values.length > MAX_VALUES) {
      errors.push({ field, reason: `must be a list of 1 to ${MAX_VALUES} numbers` });
      continue;
    }
    const kind = bounds.integer ? 'integers' : 'numbers';
    const fits = (v: unknown) =>
      typeof v === 'number' &&
      v >= bounds.min &&
      v <= bounds.max &&
      (!bounds.integer || Number.isInteger(v));
    if (!values.every(fits)) {
      errors.push({ field, reason: `values must be ${kind} in [${bounds.min}, ${bounds.max}]` });
    }
  }
  return errors;
}
