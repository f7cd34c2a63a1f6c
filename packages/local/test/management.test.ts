import {
  ApiGatewayManagementApiServiceException,
  DeleteConnectionCommand,
  ForbiddenException,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocketApp } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { connect, EventLog, managementClient, recordingApp, silentLogger, start } from './helpers.js';

async function openConnection() {
  const log = new EventLog();
  const server = await start(recordingApp(log, { lifecycle: true }));
  const client = await connect(server.url, undefined, { headers: { 'User-Agent': 'agent/2' } });
  const connectionId = server.connections.ids()[0]!;
  return { log, server, client, connectionId, api: managementClient(server.endpoint) };
}

describe('@connections with the AWS SDK', () => {
  it('PostToConnection sends text as a text frame and bytes that are not UTF-8 as binary', async () => {
    const { server, client, connectionId, api } = await openConnection();
    const sent = await api.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: '{"hi":1}' }),
    );
    expect(sent.$metadata.httpStatusCode).toBe(200);
    expect(await client.next()).toEqual({ data: Buffer.from('{"hi":1}'), binary: false });
    const bytes = new Uint8Array([0xff, 0x00, 0xfe]);
    await api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: bytes }));
    expect(await client.next()).toEqual({ data: Buffer.from(bytes), binary: true });
    expect(server.stats.count({ method: 'POST', status: 200 })).toBe(2);
  });

  it('GetConnection answers ConnectedAt, LastActiveAt and Identity', async () => {
    const { client, connectionId, api } = await openConnection();
    client.send('activity');
    const info = await api.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt).toBeInstanceOf(Date);
    expect(Math.abs(info.ConnectedAt!.getTime() - Date.now())).toBeLessThan(5000);
    expect(info.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(info.ConnectedAt!.getTime());
    expect(info.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'agent/2' });
  });

  it('DeleteConnection closes the client with 1000 and $disconnect reports it', async () => {
    const { log, server, client, connectionId, api } = await openConnection();
    const deleted = await api.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect((await client.closed).code).toBe(1000);
    const event = await log.waitFor('$disconnect');
    expect(event.requestContext.disconnectStatusCode).toBe(1000);
    expect(event.requestContext.disconnectReason).toBe('Connection Closed Normally');
    expect(server.connections.has(connectionId)).toBe(false);
    // Gone right away, even before the closing handshake finishes.
    await expect(
      api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x' })),
    ).rejects.toBeInstanceOf(GoneException);
  });

  it('answers GoneException for unknown and closed connections', async () => {
    const { log, client, connectionId, api } = await openConnection();
    const unknown = 'AAAAAAAAAAAAAAA=';
    for (const command of [
      new PostToConnectionCommand({ ConnectionId: unknown, Data: 'x' }),
      new GetConnectionCommand({ ConnectionId: unknown }),
      new DeleteConnectionCommand({ ConnectionId: unknown }),
    ]) {
      const error = await api.send(command as PostToConnectionCommand).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GoneException);
      expect((error as GoneException).$metadata.httpStatusCode).toBe(410);
    }
    client.ws.close(1000);
    await log.waitFor('$disconnect');
    await expect(api.send(new GetConnectionCommand({ ConnectionId: connectionId }))).rejects.toBeInstanceOf(
      GoneException,
    );
  });

  it('answers GoneException for calls made during $connect', async () => {
    let endpoint = '';
    let during: unknown;
    const app = new WebSocketApp({ logger: silentLogger() }).onConnect(async (ctx) => {
      const api = managementClient(endpoint);
      during = await api
        .send(new PostToConnectionCommand({ ConnectionId: ctx.connectionId, Data: 'too early' }))
        .catch((e: unknown) => e);
    });
    const server = await start(app);
    endpoint = server.endpoint;
    const client = await connect(server.url);
    expect(during).toBeInstanceOf(GoneException);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('works with the endpoint derived from the event: http://{domainName}/{stage}', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).route('hello', { twoWay: true }, async (ctx) => {
      const { domainName, stage } = ctx.event.requestContext;
      const api = managementClient(`http://${domainName}/${stage}`);
      await api.send(new PostToConnectionCommand({ ConnectionId: ctx.connectionId, Data: 'pushed' }));
      return 'answered';
    });
    const server = await start(app, { stage: 'prod' });
    const client = await connect(server.url);
    client.send({ action: 'hello' });
    expect(await client.text()).toBe('pushed');
    expect(await client.text()).toBe('answered');
  });

  it('answers PayloadTooLargeException (413) over 128 KB and delivers exactly 128 KB', async () => {
    const { client, connectionId, api } = await openConnection();
    const error = await api
      .send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'a'.repeat(131073) }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeException);
    expect((error as PayloadTooLargeException).$metadata.httpStatusCode).toBe(413);
    await api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'b'.repeat(131072) }));
    expect((await client.next()).data.length).toBe(131072);
  });

  it('answers BadRequestException for an id not shaped like a connection id', async () => {
    const { api } = await openConnection();
    const error = await api
      .send(new PostToConnectionCommand({ ConnectionId: 'not-a-connection', Data: 'x' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiGatewayManagementApiServiceException);
    expect((error as ApiGatewayManagementApiServiceException).name).toBe('BadRequestException');
    expect((error as ApiGatewayManagementApiServiceException).$metadata.httpStatusCode).toBe(400);
  });

  it('answers ForbiddenException for a wrong stage', async () => {
    const { server, connectionId } = await openConnection();
    const api = managementClient(`http://${server.domainName}/wrong`);
    await expect(api.send(new GetConnectionCommand({ ConnectionId: connectionId }))).rejects.toBeInstanceOf(
      ForbiddenException,
    );
  });

  it('decodes URL-encoded connection ids', async () => {
    const { server, connectionId } = await openConnection();
    const path = `/local/%40connections/${encodeURIComponent(connectionId).replace('=', '%3D')}`;
    const res = await fetch(`http://${server.domainName}${path}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ identity: { sourceIp: '127.0.0.1' } });
  });

  it('answers Gone with the x-amzn-ErrorType header and a null message, like API Gateway', async () => {
    const { server } = await openConnection();
    const res = await fetch(`${server.endpoint}/@connections/AAAAAAAAAAAAAAA=`, {
      method: 'POST',
      body: 'x',
    });
    expect(res.status).toBe(410);
    expect(res.headers.get('x-amzn-errortype')).toBe('GoneException');
    expect(await res.json()).toEqual({ message: null });
  });
});
