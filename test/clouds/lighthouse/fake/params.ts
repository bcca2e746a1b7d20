// Reading and checking Lighthouse action parameters. The type readers and ApiError are the CVM
// fake's (same API 3.0 envelope); the codes for lists, filters, paging and ids are Lighthouse's
// own, from the "possible error codes" of each action in the Go SDK
// (tencentcloud-sdk-go, lighthouse/v20200324/client.go and errors.go).

import { ApiError, type Params, optionalInteger, optionalString, optionalStringArray, required } from '../../tencent/fake/params';

export { ApiError, type Params, optionalInteger, optionalString, optionalStringArray, required };

/** UnknownParameter (a common error code): the API refuses parameters an action does not define. */
export function rejectUnknownParameters(params: Params, known: readonly string[]): void {
  const unknown = Object.keys(params).find((name) => !known.includes(name));
  if (unknown !== undefined) throw new ApiError('UnknownParameter', `The parameter \`${unknown}\` is not recognized.`);
}

/**
 * A list of ids. Too many → InvalidParameterValue.LimitExceeded, the same id twice →
 * InvalidParameterValue.Duplicated (both listed for DescribeKeyPairs, DeleteKeyPairs and the
 * bind actions). With `requiredList`, absent or empty → MissingParameter.
 */
export function idList(params: Params, name: string, max: number, requiredList: true): string[];
export function idList(params: Params, name: string, max: number, requiredList?: false): string[] | undefined;
export function idList(params: Params, name: string, max: number, requiredList = false): string[] | undefined {
  const list = optionalStringArray(params, name);
  // Assumed: an empty optional list is no list (so `KeyIds: []` does not conflict with Filters).
  if (list === undefined || list.length === 0) {
    if (requiredList) throw new ApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
    return undefined;
  }
  if (list.length > max) {
    throw new ApiError('InvalidParameterValue.LimitExceeded', `The parameter \`${name}\` holds ${list.length} items; at most ${max} are allowed.`);
  }
  const repeated = list.find((id, index) => list.indexOf(id) !== index);
  if (repeated !== undefined) throw new ApiError('InvalidParameterValue.Duplicated', `The parameter \`${name}\` holds \`${repeated}\` twice.`);
  return list;
}

export interface Filter {
  Name: string;
  Values: string[];
}

export interface FilterRules {
  /** Filter names the action documents. */
  names: readonly string[];
  /** Whether `tag:<key>` is allowed. */
  tagKeys: boolean;
  /** At most this many values per filter (DescribeKeyPairs: 5, DescribeInstances: 100). */
  maxValues: number;
  /** The code for an undocumented name: DescribeKeyPairs lists only InvalidParameter.InvalidFilter. */
  unknownNameCode: string;
}

/**
 * `Filters: [{Name, Values}]`, at most 10 (both Describe pages: "每次请求的 Filters 的上限为 10").
 * The shape codes are the InvalidParameter.InvalidFilter* family DescribeInstances lists.
 */
export function optionalFilters(params: Params, rules: FilterRules): Filter[] | undefined {
  const value = params.Filters;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ApiError('InvalidParameter.InvalidFilter', 'The parameter `Filters` must be a list of {Name, Values}.');
  // Assumed: too many filters is InvalidParameterValue.LimitExceeded ("参数值的数量超过最大限制").
  if (value.length > 10) throw new ApiError('InvalidParameterValue.LimitExceeded', 'At most 10 filters are allowed.');
  return value.map((item: unknown) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw new ApiError('InvalidParameter.InvalidFilterNotDict', 'A filter must be an object {Name, Values}.');
    const filter = item as Partial<Record<'Name' | 'Values', unknown>>;
    if (typeof filter.Name !== 'string') throw new ApiError('InvalidParameter.InvalidFilterInvalidNameNotStr', 'The Name of a filter must be a string.');
    if (!Array.isArray(filter.Values) || filter.Values.some((v) => typeof v !== 'string')) {
      throw new ApiError('InvalidParameter.InvalidFilterInvalidValuesNotList', `The Values of filter \`${filter.Name}\` must be a list of strings.`);
    }
    const known = rules.names.includes(filter.Name) || (rules.tagKeys && /^tag:.+/.test(filter.Name));
    if (!known) throw new ApiError(rules.unknownNameCode, `The filter \`${filter.Name}\` is not supported.`);
    if (filter.Values.length > rules.maxValues) {
      throw new ApiError('InvalidParameter.FilterValueLimitExceeded', `Filter \`${filter.Name}\` holds ${filter.Values.length} values; at most ${rules.maxValues} are allowed.`);
    }
    return { Name: filter.Name, Values: filter.Values as string[] };
  });
}

/**
 * Offset (default 0) and Limit (default 20, at most 100), as both Describe pages document them.
 * Negative → InvalidParameterValue.Negative, too large → InvalidParameterValue.OutOfRange (listed codes).
 */
export function pagination(params: Params): { offset: number; limit: number } {
  const offset = optionalInteger(params, 'Offset') ?? 0;
  const limit = optionalInteger(params, 'Limit') ?? 20;
  if (offset < 0) throw new ApiError('InvalidParameterValue.Negative', `Offset ${offset} is negative.`);
  if (limit < 0) throw new ApiError('InvalidParameterValue.Negative', `Limit ${limit} is negative.`);
  // Assumed: Limit 0 is out of range too.
  if (limit < 1 || limit > 100) throw new ApiError('InvalidParameterValue.OutOfRange', `Limit ${limit} is out of range [1, 100].`);
  return { offset, limit };
}

/** Key pair ids: `lhkp-` + 8 lower-case letters or digits (the API examples: lhkp-f7rjie1q). */
export function checkKeyIdShape(id: string): void {
  if (!/^lhkp-[0-9a-z]{8}$/.test(id)) {
    throw new ApiError('InvalidParameterValue.KeyPairIdMalformed', `The key pair ID \`${id}\` is malformed; expected lhkp-xxxxxxxx.`);
  }
}

/** Instance ids: `lhins-` + 8 lower-case letters or digits (the API examples: lhins-ruy9d2tw). */
export function checkInstanceIdShape(id: string): void {
  if (!/^lhins-[0-9a-z]{8}$/.test(id)) {
    throw new ApiError('InvalidParameterValue.InstanceIdMalformed', `The instance ID \`${id}\` is malformed; expected lhins-xxxxxxxx.`);
  }
}
