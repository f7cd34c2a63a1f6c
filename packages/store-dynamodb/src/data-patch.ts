import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ATTR, dataKey } from './connection-item.js';

/** Keys per UpdateItem: keeps the expression far below DynamoDB's 4 KB expression limit. */
export const PATCH_KEYS_PER_UPDATE = 100;

/** One UpdateItem's expression parts for a slice of a merge patch. */
export interface DataPatchExpression {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, AttributeValue>;
}

/**
 * Turns a JSON Merge Patch (top level: `null` removes a key) into UpdateItem expressions, one per
 * {@link PATCH_KEYS_PER_UPDATE} keys, each key set or removed on its own inside the `data` map so
 * concurrent updates of different keys are all kept. An empty patch gives one no-op expression.
 * Names and values for the caller's condition are merged in from `names`/`values`.
 */
export function dataPatchExpressions(
  patch: Record<string, unknown>,
  names: Record<string, string>,
  values: Record<string, AttributeValue>,
): DataPatchExpression[] {
  const entries = Object.entries(patch);
  const chunks: Array<Array<[string, unknown]>> = [];
  for (let i = 0; i < entries.length; i += PATCH_KEYS_PER_UPDATE) {
    chunks.push(entries.slice(i, i + PATCH_KEYS_PER_UPDATE));
  }
  if (chunks.length === 0) chunks.push([]);
  return chunks.map((chunk) => {
    const chunkNames: Record<string, string> = { ...names, '#d': ATTR.data };
    const chunkValues: Record<string, AttributeValue> = { ...values };
    const sets: string[] = [];
    const removes: string[] = [];
    for (const [n, [key, value]] of chunk.entries()) {
      chunkNames[`#k${n}`] = dataKey(key);
      if (value === null) removes.push(`#d.#k${n}`);
      else {
        sets.push(`#d.#k${n} = :v${n}`);
        chunkValues[`:v${n}`] = { S: JSON.stringify(value) };
      }
    }
    if (sets.length === 0 && removes.length === 0) {
      sets.push('#d = if_not_exists(#d, :empty)');
      chunkValues[':empty'] = { M: {} };
    }
    const clauses = [];
    if (sets.length > 0) clauses.push(`SET ${sets.join(', ')}`);
    if (removes.length > 0) clauses.push(`REMOVE ${removes.join(', ')}`);
    return {
      UpdateExpression: clauses.join(' '),
      ExpressionAttributeNames: chunkNames,
      ExpressionAttributeValues: chunkValues,
    };
  });
}
