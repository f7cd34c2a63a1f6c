import { connectEvent, disconnectEvent, messageEvent } from '@wsapp/testing';
import { createChatApp } from './app.js';

// Pushes a realistic API Gateway event sequence through the chat app and prints each answer.
const app = createChatApp();
const connectionId = 'L0SM9cOFvHcCIhw=';
const steps = [
  ['connect without a name', connectEvent({ connectionId })],
  [
    'connect as ada, offering chat.v1',
    connectEvent({ connectionId, query: { name: 'ada' }, protocols: ['chat.v1'] }),
  ],
  [
    'say hello in #general',
    messageEvent({ action: 'say', room: 'general', text: 'hello' }, { connectionId }),
  ],
  ['say with no text', messageEvent({ action: 'say', room: 'general' }, { connectionId })],
  ['unknown action', messageEvent({ action: 'dance' }, { connectionId, routeKey: '$default' })],
  ['close (1001 going away)', disconnectEvent({ connectionId, statusCode: 1001, reason: 'Going away' })],
] as const;

for (const [label, event] of steps) {
  const response = await app.resolve(event);
  console.log(
    `${label.padEnd(34)} ${event.requestContext.routeKey.padEnd(12)} → ${JSON.stringify(response)}`,
  );
}
