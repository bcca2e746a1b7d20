// Reading and checking action parameters of a CVM request body, failing with the
// codes the real service uses for a missing or mistyped parameter.

/** An error the fake answers as `{"Response":{"Error":{Code,Message},RequestId}}`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Params = Record<string, unknown>;

function typeError(name: string, expected: string): ApiError {
  return new ApiError('InvalidParameter', `The parameter \`${name}\` must be ${expected}.`);
}

/** A required parameter; MissingParameter when absent. */
export function required<T>(params: Params, name: string, read: (params: Params, name: string) => T | undefined): T {
  const value = read(params, name);
  if (value === undefined) throw new ApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
  return value;
}

export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeError(name, 'a string');
  return value;
}

export function optionalInteger(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(name, 'an integer');
  return value;
}

export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw typeError(name, 'a boolean');
  return value;
}

export function optionalStringArray(params: Params, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw typeError(name, 'an array of strings');
  return value as string[];
}

/** A required array that must hold 1..max items. */
export function requiredIdList(params: Params, name: string, max = 100): string[] {
  const list = required(params, name, optionalStringArray);
  if (list.length === 0) throw new ApiError('MissingParameter', `The parameter \`${name}\` must not be empty.`);
  if (list.length > max) {
    throw new ApiError('InvalidParameterValue.LimitExceeded', `The parameter \`${name}\` holds ${list.length} items; at most ${max} are allowed.`);
  }
  return list;
}

export interface Filter {
  Name: string;
  Values: string[];
}

/** `Filters: [{Name, Values}]`; at most 10 filters of at most 5 values, as the docs of similar APIs say. */
export function optionalFilters(params: Params, allowed: (name: string) => boolean): Filter[] | undefined {
  const value = params.Filters;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw typeError('Filters', 'an array of {Name, Values}');
  if (value.length > 10) throw new ApiError('InvalidFilterValue.LimitExceeded', 'At most 10 filters are allowed.');
  return value.map((item: unknown, index) => {
    const filter = item as Partial<Filter> | null;
    if (!filter || typeof filter.Name !== 'string' || !Array.isArray(filter.Values) || filter.Values.some((v) => typeof v !== 'string')) {
      throw typeError(`Filters.${index}`, 'a {Name, Values} filter');
    }
    if (!allowed(filter.Name)) throw new ApiError('InvalidFilter', `The filter \`${filter.Name}\` is not supported.`);
    if (filter.Values.length > 5) throw new ApiError('InvalidFilterValue.LimitExceeded', 'At most 5 values per filter are allowed.');
    return { Name: filter.Name, Values: filter.Values };
  });
}

/** Offset (default 0) and Limit (default 20, at most 100). */
export function pagination(params: Params): { offset: number; limit: number } {
  const offset = optionalInteger(params, 'Offset') ?? 0;
  const limit = optionalInteger(params, 'Limit') ?? 20;
  if (offset < 0) throw new ApiError('InvalidParameterValue', `Offset ${offset} is negative.`);
  if (limit < 1 || limit > 100) throw new ApiError('InvalidParameterValue', `Limit ${limit} is out of range [1, 100].`);
  return { offset, limit };
}

/** KeyIds look like `skey-` + 8 lower-case letters or digits. */
export function checkKeyIdShape(id: string): void {
  if (!/^skey-[0-9a-z]{8}$/.test(id)) {
    throw new ApiError('InvalidKeyPairId.Malformed', `The key pair ID \`${id}\` is malformed; expected skey-xxxxxxxx.`);
  }
}

/** InstanceIds look like `ins-` + 8 lower-case letters or digits. */
export function checkInstanceIdShape(id: string): void {
  if (!/^ins-[0-9a-z]{8}$/.test(id)) {
    throw new ApiError('InvalidInstanceId.Malformed', `The instance ID \`${id}\` is malformed; expected ins-xxxxxxxx.`);
  }
}
