/** True while a process with this PID exists (zombies included): signal 0 checks without signalling. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
