/** The HTTP methods of the `@connections` API: PostToConnection, GetConnection, DeleteConnection. */
export type ManagementMethod = 'POST' | 'GET' | 'DELETE';
