// Browser client for the chat example, on @wsapp/client (served as /wsapp-client.js): it pings under
// the idle timeout, reconnects with backoff, re-joins the room on every new connection, and queues
// messages typed while reconnecting.
import { createClient } from './wsapp-client.js';

const $ = (id) => document.getElementById(id);
const wsUrl = new URLSearchParams(location.search).get('ws') ?? window.WSAPP_WS_URL;
let client;
let room;

const log = (text, kind) => {
  const line = document.createElement('div');
  line.textContent = text;
  if (kind) line.className = kind;
  $('log').append(line);
  $('log').scrollTop = $('log').scrollHeight;
};
const status = (state, text) => {
  $('status').dataset.state = state;
  $('status').textContent = text;
};

$('connect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  client?.close();
  const name = $('name').value.trim();
  client = createClient(wsUrl, {
    query: { name },
    protocols: ['chat.v1'],
    heartbeat: { intervalMs: 4 * 60_000 },
    backoff: { baseMs: 250, maxMs: 5000 },
    // Memberships belong to a connection: a new one joins the room again before anything else.
    resume: async (session) => {
      if (room) await session.request('join', { room });
    },
  });
  client.on('open', ({ reconnected }) => {
    status('open', `connected as ${name}`);
    if (reconnected) log(room ? `reconnected, back in ${room}` : 'reconnected', 'system');
    $('join').disabled = false;
    $('send').disabled = room === undefined;
  });
  client.on('reconnecting', ({ attempt, delayMs }) => {
    status('reconnecting', `reconnecting (attempt ${attempt}, in ${delayMs} ms)…`);
  });
  client.on('close', ({ code, willReconnect }) => {
    if (willReconnect) return;
    status('closed', `closed (${code})`);
    $('join').disabled = true;
    $('send').disabled = true;
  });
  client.on('message', (msg) => {
    if (msg.type === 'message') log(`${msg.from}: ${msg.text}`);
    else if (msg.type === 'joined') log(`${msg.user} joined ${msg.room}`, 'system');
    else if (msg.type === 'left') log(`${msg.user} left ${msg.room}`, 'system');
    else if (msg.message) log(`error: ${msg.message}`, 'system');
  });
});

$('room-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const ack = await client.request('join', { room: $('room').value.trim() });
    room = ack.room;
    $('send').disabled = false;
    log(`you joined ${ack.room}`, 'system');
  } catch (error) {
    log(`error: ${error.message}`, 'system');
  }
});

$('say-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('text').value;
  $('text').value = '';
  log(`me: ${text}`, 'mine');
  try {
    await client.request('say', { room, text });
  } catch (error) {
    log(`not delivered (${error.message}): ${text}`, 'system');
  }
});
