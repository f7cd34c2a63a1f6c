import { WsappError } from '@wsapp/core';

/**
 * A predicate for `expect(…).toSatisfy()`: whether a value is a wsapp error of `errorClass`'s
 * code, from any copy of `@wsapp/core`. A store built against its own copy (its own install or
 * bundle) throws its copy's classes, which `instanceof` the suite's would refuse though the store
 * behaves correctly; the app recognises them by brand and code (`WsappError.is`), and so does the
 * suite. The predicate is named for the code, so a failure says what was expected.
 */
export function wsappErrorOf(errorClass: { readonly code: string }): (value: unknown) => boolean {
  const { code } = errorClass;
  const is = (value: unknown) => WsappError.is(value, code);
  Object.defineProperty(is, 'name', { value: `a wsapp error of code ${code}` });
  return is;
}
