// Browser client for the chat example, on @wsapp/client (served as /wsapp-client.js): it pings under
// the idle timeout, reconnects with backoff, resumes its session (token in sessionStorage: the
// server puts it back in its room and replays what it missed, each message once), re-joins the
// room when the session could not be resumed, and queues messages typed while reconnecting.
import { createClient } from './wsapp-client.js';

const $ = (id) => document.getElementById(id);
const wsUrl = new URLSearchParams(location.search).get('ws') ?? window.WSAPP_WS_URL;
let client;
let room;
// Ids of this page's own messages: a resume replays them (the server sent them to the others only).
const mine = new Set();

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
  const key = `wsapp-chat-session:${name}`; // one session per tab and name
  client = createClient(wsUrl, {
    query: { name },
    protocols: ['chat.v1'],
    heartbeat: { intervalMs: 4 * 60_000 },
    backoff: { baseMs: 250, maxMs: 5000 },
    session: {
      storage: {
        get: () => sessionStorage.getItem(key) ?? undefined,
        set: (token) => sessionStorage.setItem(key, token),
      },
    },
    // Memberships belong to a connection: when the session was not resumed (expired, or the
    // server restarted), the new connection joins the room again before anything else.
    resume: async (session) => {
      if (room && !session.resumed?.channels.includes(`room#${room}`))
        await session.request('join', { room });
    },
  });
  client.on('resumed', ({ resumed, channels }) => {
    // After a reload the page learns its room from the resumed session.
    const rooms = channels.filter((c) => c.startsWith('room#')).map((c) => c.slice('room#'.length));
    if (resumed && room === undefined && rooms.length > 0) {
      room = rooms[0];
      log(`back in ${room}`, 'system');
    }
  });
  client.on('gap', ({ channel }) =>
    log(`some messages of ${channel.slice('room#'.length)} are gone`, 'system'),
  );
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
    if (msg.$mid !== undefined && mine.has(msg.$mid)) return; // already shown as "me: …"
    // A dropped connection of this page "left"; the resume put it back: not news to this page.
    if ((msg.type === 'joined' || msg.type === 'left') && msg.user === name) return;
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
    const ack = await client.request('say', { room, text });
    mine.add(ack.messageId);
  } catch (error) {
    log(`not delivered (${error.message}): ${text}`, 'system');
  }
});
