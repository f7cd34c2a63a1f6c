// Plain browser client for the chat example: connect, join a room, send and show messages.
(() => {
  const $ = (id) => document.getElementById(id);
  const wsUrl = new URLSearchParams(location.search).get('ws') ?? window.WSAPP_WS_URL;
  let socket;
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
    socket?.close();
    const name = $('name').value.trim();
    socket = new WebSocket(`${wsUrl}?name=${encodeURIComponent(name)}`, ['chat.v1']);
    socket.addEventListener('open', () => {
      status('open', `connected as ${name}`);
      $('join').disabled = false;
    });
    socket.addEventListener('close', (e) => {
      status('closed', `closed (${e.code})`);
      $('join').disabled = true;
      $('send').disabled = true;
    });
    socket.addEventListener('message', (e) => {
      const msg = JSON.parse(e.data);
      if (msg.type === 'message') log(`${msg.from}: ${msg.text}`);
      else if (msg.type === 'joined') log(`${msg.user} joined ${msg.room}`, 'system');
      else if (msg.type === 'left') log(`${msg.user} left ${msg.room}`, 'system');
      else if (msg.type === 'ack' && msg.action === 'join') {
        room = msg.room;
        $('send').disabled = false;
        log(`you joined ${msg.room}`, 'system');
      } else if (msg.type === 'members') log(`in ${msg.room}: ${msg.users.join(', ')}`, 'system');
      else if (msg.message) log(`error: ${msg.message}`, 'system');
    });
  });

  $('room-form').addEventListener('submit', (event) => {
    event.preventDefault();
    socket.send(JSON.stringify({ action: 'join', room: $('room').value.trim() }));
  });

  $('say-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('text').value;
    socket.send(JSON.stringify({ action: 'say', room, text }));
    log(`me: ${text}`, 'mine');
    $('text').value = '';
  });
})();
