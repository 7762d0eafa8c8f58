/**
 * Writes of one turn of the event loop to one socket go out together: the first corks the socket and the end of the
 * turn (process.nextTick, before any I/O) uncorks it. A batch of presses pushes several messages to each console at
 * once, and each write on its own was a system call, which on a loopback socket also does the receiver's work.
 */
export interface Corkable {
  cork(): void;
  uncork(): void;
  readonly destroyed?: boolean;
}

export function turnWriter(socket: Corkable | undefined): (write: () => void) => void {
  if (!socket) return (write) => write();
  let corked = false;
  const release = () => {
    corked = false;
    if (!socket.destroyed) socket.uncork();
  };
  return (write) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(release);
    }
    write();
  };
}
