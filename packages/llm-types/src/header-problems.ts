// RFC 9110 token characters: anything else in a header name breaks the request or smuggles one.
const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// CR or LF in a value would start a new header (request smuggling); NUL is refused by Node.
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;

/**
 * What is wrong with a header, if anything: one message per problem. The value is never quoted:
 * headers may carry credentials. Config validation and per-call headers share this check.
 */
export function headerProblems(name: string, value: string): string[] {
  const problems: string[] = [];
  if (!NAME.test(name)) problems.push("is not a valid header name");
  if (FORBIDDEN_IN_VALUE.test(value))
    problems.push("header values must not contain CR, LF or NUL characters");
  return problems;
}
